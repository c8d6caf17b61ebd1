package io.canarykit.server.console;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class HtmlTest {

    @Test
    void markupInAttackerTextBecomesText() {
        String ua = "aws-cli <script>alert('x')</script> \"onmouseover=\"x\" & <img src=x onerror=y>";
        String escaped = Html.escape(ua);
        assertThat(escaped).doesNotContain("<").doesNotContain(">").doesNotContain("\"").doesNotContain("'")
                .isEqualTo("aws-cli &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &quot;onmouseover=&quot;x&quot; "
                        + "&amp; &lt;img src=x onerror=y&gt;");
        // positive control: plain text passes unchanged
        assertThat(Html.escape("arn:aws:iam::123456789012:user/ci-cache")).isEqualTo("arn:aws:iam::123456789012:user/ci-cache");
    }

    @Test
    void controlCharactersAreDroppedAndNullIsEmpty() {
        assertThat(Html.escape("a\u0000b\u001bc\u007fd\te\nf")).isEqualTo("abcd\te\nf");
        assertThat(Html.escape(null)).isEmpty();
    }

    @Test
    void attributeValuesCannotBreakOut() {
        String html = new Html().r("<td title=\"").t("\" onclick=\"steal()").r("\">").toString();
        assertThat(html).isEqualTo("<td title=\"&quot; onclick=&quot;steal()\">");
    }

    @Test
    void timesAreShownToTheSecond() {
        assertThat(new Html().time(Instant.parse("2026-12-07T13:00:42.123Z")).toString())
                .isEqualTo("<time datetime=\"2026-12-07T13:00:42.123Z\">2026-12-07 13:00:42Z</time>");
    }

    @Test
    void formParsingKeepsTheFirstValueAndIgnoresMalformedEscapes() {
        assertThat(WebConsole.parse("csrf=a&csrf=b&label=team%3Dplatform&bad=%zz&empty"))
                .isEqualTo(Map.of("csrf", "a", "label", "team=platform", "empty", ""));
        assertThat(WebConsole.parse("a=1&".repeat(100))).hasSize(1);
        StringBuilder many = new StringBuilder();
        for (int i = 0; i < 100; i++) {
            many.append("k").append(i).append("=v&");
        }
        assertThat(WebConsole.parse(many.toString())).hasSize(32);
    }
}
