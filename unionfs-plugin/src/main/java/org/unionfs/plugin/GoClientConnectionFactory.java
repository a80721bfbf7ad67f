package org.unionfs.plugin;

import org.eclipse.jetty.http.HostPortHttpField;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.internal.HttpConnection;

/**
 * Jetty's HTTP/1.1 connection factory, accepting the empty {@code Host:} header dockerd sends.
 *
 * <p>dockerd's plugin client (Go net/http over a unix socket) writes {@code Host: } with no value — seen on
 * the wire from dockerd 20.10: {@code POST /Plugin.Activate HTTP/1.1\r\nHost: \r\n...}. Jetty 12 answers a
 * blank Host with "400 Blank Host" and has no compliance mode to allow it, so the parsed field is replaced
 * by {@code Host: localhost} before Jetty's check, through the extension points HttpConnection offers
 * ({@code newRequestHandler}). Parsing stays Jetty's.
 */
final class GoClientConnectionFactory extends HttpConnectionFactory {
  private static final HttpField LOCALHOST = new HostPortHttpField("localhost");

  GoClientConnectionFactory(HttpConfiguration config) {
    super(config);
  }

  @Override
  public Connection newConnection(Connector connector, EndPoint endPoint) {
    HttpConnection connection = new HttpConnection(getHttpConfiguration(), connector, endPoint) {
      @Override
      protected RequestHandler newRequestHandler() {
        return new RequestHandler() {
          @Override
          public void parsedHeader(HttpField field) {
            boolean blankHost = field.getHeader() == HttpHeader.HOST
                && (field.getValue() == null || field.getValue().isBlank());
            super.parsedHeader(blankHost ? LOCALHOST : field);
          }
        };
      }
    };
    connection.setUseInputDirectByteBuffers(isUseInputDirectByteBuffers());
    connection.setUseOutputDirectByteBuffers(isUseOutputDirectByteBuffers());
    return configure(connection, connector, endPoint);
  }
}
