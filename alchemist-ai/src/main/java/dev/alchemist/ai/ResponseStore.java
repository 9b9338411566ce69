package dev.alchemist.ai;

import dev.alchemist.ai.internal.InMemoryResponseStore;
import dev.alchemist.core.flow.Ticker;
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

  /** As {@link #inMemory(int)}, on the given ticker (tests). */
  static ResponseStore inMemory(int maxEntries, Ticker ticker) {
    return new InMemoryResponseStore(maxEntries, ticker);
  }
}
