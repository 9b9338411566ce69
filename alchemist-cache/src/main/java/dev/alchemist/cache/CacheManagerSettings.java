package dev.alchemist.cache;

import dev.alchemist.core.Ticker;
import dev.alchemist.core.codec.CodecRegistry;
import io.lettuce.core.SslOptions;
import io.lettuce.core.resource.ClientResources;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;

/**
 * The immutable settings of a {@link CacheManager}, made by {@link CacheManager.Builder}. See that
 * builder for each field's meaning and default. {@link #toString()} never shows a password.
 *
 * @param redisUris the Redis URI, or the seed URIs of a cluster; empty for the embedded store
 * @param cluster whether {@code redisUris} are cluster nodes
 * @param localMaximumSize the most entries the embedded store keeps
 * @param codecs encodes and decodes values
 * @param meterRegistry receives the metrics
 * @param listener receives background failures
 * @param keyPrefix the first part of every key and of the invalidation channel
 * @param operationTimeout the longest one Redis operation may take before it counts as failed
 * @param connectTimeout the longest a connection attempt may take
 * @param circuitFailureThreshold consecutive failures that open the circuit
 * @param circuitOpenDuration how long the circuit stays open before a probe
 * @param executor decodes values of async reads, applies invalidations, runs refresh-ahead loads;
 *     null means a pool the manager owns and shuts down on close
 * @param clock wall time for entry expiry (shared across instances, so use real time in production)
 * @param ticker monotonic time for the near cache and the circuit breaker
 * @param sslOptions Lettuce TLS options (trust store, key store); TLS itself is turned on by a
 *     {@code rediss://} URI
 * @param clientResources Lettuce resources to share with the host (not shut down by the manager);
 *     null means the manager makes its own with a reconnect delay of 10 ms doubling to 1 s
 */
public record CacheManagerSettings(
    List<String> redisUris,
    boolean cluster,
    long localMaximumSize,
    CodecRegistry codecs,
    MeterRegistry meterRegistry,
    CacheListener listener,
    String keyPrefix,
    Duration operationTimeout,
    Duration connectTimeout,
    int circuitFailureThreshold,
    Duration circuitOpenDuration,
    @Nullable Executor executor,
    Clock clock,
    Ticker ticker,
    @Nullable SslOptions sslOptions,
    @Nullable ClientResources clientResources) {

  /** Copies the URI list. */
  public CacheManagerSettings {
    redisUris = List.copyOf(redisUris);
  }

  /** Whether the embedded store is used (no Redis URI). */
  public boolean local() {
    return redisUris.isEmpty();
  }

  /** The Redis addresses as {@code scheme://host:port}, without user or password. */
  public String redactedAddresses() {
    if (redisUris.isEmpty()) {
      return "local";
    }
    StringBuilder out = new StringBuilder();
    for (String uri : redisUris) {
      if (out.length() > 0) {
        out.append(',');
      }
      out.append(redact(uri));
    }
    return out.toString();
  }

  /**
   * The URI as {@code scheme://host:port}; one that does not parse is shown as given with anything
   * before an {@code @} (user and password) replaced by {@code ***}.
   */
  static String redact(String uri) {
    try {
      URI parsed = new URI(uri);
      if (parsed.getHost() != null) {
        return parsed.getScheme()
            + "://"
            + parsed.getHost()
            + (parsed.getPort() == -1 ? "" : ":" + parsed.getPort());
      }
    } catch (java.net.URISyntaxException e) {
      // shown by hand below
    }
    int at = uri.lastIndexOf('@');
    if (at < 0) {
      return "'" + uri + "'";
    }
    int scheme = uri.indexOf("://");
    String head = scheme >= 0 && scheme < at ? uri.substring(0, scheme + 3) : "";
    return "'" + head + "***@" + uri.substring(at + 1) + "'";
  }

  /** Everything but secrets: addresses are shown without user info. */
  @Override
  public String toString() {
    return "CacheManagerSettings[store="
        + (cluster ? "cluster " : "")
        + redactedAddresses()
        + ", keyPrefix="
        + keyPrefix
        + ", operationTimeout="
        + operationTimeout
        + ", circuit="
        + circuitFailureThreshold
        + " failures/"
        + circuitOpenDuration
        + "]";
  }
}
