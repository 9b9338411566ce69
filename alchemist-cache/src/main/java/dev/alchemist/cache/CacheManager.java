package dev.alchemist.cache;

import dev.alchemist.cache.internal.DefaultCacheManager;
import dev.alchemist.core.Checks;
import dev.alchemist.core.Ticker;
import dev.alchemist.core.codec.CodecRegistry;
import dev.alchemist.core.codec.KryoCodecs;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SslOptions;
import io.lettuce.core.resource.ClientResources;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;

/**
 * Hands out typed cache regions over one store: a Redis server, a Redis Cluster, or the embedded
 * in-process store.
 *
 * <pre>{@code
 * try (CacheManager caches = CacheManager.builder().redis("redis://127.0.0.1:6379").build()) {
 *   Cache<UUID, DialogHistory> history =
 *       caches.cache(CachePolicy.DIALOG_HISTORY, UUID.class, DialogHistory.class);
 *   DialogHistory h = history.get(dialogId, id -> repository.load(id));
 * }
 * }</pre>
 *
 * <p>Thread-safe. {@link #close()} makes one last attempt at invalidations that could not reach
 * Redis yet, closes the Redis connections (after pending commands got their answer or timed out)
 * and shuts down the threads the manager made; afterwards every call on a cache obtained from it
 * throws {@link IllegalStateException} ("cache manager is closed").
 */
public interface CacheManager extends AutoCloseable {

  /** A builder with the defaults listed on {@link Builder}. */
  static Builder builder() {
    return new Builder();
  }

  /**
   * The region defined by {@code policy}. Asking again with the same policy and types returns the
   * same cache.
   *
   * @throws IllegalArgumentException if the key type is not supported (see {@link CacheKeys}) or
   *     the value type is not registered with the codec
   * @throws IllegalStateException if a region of that name exists with another policy or types, or
   *     the manager is closed
   */
  <K, V> Cache<K, V> cache(CachePolicy policy, Class<K> keyType, Class<V> valueType);

  /** The state of the circuit breaker in front of Redis; always closed for the embedded store. */
  CircuitState circuitState();

  /** The settings this manager was built with. */
  CacheManagerSettings settings();

  /** Closes connections and threads; see the type's documentation. Idempotent. */
  @Override
  void close();

  /**
   * Builds a {@link CacheManager}. Each setter checks its argument and throws {@link
   * IllegalArgumentException} naming the field and the value (never a password); {@link #build()}
   * checks combinations and throws {@link IllegalStateException}. Not thread-safe; reusable.
   *
   * <table>
   *   <caption>Defaults</caption>
   *   <tr><th>setting</th><th>default</th></tr>
   *   <tr><td>store</td><td>embedded ({@link #local()}), 100,000 entries</td></tr>
   *   <tr><td>codec</td><td>{@code KryoCodecs.builder().build()}</td></tr>
   *   <tr><td>meterRegistry</td><td>{@code Metrics.globalRegistry}</td></tr>
   *   <tr><td>keyPrefix</td><td>{@code alchemist}</td></tr>
   *   <tr><td>operationTimeout</td><td>250 ms</td></tr>
   *   <tr><td>connectTimeout</td><td>2 s</td></tr>
   *   <tr><td>circuitBreaker</td><td>5 consecutive failures, open 1 s</td></tr>
   *   <tr><td>executor</td><td>the manager's own pool, max(2, cores) threads</td></tr>
   * </table>
   */
  final class Builder {
    private List<String> redisUris = List.of();
    private boolean cluster;
    private long localMaximumSize = 100_000;
    private @Nullable CodecRegistry codecs;
    private MeterRegistry meterRegistry = Metrics.globalRegistry;
    private CacheListener listener = CacheListener.NONE;
    private String keyPrefix = "alchemist";
    private Duration operationTimeout = Duration.ofMillis(250);
    private Duration connectTimeout = Duration.ofSeconds(2);
    private int circuitFailureThreshold = 5;
    private Duration circuitOpenDuration = Duration.ofSeconds(1);
    private @Nullable Executor executor;
    private Clock clock = Clock.systemUTC();
    private Ticker ticker = Ticker.system();
    private @Nullable SslOptions sslOptions;
    private @Nullable ClientResources clientResources;

