package dev.alchemist.boot;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code alchemist.cache.*}: the {@link dev.alchemist.cache.CacheManager} and its region policies.
 * Not thread-safe (a Boot binding target); {@code toString()} is {@link Object}'s, so it never
 * shows a URI that may hold a password.
 */
@ConfigurationProperties("alchemist.cache")
public class AlchemistCacheProperties {
  /** Whether to configure a CacheManager. */
  private boolean enabled = true;

  /**
   * One Redis server, such as redis://127.0.0.1:6379, redis://:password@host:6379/0 or
   * rediss://host:6380 (TLS). Neither this nor cluster-nodes: the embedded in-process store.
   */
  private @Nullable String redisUri;

  /** Seed nodes of a Redis Cluster (redis:// URIs); takes the place of redis-uri. */
  private List<String> clusterNodes = new ArrayList<>();

  /** Prefix of every key the manager writes. */
  private String keyPrefix = "alchemist";

  /** Most entries of the embedded store (when no Redis is configured). */
  private long localMaximumSize = 100_000;

  /** Longest wait for one Redis command before it counts as failed (a miss for a get). */
  private Duration operationTimeout = Duration.ofMillis(250);

  /** Longest wait for the Redis connection at startup. */
  private Duration connectTimeout = Duration.ofSeconds(2);

  /** The circuit breaker in front of Redis. */
  private final CircuitBreaker circuitBreaker = new CircuitBreaker();

  /**
   * Region policies by name. dialog-history, ai-responses, domain-status and user-sessions tune the
   * guide's presets (only the keys given change); any other name defines a custom region that
   * starts from a 5 min TTL without jitter or near cache. The region's name is the key with '-'
   * replaced by '_'.
   */
  private Map<String, Policy> policies = new LinkedHashMap<>();

  public boolean isEnabled() {
    return enabled;
  }

  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  public @Nullable String getRedisUri() {
    return redisUri;
  }

  public void setRedisUri(@Nullable String redisUri) {
    this.redisUri = redisUri;
  }

  public List<String> getClusterNodes() {
    return clusterNodes;
  }

  public void setClusterNodes(List<String> clusterNodes) {
    this.clusterNodes = clusterNodes;
  }

  public String getKeyPrefix() {
    return keyPrefix;
  }

  public void setKeyPrefix(String keyPrefix) {
    this.keyPrefix = keyPrefix;
  }

  public long getLocalMaximumSize() {
    return localMaximumSize;
  }

  public void setLocalMaximumSize(long localMaximumSize) {
    this.localMaximumSize = localMaximumSize;
  }

  public Duration getOperationTimeout() {
    return operationTimeout;
  }

  public void setOperationTimeout(Duration operationTimeout) {
    this.operationTimeout = operationTimeout;
  }

  public Duration getConnectTimeout() {
    return connectTimeout;
  }

  public void setConnectTimeout(Duration connectTimeout) {
    this.connectTimeout = connectTimeout;
  }

  public CircuitBreaker getCircuitBreaker() {
    return circuitBreaker;
  }

  public Map<String, Policy> getPolicies() {
    return policies;
  }

  public void setPolicies(Map<String, Policy> policies) {
    this.policies = policies;
  }

  /** {@code alchemist.cache.circuit-breaker.*}. */
  public static class CircuitBreaker {
    /** Consecutive Redis failures that open the circuit. */
    private int failureThreshold = 5;

    /** How long an open circuit skips Redis before a probe is sent. */
    private Duration openDuration = Duration.ofSeconds(1);

    public int getFailureThreshold() {
      return failureThreshold;
    }

    public void setFailureThreshold(int failureThreshold) {
      this.failureThreshold = failureThreshold;
    }

    public Duration getOpenDuration() {
      return openDuration;
    }

    public void setOpenDuration(Duration openDuration) {
      this.openDuration = openDuration;
    }
  }

  /**
   * {@code alchemist.cache.policies.<name>.*}: what one region keeps and for how long. An absent
   * key keeps the preset's (or, for a custom region, the SDK default's) value.
   */
  public static class Policy {
    /** How long an entry lives in the store. */
    private @Nullable Duration ttl;

    /** Each entry lives ttl plus a random amount in [-jitter, +jitter]; 0 turns it off. */
    private @Nullable Duration ttlJitter;

    /** Most entries of the in-process near cache; 0 turns it off. */
    private @Nullable Long nearCacheSize;

    /** Longest an entry stays in the near cache (defaults to the ttl when a size is given). */
    private @Nullable Duration nearCacheTtl;

    /** Remember a loader's null for this long; absent or 0: nulls are not remembered. */
    private @Nullable Duration nullTtl;

    /** Part of every key; bump it to abandon entries of an incompatible shape. */
    private @Nullable Integer keyVersion;

    /** Reload an entry in the background when it expires within this window; 0 turns it off. */
    private @Nullable Duration refreshAhead;

    /** Take a cross-instance lease of this length while loading a key; 0 turns it off. */
    private @Nullable Duration loadLease;

    public @Nullable Duration getTtl() {
      return ttl;
    }

    public void setTtl(@Nullable Duration ttl) {
      this.ttl = ttl;
    }

    public @Nullable Duration getTtlJitter() {
      return ttlJitter;
    }

    public void setTtlJitter(@Nullable Duration ttlJitter) {
      this.ttlJitter = ttlJitter;
    }

    public @Nullable Long getNearCacheSize() {
      return nearCacheSize;
    }

    public void setNearCacheSize(@Nullable Long nearCacheSize) {
      this.nearCacheSize = nearCacheSize;
    }

    public @Nullable Duration getNearCacheTtl() {
      return nearCacheTtl;
    }

    public void setNearCacheTtl(@Nullable Duration nearCacheTtl) {
      this.nearCacheTtl = nearCacheTtl;
    }

    public @Nullable Duration getNullTtl() {
      return nullTtl;
    }

    public void setNullTtl(@Nullable Duration nullTtl) {
      this.nullTtl = nullTtl;
    }

    public @Nullable Integer getKeyVersion() {
      return keyVersion;
    }

    public void setKeyVersion(@Nullable Integer keyVersion) {
      this.keyVersion = keyVersion;
    }

    public @Nullable Duration getRefreshAhead() {
      return refreshAhead;
    }

    public void setRefreshAhead(@Nullable Duration refreshAhead) {
      this.refreshAhead = refreshAhead;
    }

    public @Nullable Duration getLoadLease() {
      return loadLease;
    }

    public void setLoadLease(@Nullable Duration loadLease) {
      this.loadLease = loadLease;
    }
  }
}
