package dev.alchemist.ai.internal;

import dev.alchemist.ai.CachedResponse;
import dev.alchemist.ai.ResponseStore;
import dev.alchemist.cache.Cache;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A {@link ResponseStore} over an alchemist-cache region: Redis (or Redis Cluster, or the embedded
 * store) with the region's TTL, jitter, near cache and degradation. The region's policy sets the
 * TTL; the per-put TTL of the SPI is only checked against it, so a mismatch is a configuration
 * error at the first put rather than a silent surprise.
 */
public final class CacheResponseStore implements ResponseStore {
  private final Cache<String, CachedResponse> cache;

  public CacheResponseStore(Cache<String, CachedResponse> cache) {
    this.cache = cache;
  }

  @Override
  public CompletableFuture<Optional<CachedResponse>> get(String key) {
    return cache.getAsync(key).thenApply(Optional::ofNullable);
  }

  @Override
  public CompletableFuture<Void> put(String key, CachedResponse response, Duration ttl) {
    Duration regionTtl = cache.policy().ttl();
    if (!ttl.equals(regionTtl)) {
      return CompletableFuture.failedFuture(
          new IllegalStateException(
              "response cache ttl ("
                  + ttl
                  + ") must equal the ttl of cache region '"
                  + cache.policy().name()
                  + "' ("
                  + regionTtl
                  + ")"));
    }
    return cache.putAsync(key, response);
  }

  @Override
  public String toString() {
    return "CacheResponseStore[" + cache.policy().name() + "]";
  }
}