    private Builder() {}

    /**
     * One Redis server (6.0 or newer: changes reach near caches by RESP3 client tracking), such as
     * {@code redis://127.0.0.1:6379}, {@code redis://:password@host:6379/0} or {@code
     * rediss://host:6380} (TLS). Any form Lettuce's {@code RedisURI.create} accepts; the scheme is
     * required.
     *
     * @throws IllegalArgumentException if the URI has no scheme or does not parse; the message
     *     shows it without user and password, and the expected forms
     */
    public Builder redis(String uri) {
      this.redisUris = List.of(checkUri(uri));
      this.cluster = false;
      return this;
    }

    /** A Redis Cluster, reached through one or more seed nodes. */
    public Builder redisCluster(String... seedUris) {
      Checks.notNull("seedUris", seedUris);
      if (seedUris.length == 0) {
        throw new IllegalArgumentException("seedUris must name at least one node");
      }
      List<String> checked = new java.util.ArrayList<>();
      for (String uri : seedUris) {
        checked.add(checkUri(uri));
      }
      this.redisUris = List.copyOf(checked);
      this.cluster = true;
      return this;
    }

    /** The embedded store (the default), keeping at most 100,000 entries. */
    public Builder local() {
      return local(100_000);
    }

    /** The embedded store, keeping at most {@code maximumSize} entries (1 to 100,000,000). */
    public Builder local(long maximumSize) {
      this.localMaximumSize = Checks.inRange("localMaximumSize", maximumSize, 1, 100_000_000);
      this.redisUris = List.of();
      this.cluster = false;
      return this;
    }

    /** The codec registry that encodes values; every value type must be registered with it. */
    public Builder codec(CodecRegistry codecs) {
      this.codecs = Checks.notNull("codecs", codecs);
      return this;
    }

    /**
     * Where metrics go. Default {@code Metrics.globalRegistry}. Each region's meters are tagged
     * {@code cache=<region name>} and removed from the registry when the manager closes. Counters
     * and timers of equal regions in two live managers on one registry add up; the gauge {@code
     * alchemist.cache.circuit.state} reads one manager, so opening a region that another live
     * manager reports on the same registry fails with {@link IllegalStateException}: give the
     * second manager its own registry (or a different region name).
     */
    public Builder meterRegistry(MeterRegistry registry) {
      this.meterRegistry = Checks.notNull("meterRegistry", registry);
      return this;
    }

    /** Receives background failures. Default: none. */
    public Builder listener(CacheListener listener) {
      this.listener = Checks.notNull("listener", listener);
      return this;
    }

    /** First part of every key: 1 to 64 characters of {@code [a-z0-9_-]}. Default alchemist. */
    public Builder keyPrefix(String prefix) {
      this.keyPrefix = Checks.token("keyPrefix", prefix);
      return this;
    }

    /** The longest one Redis operation may take (1 ms to 1 min). Default 250 ms. */
    public Builder operationTimeout(Duration timeout) {
      this.operationTimeout = atMost("operationTimeout", timeout, Duration.ofMinutes(1));
      return this;
    }

    /** The longest a connection attempt may take (1 ms to 1 min). Default 2 s. */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = atMost("connectTimeout", timeout, Duration.ofMinutes(1));
      return this;
    }

    /**
     * Opens the circuit after {@code failureThreshold} consecutive failures (1 to 1,000) and keeps
     * it open for {@code openDuration} (1 ms to 10 min) before a probe. Default 5 and 1 s.
     */
    public Builder circuitBreaker(int failureThreshold, Duration openDuration) {
      this.circuitFailureThreshold =
          (int) Checks.inRange("failureThreshold", failureThreshold, 1, 1_000);
      this.circuitOpenDuration = atMost("openDuration", openDuration, Duration.ofMinutes(10));
      return this;
    }

