package io.canarykit.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/** Raw HTTP/1.1 over a socket, for requests no well-behaved client would send. Loopback only. */
final class RawHttp {
    private RawHttp() {
    }

    /** What came back: the status (0 if the server closed without answering) and the body. */
    record Reply(int status, String head, String body) {
    }

    /** Sends {@code request} exactly (it should say {@code Connection: close}) and reads the whole answer. */
    static Reply send(URI base, byte[] request) throws IOException {
        return send(base, null, request, 5000);
    }

    static Reply send(URI base, InetAddress local, byte[] request, int timeoutMillis) throws IOException {
        try (Socket s = connect(base, local)) {
            s.setSoTimeout(timeoutMillis);
            s.getOutputStream().write(request);
            s.getOutputStream().flush();
            return read(s.getInputStream());
        }
    }

    static Socket connect(URI base, InetAddress local) throws IOException {
        Socket s = new Socket();
        if (local != null) {
            s.bind(new InetSocketAddress(local, 0));
        }
        s.connect(new InetSocketAddress(InetAddress.getByName(base.getHost()), base.getPort()), 2000);
        return s;
    }

    static Reply read(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        try {
            for (int n; (n = in.read(buf)) >= 0; ) {
                out.write(buf, 0, n);
            }
        } catch (SocketTimeoutException | java.net.SocketException e) {
            // what arrived so far is the answer
        }
        String all = out.toString(StandardCharsets.ISO_8859_1);
        if (!all.startsWith("HTTP/1.1 ")) {
            return new Reply(0, all, "");
        }
        int status = Integer.parseInt(all.substring(9, 12));
        int split = all.indexOf("\r\n\r\n");
        return new Reply(status, split < 0 ? all : all.substring(0, split),
                split < 0 ? "" : new String(out.toByteArray(), split + 4, out.size() - split - 4, StandardCharsets.UTF_8));
    }

    /** A request with {@code Connection: close} and, if {@code body} is not null, its Content-Length. */
    static byte[] request(String method, String target, String authorization, String body) {
        StringBuilder b = new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\nHost: localhost\r\n");
        if (authorization != null) {
            b.append("Authorization: ").append(authorization).append("\r\n");
        }
        byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        if (body != null) {
            b.append("Content-Type: application/json\r\nContent-Length: ").append(bytes.length).append("\r\n");
        }
        b.append("Connection: close\r\n\r\n");
        byte[] head = b.toString().getBytes(StandardCharsets.ISO_8859_1);
        byte[] all = new byte[head.length + bytes.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(bytes, 0, all, head.length, bytes.length);
        return all;
    }
}
