package dev.alchemist.examples.dialog;

import dev.alchemist.cache.Cache;
import dev.alchemist.cache.CacheManager;
import dev.alchemist.cache.CachePolicy;
import dev.alchemist.core.DialogHistory;
import dev.alchemist.core.Message;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * The dialog history through the cache ({@link CachePolicy#DIALOG_HISTORY}): local, or in Redis
 * when {@link DialogOptions#redis()} names one. A read parks no thread; only a miss loads the last
 * {@link DialogService#HISTORY_LIMIT} messages from the store, on the blocking pool. After each
 * answer the new history is written through, so the next turn finds it.
 *
 * <p>Thread-safe. {@link #close()} closes the cache manager.
 */
final class DialogHistories implements AutoCloseable {
  private final CacheManager caches;
  private final Cache<UUID, DialogHistory> histories;
  private final DialogStore store;
  private final Executor blocking;
  private final DialogCounters counters;

  DialogHistories(
      DialogOptions options,
      MeterRegistry registry,
      DialogStore store,
      Executor blocking,
      DialogCounters counters) {
    CacheManager.Builder b =
        CacheManager.builder().meterRegistry(registry).keyPrefix(options.cacheKeyPrefix());
    caches = options.redis() == null ? b.local(100_000).build() : b.redis(options.redis()).build();
    histories = caches.cache(CachePolicy.DIALOG_HISTORY, UUID.class, DialogHistory.class);
    this.store = store;
    this.blocking = blocking;
    this.counters = counters;
  }

  /**
   * The context for the model: the cached history with {@code user} at its end. The loaded history
   * of a miss already ends with {@code user}, which was committed before.
   */
  CompletableFuture<DialogHistory> context(UUID id, Message user) {
    return histories
        .getAsync(id)
        .thenCompose(
            cached ->
                cached != null
                    ? CompletableFuture.completedFuture(cached)
                    : CompletableFuture.supplyAsync(() -> histories.get(id, this::load), blocking))
        .thenApply(cached -> withMessage(cached == null ? DialogHistory.empty(id) : cached, user));
  }

  /** Writes {@code history} through to the cache. */
  CompletableFuture<Void> put(DialogHistory history) {
    return histories.putAsync(history.dialogId(), history);
  }

  /** Removes every history this run cached (its key prefix only). */
  void invalidateAll() {
    histories.invalidateAll();
  }

  @Override
  public void close() {
    caches.close();
  }

  private DialogHistory load(UUID id) {
    counters.historyLoads.increment();
    return new DialogHistory(id, store.lastN(id, DialogService.HISTORY_LIMIT));
  }

  private static DialogHistory withMessage(DialogHistory h, Message user) {
    for (Message m : h.messages()) {
      if (m.id().equals(user.id())) {
        return h;
      }
    }
    return h.append(user, DialogService.HISTORY_LIMIT);
  }
}
