package org.unionfs.plugin;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.unionfs.api.Change;
import org.unionfs.api.CreateOptions;
import org.unionfs.api.DriverStatus;
import org.unionfs.api.GraphDriver;
import org.unionfs.api.error.NotSupportedException;
import org.unionfs.plugin.WireFormat.InitRequest;
import org.unionfs.plugin.WireFormat.LayerRequest;
import org.unionfs.plugin.WireFormat.Response;
import org.unionfs.plugin.WireFormat.WireChange;

/**
 * Answers dockerd's plugin calls: {@code POST /Plugin.Activate} and {@code POST /GraphDriver.<Method>}.
 *
 * <p>Replies follow moby's {@code proxy.go}: JSON {@code graphDriverResponse} with HTTP 200, a raw tar
 * stream for Diff, and for a failure HTTP 500 with {@code {"Err":"<message>"}} (the shape of Docker's
 * plugin SDK, which dockerd's client turns into the error it prints). Handlers block: Jetty runs each
 * request on a pool thread, so calls proceed concurrently and the driver serialises per layer.
 */
final class PluginHandler extends Handler.Abstract {
  private static final Logger LOG = LoggerFactory.getLogger(PluginHandler.class);
  private static final String PREFIX = "/GraphDriver.";

  private final DriverSession session;

  PluginHandler(DriverSession session) {
    super(InvocationType.BLOCKING);
    this.session = session;
  }

  @Override
  public boolean handle(Request request, org.eclipse.jetty.server.Response response, Callback callback) {
    String path = Request.getPathInContext(request);
    long start = System.nanoTime();
    try {
      if (!HttpMethod.POST.is(request.getMethod())) {
        sendJson(response, HttpStatus.METHOD_NOT_ALLOWED_405,
            Response.error(request.getMethod() + " " + path + ": only POST is served"), callback);
      } else if (path.equals("/Plugin.Activate")) {
        drain(request);
        sendJson(response, HttpStatus.OK_200, WireFormat.Manifest.GRAPH_DRIVER, callback);
      } else if (path.startsWith(PREFIX)) {
        dispatch(path.substring(PREFIX.length()), request, response, callback);
      } else {
        sendJson(response, HttpStatus.NOT_FOUND_404, Response.error(path + ": no such plugin method"),
            callback);
      }
    } catch (Throwable e) {
      fail(path, e, response, callback);
    } finally {
      if (LOG.isDebugEnabled()) {
        LOG.debug("{} {} ms", path, (System.nanoTime() - start) / 1_000_000);
      }
    }
    return true;
  }

  private void dispatch(String method, Request request, org.eclipse.jetty.server.Response response,
      Callback callback) throws Exception {
    switch (method) {
      case "Init" -> {
        InitRequest init = readJson(request, InitRequest.class);
        if (init == null) {
          init = new InitRequest(null, null, null, null);
        }
        if (notEmpty(init.uidMaps()) || notEmpty(init.gidMaps())) {
          throw new NotSupportedException("unionfs plugin: user namespace remapping (UIDMaps/GIDMaps)"
              + " is not supported");
        }
        session.init(init.home(), init.opts());
        ok(response, Response.OK, callback);
      }
      case "Capabilities" -> {
        drain(request);
        // false: dockerd then keeps tar-split metadata and `docker save` rebuilds layer tars
        // byte-exactly from Get's directory, whatever bytes our Diff would produce.
        ok(response, Response.capabilities(false), callback);
      }
      case "Status" -> {
        drain(request);
        ok(response, Response.status(pairs(session.driver().status())), callback);
      }
      case "Cleanup" -> {
        drain(request);
        session.cleanup();
        ok(response, Response.OK, callback);
      }
      case "Create", "CreateReadWrite" -> {
        LayerRequest r = layerRequest(request);
        CreateOptions options = new CreateOptions(r.mountLabel() == null ? "" : r.mountLabel(),
            r.storageOpt() == null ? Map.of() : r.storageOpt());
        if (method.equals("Create")) {
          session.driver().create(r.id(), parent(r.parent()), options);
        } else {
          session.driver().createReadWrite(r.id(), parent(r.parent()), options);
        }
        ok(response, Response.OK, callback);
      }
      case "Remove" -> {
        session.driver().remove(layerRequest(request).id());
        ok(response, Response.OK, callback);
      }
      case "Get" -> {
        LayerRequest r = layerRequest(request);
        String dir = session.get(r.id(), r.mountLabel() == null ? "" : r.mountLabel()).toString();
        ok(response, Response.dir(dir), callback);
      }
      case "Put" -> {
        session.put(layerRequest(request).id());
        ok(response, Response.OK, callback);
      }
      case "Exists" -> {
        LayerRequest r = layerRequest(request);
        ok(response, Response.exists(r.id() != null && session.driver().exists(r.id())), callback);
      }
      case "GetMetadata" -> {
        ok(response, Response.metadata(session.driver().metadata(layerRequest(request).id())), callback);
      }
      case "Changes" -> {
        LayerRequest r = layerRequest(request);
        List<WireChange> changes = new ArrayList<>();
        for (Change c : session.driver().changes(r.id(), parent(r.parent()))) {
          changes.add(new WireChange(c.path(), c.kind().ordinal()));
        }
        ok(response, Response.changes(changes), callback);
      }
      case "DiffSize" -> {
        LayerRequest r = layerRequest(request);
        ok(response, Response.size(session.driver().diffSize(r.id(), parent(r.parent()))), callback);
      }
      case "Diff" -> diff(layerRequest(request), response, callback);
      case "ApplyDiff" -> applyDiff(request, response, callback);
      default -> {
        drain(request);
        sendJson(response, HttpStatus.NOT_FOUND_404,
            Response.error("GraphDriver." + method + ": no such graphdriver method"), callback);
      }
    }
  }

