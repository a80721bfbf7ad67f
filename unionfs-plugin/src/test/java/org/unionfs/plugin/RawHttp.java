package org.unionfs.plugin;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A test-only HTTP/1.1 client over a unix socket or TCP, writing requests the way dockerd's plugin client
 * does (POST, Accept header, Content-Length JSON or a chunked body), one connection per request.
 */
final class RawHttp {
  private final SocketAddress address;

  private RawHttp(SocketAddress address) {
    this.address = address;
  }

  static RawHttp unix(Path socket) {
    return new RawHttp(UnixDomainSocketAddress.of(socket));
  }

  static RawHttp tcp(String host, int port) {
    return new RawHttp(new InetSocketAddress(host, port));
  }

  /** A reply: status, headers (lower-case names), de-chunked body. */
  record Reply(int status, Map<String, String> headers, byte[] body) {
    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }

    JsonNode json() throws IOException {
      return WireFormat.JSON.readTree(body);
    }
  }

  Reply post(String path, String json) throws IOException {
    return send("POST", path, json == null ? new byte[0] : json.getBytes(StandardCharsets.UTF_8), false);
  }

  /** POST with {@code Transfer-Encoding: chunked}, as dockerd sends ApplyDiff. */
  Reply postChunked(String path, byte[] body) throws IOException {
    return send("POST", path, body, true);
  }

  Reply send(String method, String path, byte[] body, boolean chunked) throws IOException {
    SocketChannel ch = address instanceof UnixDomainSocketAddress
        ? SocketChannel.open(StandardProtocolFamily.UNIX) : SocketChannel.open();
    try (ch) {
      ch.connect(address);
      OutputStream out = Channels.newOutputStream(ch);
      StringBuilder head = new StringBuilder();
      head.append(method).append(' ').append(path).append(" HTTP/1.1\r\n")
          .append("Host: \r\n") // what dockerd's Go client sends on a unix socket
          .append("User-Agent: Go-http-client/1.1\r\n")
          .append("Accept: application/vnd.docker.plugins.v1.2+json\r\n")
          .append("Connection: close\r\n");
      if (chunked) {
        head.append("Transfer-Encoding: chunked\r\n\r\n");
      } else {
        head.append("Content-Length: ").append(body.length).append("\r\n\r\n");
      }
      out.write(head.toString().getBytes(StandardCharsets.US_ASCII));
      if (chunked) {
        // Odd chunk sizes, as a Go io.Copy would produce them, to exercise the server's de-chunking.
        int off = 0;
        int size = 1;
        while (off < body.length) {
          int n = Math.min(size, body.length - off);
          out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
          out.write(body, off, n);
          out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
          off += n;
          size = size * 3 + 7;
        }
        out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      } else {
        out.write(body);
      }
      out.flush();
      return read(Channels.newInputStream(ch));
    }
  }

  private static Reply read(InputStream in) throws IOException {
    String status = line(in);
    if (!status.startsWith("HTTP/1.1 ")) {
      throw new IOException("bad status line: " + status);
    }
    int code = Integer.parseInt(status.substring(9, 12));
    Map<String, String> headers = new LinkedHashMap<>();
    for (String l = line(in); !l.isEmpty(); l = line(in)) {
      int colon = l.indexOf(':');
      headers.put(l.substring(0, colon).trim().toLowerCase(Locale.ROOT), l.substring(colon + 1).trim());
    }
    byte[] body;
    if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      for (int n = Integer.parseInt(line(in).split(";")[0].trim(), 16); n > 0;
          n = Integer.parseInt(line(in).split(";")[0].trim(), 16)) {
        b.write(in.readNBytes(n));
        line(in);
      }
      body = b.toByteArray();
    } else if (headers.containsKey("content-length")) {
      body = in.readNBytes(Integer.parseInt(headers.get("content-length")));
    } else {
      body = in.readAllBytes();
    }
    return new Reply(code, headers, body);
  }

  private static String line(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) != -1 && c != '\n') {
      if (c != '\r') {
        b.write(c);
      }
    }
    if (c == -1 && b.size() == 0) {
      throw new IOException("connection closed before a reply line");
    }
    return b.toString(StandardCharsets.US_ASCII);
  }
}
