package io.canarykit.testkit.aws;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.HttpHeader;
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Hands every request WireMock receives to the engine and turns its reply into WireMock's answer. */
final class EmulatorTransformer implements ResponseDefinitionTransformerV2 {
    private static final Logger LOG = LoggerFactory.getLogger(EmulatorTransformer.class);
    static final String NAME = "canarykit-aws-emulator";

    private final Engine engine;

    EmulatorTransformer(Engine engine) {
        this.engine = engine;
    }

    @Override
    public ResponseDefinition transform(ServeEvent event) {
        Request req = event.getRequest();
        Map<String, List<String>> headers = new HashMap<>();
        for (HttpHeader h : req.getHeaders().all()) {
            headers.computeIfAbsent(h.key().toLowerCase(Locale.ROOT), k -> new ArrayList<>()).addAll(h.values());
        }
        Reply reply;
        try {
            reply = engine.handle(new AwsRequest(req.getMethod().getName(), req.getUrl(), headers, req.getBody(),
                    req.getClientIp()));
        } catch (RuntimeException e) {
            String url = req.getUrl();
            int q = url.indexOf('?'); // a presigned query carries the signature and maybe a session token: never log it
            LOG.warn("the AWS emulator failed to serve {} {}; answering 500", req.getMethod(),
                    q < 0 ? url : url.substring(0, q), e);
            reply = new Reply().body("{\"__type\":\"InternalFailure\",\"message\":\"emulator failure\"}");
            reply.status = 500;
        }
        ResponseDefinitionBuilder b = ResponseDefinitionBuilder.responseDefinition();
        if (reply.fault != null) {
            b.withFault(reply.fault);
        } else {
            b.withStatus(reply.status);
            reply.headers.forEach(b::withHeader);
            b.withBody(reply.body);
        }
        if (reply.delayMillis > 0) {
            b.withFixedDelay((int) Math.min(Integer.MAX_VALUE, reply.delayMillis));
        }
        return b.build();
    }

    @Override
    public boolean applyGlobally() {
        return true;
    }

    @Override
    public String getName() {
        return NAME;
    }
}