  /** Streams the layer tar as the body (chunked: its length is not known in advance). */
  private void diff(LayerRequest r, org.eclipse.jetty.server.Response response, Callback callback)
      throws IOException {
    GraphDriver driver = session.driver();
    InputStream tar = driver.diff(r.id(), parent(r.parent()));
    response.setStatus(HttpStatus.OK_200);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/x-tar");
    try (tar; OutputStream out = Content.Sink.asOutputStream(response)) {
      tar.transferTo(out);
    }
    callback.succeeded();
  }

  /**
   * {@code /GraphDriver.ApplyDiff?id=<id>&parent=<parent>} with the uncompressed layer tar as the
   * (chunked) body. The body is read to its end before replying: dockerd may send bytes after the tar's
   * end-of-archive blocks and expects them consumed.
   */
  private void applyDiff(Request request, org.eclipse.jetty.server.Response response, Callback callback)
      throws IOException {
    Fields query = Request.extractQueryParameters(request);
    String id = query.getValue("id");
    String parent = parent(query.getValue("parent"));
    long size;
    try (InputStream body = Content.Source.asInputStream(request)) {
      try {
        size = session.driver().applyDiff(id, parent, body);
      } catch (IOException | RuntimeException refused) {
        // Read the rest so that dockerd, still writing the body, gets our {"Err"} rather than a reset.
        try {
          body.transferTo(OutputStream.nullOutputStream());
        } catch (IOException unreadable) {
          refused.addSuppressed(unreadable);
        }
        throw refused;
      }
      body.transferTo(OutputStream.nullOutputStream());
    }
    ok(response, Response.size(size), callback);
  }

  private static boolean notEmpty(List<?> list) {
    return list != null && !list.isEmpty();
  }

  /** moby sends no Parent (or "") for a base layer; the driver API says null. */
  private static String parent(String parent) {
    return parent == null || parent.isEmpty() ? null : parent;
  }

  private static List<List<String>> pairs(DriverStatus status) {
    List<List<String>> pairs = new ArrayList<>();
    for (DriverStatus.Entry e : status.entries()) {
      pairs.add(List.of(e.key(), e.value()));
    }
    return pairs;
  }

  private static LayerRequest layerRequest(Request request) throws IOException {
    LayerRequest r = readJson(request, LayerRequest.class);
    return r == null ? LayerRequest.EMPTY : r;
  }

  /** The JSON body as {@code type}, or null for an empty body (Plugin.Activate sends none). */
  private static <T> T readJson(Request request, Class<T> type) throws IOException {
    byte[] body;
    try (InputStream in = Content.Source.asInputStream(request)) {
      body = in.readAllBytes();
    }
    if (body.length == 0) {
      return null;
    }
    try {
      return WireFormat.JSON.readValue(body, type);
    } catch (com.fasterxml.jackson.core.JacksonException e) {
      throw new org.unionfs.api.error.InvalidArgumentException(
          "malformed request body: " + e.getOriginalMessage());
    }
  }

  private static void drain(Request request) throws IOException {
    try (InputStream in = Content.Source.asInputStream(request)) {
      in.transferTo(OutputStream.nullOutputStream());
    }
  }

  private static void ok(org.eclipse.jetty.server.Response response, Object body, Callback callback)
      throws IOException {
    sendJson(response, HttpStatus.OK_200, body, callback);
  }

  private static void sendJson(org.eclipse.jetty.server.Response response, int status, Object body,
      Callback callback) throws IOException {
    byte[] bytes = WireFormat.JSON.writeValueAsBytes(body);
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, WireFormat.CONTENT_TYPE);
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, bytes.length);
    response.write(true, ByteBuffer.wrap(bytes), callback);
  }

  /** An error before the reply started becomes {"Err"}; after it (a Diff stream) the stream is cut. */
  private static void fail(String path, Throwable e, org.eclipse.jetty.server.Response response,
      Callback callback) {
    String message = e.getMessage() == null ? e.toString() : e.getMessage();
    // A stack trace only for what is neither a typed driver error nor "not initialised".
    boolean unexpected = e instanceof RuntimeException && !(e instanceof IllegalStateException);
    LOG.warn("{} failed: {}", path, message, unexpected ? e : null);
    if (response.isCommitted()) {
      callback.failed(e);
      return;
    }
    try {
      sendJson(response, HttpStatus.INTERNAL_SERVER_ERROR_500, Response.error(message), callback);
    } catch (IOException | RuntimeException again) {
      callback.failed(again);
    }
  }
}
