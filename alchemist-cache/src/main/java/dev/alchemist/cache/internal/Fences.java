package dev.alchemist.cache.internal;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * A region's invalidations in Redis: each one leaves a unique tombstone under the key (so a load
 * that read the key earlier cannot write its old value back, see {@link Store#setIfEquals}), and in
 * pub/sub mode a message to the other instances.
 *
 * <p>An invalidation that could not reach Redis (hung, down, circuit open or half-open; or a put
 * that was dropped, which leaves the old value in Redis) is not forgotten: it stays pending and is
 * retried from the manager's scheduler, 50 ms after the failure and then backing off to 1 s, until
 * Redis took it; meanwhile this instance reads the key as a miss instead of reading the old value.
 * Past 10,000 pending keys the region is invalidated as a whole instead. {@link #flush()} makes one
 * last attempt at close. Thread-safe.
 */
final class Fences {

  private static final int MAX_PENDING = 10_000;
  private static final long FIRST_RETRY_MILLIS = 50;
  private static final long MAX_RETRY_MILLIS = 1000;

  private final String cache;
  private final String regionPrefix;
  private final Store store;
  private final InvalidationBus bus;
  private final ScheduledExecutorService scheduler;
  private final Clock clock;
  private final long tombstoneMillis;
  private final long awaitMillis;
  private final Consumer<Throwable> onRetryFailure;
  private final Map<String, Pending> pending = new ConcurrentHashMap<>();
  private final AtomicLong sequence = new AtomicLong();
  private final AtomicBoolean scheduled = new AtomicBoolean();
  private volatile boolean regionPending;
  private volatile long retryMillis = FIRST_RETRY_MILLIS;

  /** {@code tombstone} false: the value in Redis is right, only the message is owed. */
  private record Pending(String encodedKey, long sequence, boolean tombstone) {}

  /**
   * @param tombstoneMillis how long a tombstone lives: at least as long as any value it replaces
   * @param onRetryFailure told (rate-limited by the caller) when a retry failed
   */
  Fences(
      String cache,
      String regionPrefix,
      Store store,
      InvalidationBus bus,
      CacheRuntime runtime,
      long tombstoneMillis,
      Consumer<Throwable> onRetryFailure) {
    this.cache = cache;
    this.regionPrefix = regionPrefix;
    this.store = store;
    this.bus = bus;
    this.scheduler = runtime.scheduler();
    this.clock = runtime.clock();
    this.tombstoneMillis = tombstoneMillis;
    this.awaitMillis = runtime.operationTimeout().toMillis() * 2 + 1000;
    this.onRetryFailure = onRetryFailure;
  }

  /** Whether an invalidation of this key is still on its way to Redis: read it as a miss. */
  boolean isPending(String redisKey) {
    if (regionPending) {
      return true;
    }
    Pending p = pending.isEmpty() ? null : pending.get(redisKey);
    return p != null && p.tombstone();
  }

  /** Writes the tombstone and, in pub/sub mode, tells the other instances. */
  CompletableFuture<Void> send(String redisKey, String encodedKey) {
    byte[] tombstone = EntryFormat.tombstone(clock.millis() + tombstoneMillis);
    return store
        .set(redisKey, tombstone, tombstoneMillis)
        .thenCompose(ok -> bus.publishKey(cache, encodedKey));
  }

  /** An invalidation of this key did not reach Redis: keep it until a retry gets through. */
  void remember(String redisKey, String encodedKey) {
    add(redisKey, encodedKey, true);
  }

  /** A put landed but its message to the other instances did not: owe them the message. */
  void rememberMessage(String redisKey, String encodedKey) {
    add(redisKey, encodedKey, false);
  }

  private void add(String redisKey, String encodedKey, boolean tombstone) {
    if (pending.size() >= MAX_PENDING) {
      regionPending = true;
      pending.clear();
    } else if (!regionPending) {
      Pending next = new Pending(encodedKey, sequence.incrementAndGet(), tombstone);
      // A tombstone owed stays owed when a message is added for the same key.
      pending.merge(redisKey, next, (old, add) -> old.tombstone() && !add.tombstone() ? old : add);
    }
    schedule();
  }

  /** invalidateAll() did not reach Redis: the whole region is retried. */
  void rememberRegion() {
    regionPending = true;
    pending.clear();
    schedule();
  }

  /** One attempt at everything pending, on the caller's thread (close() calls it). */
  boolean flush() {
    try {
      if (regionPending) {
        store.deleteByPrefix(regionPrefix);
        await(bus.publishRegion(cache));
        regionPending = false;
      }
      for (Map.Entry<String, Pending> e : pending.entrySet()) {
        Pending p = e.getValue();
        await(
            p.tombstone()
                ? send(e.getKey(), p.encodedKey())
                : bus.publishKey(cache, p.encodedKey()));
        pending.remove(e.getKey(), p);
      }
      return true;
    } catch (RuntimeException e) {
      onRetryFailure.accept(e);
      return false;
    }
  }

  private void retry() {
    scheduled.set(false);
    if (flush()) {
      retryMillis = FIRST_RETRY_MILLIS;
      if (!pending.isEmpty() || regionPending) {
        schedule(); // added while this attempt ran
      }
    } else {
      retryMillis = Math.min(retryMillis * 2, MAX_RETRY_MILLIS);
      schedule();
    }
  }

  private void schedule() {
    if (scheduled.compareAndSet(false, true)) {
      try {
        scheduler.schedule(this::retry, retryMillis, TimeUnit.MILLISECONDS);
      } catch (RejectedExecutionException e) {
        scheduled.set(false); // closing: flush() makes the last attempt
      }
    }
  }

  private void await(CompletableFuture<?> future) {
    try {
      future.get(awaitMillis, TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw cause instanceof RuntimeException re
          ? re
          : new StoreException("unavailable", String.valueOf(cause), cause);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new StoreException("timeout", "no answer in time", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreException("unavailable", "interrupted", e);
    }
  }
}