    /**
     * Runs async decoding, invalidations and refresh-ahead loads (which call the loader, so they
     * may block). Default: a pool the manager owns (max(2, cores) daemon threads named {@code
     * alchemist-cache-N}, 10,000 queued tasks), shut down by {@link CacheManager#close()}; an
     * executor given here is not shut down. If it rejects a task, {@code getAsync} and {@code
     * putAsync} fail with a {@link java.util.concurrent.RejectedExecutionException} naming the
     * cache.
     */
    public Builder executor(Executor executor) {
      this.executor = Checks.notNull("executor", executor);
      return this;
    }

    /** Wall time for entry expiry. Default {@code Clock.systemUTC()}. */
    public Builder clock(Clock clock) {
      this.clock = Checks.notNull("clock", clock);
      return this;
    }

    /**
     * Monotonic time for the near cache and the circuit breaker. Default {@code System.nanoTime}.
     */
    public Builder ticker(Ticker ticker) {
      this.ticker = Checks.notNull("ticker", ticker);
      return this;
    }

    /** Lettuce TLS options (trust and key material); enable TLS with a {@code rediss://} URI. */
    public Builder sslOptions(SslOptions options) {
      this.sslOptions = Checks.notNull("sslOptions", options);
      return this;
    }

    /** Lettuce client resources shared with the host; the manager does not shut them down. */
    public Builder clientResources(ClientResources resources) {
      this.clientResources = Checks.notNull("clientResources", resources);
      return this;
    }

    /** The immutable settings this builder holds. */
    public CacheManagerSettings settings() {
      CodecRegistry registry = codecs != null ? codecs : KryoCodecs.builder().build();
      return new CacheManagerSettings(
          redisUris,
          cluster,
          localMaximumSize,
          registry,
          meterRegistry,
          listener,
          keyPrefix,
          operationTimeout,
          connectTimeout,
          circuitFailureThreshold,
          circuitOpenDuration,
          executor,
          clock,
          ticker,
          sslOptions,
          clientResources);
    }

    /**
     * Connects (for Redis) and returns the manager.
     *
     * @throws IllegalStateException if TLS options or client resources are given for the embedded
     *     store
     * @throws dev.alchemist.core.AlchemistException if Redis cannot be reached; the message names
     *     the address (never a password) and the reason (refused, timed out, authentication failed,
     *     ...), and the cause is Lettuce's, copied with every password taken out
     */
    public CacheManager build() {
      CacheManagerSettings settings = settings();
      if (settings.local() && (sslOptions != null || clientResources != null)) {
        throw new IllegalStateException(
            "sslOptions and clientResources need a Redis store, but the embedded store is chosen");
      }
      return new DefaultCacheManager(settings);
    }

    private static final String EXPECTED_URI =
        "expected redis://host:port, redis://:password@host:port/database or rediss://host:port"
            + " (TLS)";

    private static String checkUri(String uri) {
      Checks.notBlank("uri", uri);
      // Never echo the URI as given: it may hold a password.
      String shown = CacheManagerSettings.redact(uri);
      if (!uri.contains("://")) {
        throw new IllegalArgumentException(
            "redis uri " + shown + " has no scheme; " + EXPECTED_URI);
      }
      try {
        RedisURI.create(uri);
      } catch (RuntimeException e) {
        throw new IllegalArgumentException(
            "redis uri "
                + shown
                + " is malformed ("
                + e.getClass().getSimpleName()
                + "); "
                + EXPECTED_URI);
      }
      return uri;
    }

    private static Duration atMost(String field, Duration value, Duration max) {
      Checks.positive(field, value);
      if (value.compareTo(max) > 0) {
        throw new IllegalArgumentException(field + " must be at most " + max + " but was " + value);
      }
      return value;
    }
  }
}
