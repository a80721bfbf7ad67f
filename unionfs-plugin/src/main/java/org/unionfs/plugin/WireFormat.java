package org.unionfs.plugin;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;

/**
 * The JSON bodies of the graphdriver plugin protocol, named exactly as moby's
 * {@code daemon/graphdriver/proxy.go} ({@code graphDriverRequest}, {@code graphDriverResponse},
 * {@code graphDriverInitRequest}). Every response field is {@code omitempty} there, so absent values are
 * omitted here too.
 */
final class WireFormat {
  private WireFormat() {}

  /** The content type dockerd's plugin client sends in Accept; replies carry the v1 type. */
  static final String CONTENT_TYPE = "application/vnd.docker.plugins.v1+json";

  /** Unknown keys are ignored: newer daemons may add fields (moby decodes the same way). */
  static final ObjectMapper JSON = new ObjectMapper()
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
      .setSerializationInclusion(JsonInclude.Include.NON_NULL);

  /** {@code graphDriverInitRequest}: Opts, UIDMaps and GIDMaps arrive as JSON null when empty. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  record InitRequest(
      @JsonProperty("Home") String home,
      @JsonProperty("Opts") List<String> opts,
      @JsonProperty("UIDMaps") List<Map<String, Object>> uidMaps,
      @JsonProperty("GIDMaps") List<Map<String, Object>> gidMaps) {}

  /** {@code graphDriverRequest}: every field optional (base layers have no Parent). */
  @JsonIgnoreProperties(ignoreUnknown = true)
  record LayerRequest(
      @JsonProperty("ID") String id,
      @JsonProperty("Parent") String parent,
      @JsonProperty("MountLabel") String mountLabel,
      @JsonProperty("StorageOpt") Map<String, String> storageOpt) {
    static final LayerRequest EMPTY = new LayerRequest(null, null, null, null);
  }

  /** One {@code archive.Change}: Kind 0 = Modify, 1 = Add, 2 = Delete. */
  record WireChange(@JsonProperty("Path") String path, @JsonProperty("Kind") int kind) {}

  /** {@code graphdriver.Capabilities}. */
  record WireCapabilities(@JsonProperty("ReproducesExactDiffs") boolean reproducesExactDiffs) {}

  /** {@code graphDriverResponse}; null fields are left out. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Response(
      @JsonProperty("Err") String err,
      @JsonProperty("Dir") String dir,
      @JsonProperty("Exists") Boolean exists,
      @JsonProperty("Status") List<List<String>> status,
      @JsonProperty("Changes") List<WireChange> changes,
      @JsonProperty("Size") Long size,
      @JsonProperty("Metadata") Map<String, String> metadata,
      @JsonProperty("Capabilities") WireCapabilities capabilities) {

    static final Response OK = new Response(null, null, null, null, null, null, null, null);

    static Response error(String message) {
      return new Response(message, null, null, null, null, null, null, null);
    }

    static Response dir(String dir) {
      return new Response(null, dir, null, null, null, null, null, null);
    }

    static Response exists(boolean exists) {
      return new Response(null, null, exists, null, null, null, null, null);
    }

    static Response status(List<List<String>> pairs) {
      return new Response(null, null, null, pairs, null, null, null, null);
    }

    static Response changes(List<WireChange> changes) {
      return new Response(null, null, null, null, changes, null, null, null);
    }

    static Response size(long size) {
      return new Response(null, null, null, null, null, size, null, null);
    }

    static Response metadata(Map<String, String> metadata) {
      return new Response(null, null, null, null, null, null, metadata, null);
    }

    static Response capabilities(boolean reproducesExactDiffs) {
      return new Response(null, null, null, null, null, null, null,
          new WireCapabilities(reproducesExactDiffs));
    }
  }

  /** The reply to {@code /Plugin.Activate}. */
  record Manifest(@JsonProperty("Implements") List<String> implementsList) {
    static final Manifest GRAPH_DRIVER = new Manifest(List.of("GraphDriver"));
  }
}
