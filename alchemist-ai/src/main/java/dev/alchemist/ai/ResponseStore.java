package dev.alchemist.ai;

import dev.alchemist.ai.internal.CacheResponseStore;
import dev.alchemist.ai.internal.InMemoryResponseStore;
import dev.alchemist.cache.CacheManager;
import dev.alchemist.cache.CachePolicy;
import dev.alchemist.core.Ticker;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Where the {@link ResponseCache} keeps answers: a small SPI so that a remote cache (Redis through
 * alchemist-cache) or the in-process default can back it. Single-flight is done by the response
 * cache itself, so a store only needs get and put with a TTL.
 *
 * <p>Implementations are thread-safe; a failed future counts as a miss (get) or a lost write (put),
 * never as a failed answer. {@link #close()} releases what the store owns.
 */
public interface ResponseStore extends AutoCloseable {
  CompletableFuture<Optional<CachedResponse>> get(String key);

  CompletableFuture<Void> put(String key, CachedResponse response, Duration ttl);

  @Override
  default void close() {}

  /**
   * The embedded default: an in-process LRU with per-entry expiry, at most {@code maxEntries}
   * answers.
   */
  static ResponseStore inMemory(int maxEntries) {
    return new InMemoryResponseStore(maxEntries, Ticker.system());
  }

  /**
   * Answers kept in the {@link CachePolicy#AI_RESPONSES} region (1 h) of {@code caches}: Redis,
   * Redis Cluster or the embedded store, shared by every instance. The manager's codec must know
   * {@link CachedResponse}: build it with {@link AiCodecs#register}. Needs {@code
   * dev.alchemist:alchemist-cache}, an optional dependency of alchemist-ai, on the classpath.
   *
   * @throws IllegalArgumentException if the manager's codec does not know {@link CachedResponse}
   */
  static ResponseStore cache(CacheManager caches) {
    return cache(caches, CachePolicy.AI_RESPONSES);
  }

  /**
   * As {@link #cache(CacheManager)} with another region policy; its TTL must equal the {@link
   * ResponseCache}'s.
   */
  static ResponseStore cache(CacheManager caches, CachePolicy policy) {
    if (!caches.settings().codecs().isRegistered(CachedResponse.class)) {
      throw new IllegalArgumentException(
          "ResponseStore.cache needs CachedResponse in the cache manager's codec, which does not"
              + " know it: build the codec with AiCodecs.register(KryoCodecs.builder()).build()"
              + " and give it to CacheManager.builder().codec(...)");
    }
    return new CacheResponseStore(caches.cache(policy, String.class, CachedResponse.class));
  }

  /** As {@link #inMemory(int)}, on the given ticker (tests). */
  static ResponseStore inMemory(int maxEntries, Ticker ticker) {
    return new InMemoryResponseStore(maxEntries, ticker);
  }
}
