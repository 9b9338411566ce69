package dev.alchemist.metrics;

import dev.alchemist.core.Checks;
import java.net.InetAddress;
import java.util.Objects;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;

/**
 * Immutable settings of a {@link MetricsEndpoint}. Build them with {@link #builder()}.
 *
 * @param address the local address to bind; loopback by default so metrics are not exposed by
 *     accident
 * @param port the TCP port; 0 picks a free one
 * @param path the scrape path, such as {@code /metrics}
 * @param executor runs the HTTP handlers; {@code null} means the server's own dispatcher thread
 */
public record MetricsEndpointSettings(
    InetAddress address, int port, String path, @Nullable Executor executor) {

  /** Default port, the one OpenTelemetry's and many JVM Prometheus exporters use. */
  public static final int DEFAULT_PORT = 9464;

  /** Default scrape path. */
  public static final String DEFAULT_PATH = "/metrics";

  /** Validates every field as the builder does; see {@link Builder}. */
  public MetricsEndpointSettings {
    Objects.requireNonNull(address, "address");
    Checks.inRange("port", port, 0, 65_535);
    checkPath(path);
  }

  /** Returns a builder with every default: loopback, port 9464, {@code /metrics}. */
  public static Builder builder() {
    return new Builder();
  }

  /** Returns the default settings (equivalent to {@code builder().build()}). */
  public static MetricsEndpointSettings defaults() {
    return builder().build();
  }

  /** Returns a builder that starts from these settings. */
  public Builder toBuilder() {
    Builder b = new Builder().address(address).port(port).path(path);
    b.executor = executor;
    return b;
  }

  private static String checkPath(String path) {
    Checks.notBlank("path", path);
    if (!path.startsWith("/") || path.chars().anyMatch(c -> c <= ' ' || c == '?' || c == '#')) {
      throw new IllegalArgumentException(
          "path must start with '/' and contain no spaces, '?' or '#' but was '" + path + "'");
    }
    return path;
  }

  /**
   * Builds {@link MetricsEndpointSettings}. Each setter checks its argument and throws {@link
   * IllegalArgumentException} naming the field, the value and the limit. Not thread-safe; {@code
   * build()} copies, so a builder can be reused.
   */
  public static final class Builder {
    private InetAddress address = InetAddress.getLoopbackAddress();
    private int port = DEFAULT_PORT;
    private String path = DEFAULT_PATH;
    private @Nullable Executor executor;

    private Builder() {}

    /**
     * The local address to bind; default loopback. Use {@code InetAddress.getByName("0.0.0.0")} to
     * let a Prometheus server on another host scrape, behind your network's access rules.
     */
    public Builder address(InetAddress address) {
      this.address = Checks.notNull("address", address);
      return this;
    }

    /** The TCP port, 0 to 65535; 0 picks a free port ({@link MetricsEndpoint#port()} tells it). */
    public Builder port(int port) {
      this.port = (int) Checks.inRange("port", port, 0, 65_535);
      return this;
    }

    /** The scrape path; default {@code /metrics}. Must start with '/'. */
    public Builder path(String path) {
      this.path = checkPath(path);
      return this;
    }

    /**
     * Runs the HTTP handlers (one scrape each); default the server's dispatcher thread, which is
     * enough for one Prometheus server scraping every few seconds. The endpoint never shuts it
     * down.
     */
    public Builder executor(Executor executor) {
      this.executor = Checks.notNull("executor", executor);
      return this;
    }

    /** Returns immutable settings. */
    public MetricsEndpointSettings build() {
      return new MetricsEndpointSettings(address, port, path, executor);
    }
  }
}
