package dev.alchemist.core.flow.internal;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * The throttle-latest state machine of one key.
 *
 * <p>Producers swap their value into {@link #pending} and, only if the slot is {@link #IDLE}, win a
 * CAS to {@link #SCHEDULED} and schedule the drain; every other update is a swap and two volatile
 * reads. The drain (this {@link Runnable}) delivers under {@link #lock} and reschedules itself one
 * interval later to pick up a trailing value; when it finds nothing it goes back to {@code IDLE}
 * and re-reads {@code pending}, so an update that saw {@code SCHEDULED} just before is never
 * stranded (both sides use volatile accesses, which are sequentially consistent).
 *
 * <p>A keyed slot that stays idle for the idle timeout is {@link #RETIRED} by a CAS from {@code
 * IDLE} under the lock and removed from the map. A producer that still holds the retired slot sees
 * the CAS fail and moves whatever it left behind to a live slot while its own {@code update} is
 * still running, so values are never lost and never reordered with later updates.
 */
final class DebounceSlot<K, T> implements Runnable {
  static final Object EMPTY = new Object();
  static final int IDLE = 0;
  static final int SCHEDULED = 1;
  static final int RETIRED = 2;

  private final DebounceEngine<K, T> engine;
  private final @Nullable K key;
  final AtomicReference<Object> pending = new AtomicReference<>(EMPTY);
  private final AtomicInteger state = new AtomicInteger(IDLE);
  private final ReentrantLock lock = new ReentrantLock();
  private final Runnable timerTask;
  private final Runnable expiryTask = this::expire;

  /** Start of the last delivery; read by producers to space the first delivery after a flush. */
  private volatile long lastDeliveryNanos;

  /** When the slot last went idle; guarded by {@link #lock}. */
  private long idleSinceNanos;

  /**
   * Set by an expiry that found the lock taken by {@link #flush}; the flush re-runs the expiry
   * check after it unlocks, so the key still expires.
   */
  private volatile boolean expiryMissed;

  /**
   * When the scheduled drain was due, if it waits out the rest of an interval (a trailing
   * delivery), else {@link Long#MIN_VALUE}: only such a delivery absorbs the timer's lateness.
   */
  private volatile long trailingDueNanos = Long.MIN_VALUE;

  private volatile @Nullable ScheduledFuture<?> timer;
  private volatile @Nullable ScheduledFuture<?> expiryTimer;

  DebounceSlot(DebounceEngine<K, T> engine, @Nullable K key) {
    this.engine = engine;
    this.key = key;
    this.lastDeliveryNanos = engine.ticker.read() - engine.intervalNanos;
    Executor executor = engine.executor;
    this.timerTask = executor == null ? this : () -> handOff(executor);
  }

  @Nullable K key() {
    return key;
  }

  /**
   * Makes {@code value} the pending value and makes sure a drain will deliver it.
   *
   * @return false if the slot was retired; the caller must take back what is pending here
   */
  boolean offer(Object value) {
    if (pending.getAndSet(value) != EMPTY) {
      engine.coalesced.increment();
    }
    if (state.get() != SCHEDULED && !ensureScheduled()) {
      return false;
    }
    if (engine.closed && pending.compareAndSet(value, EMPTY)) {
      // close() may already have flushed; the update lost the race and is refused, visibly.
      engine.rejected.increment();
    }
    return true;
  }

  private boolean ensureScheduled() {
    for (; ; ) {
      int s = state.get();
      if (s == SCHEDULED) {
        return true;
      }
      if (s == RETIRED) {
        return false;
      }
      if (state.compareAndSet(IDLE, SCHEDULED)) {
        schedule(remainingNanos());
        return true;
      }
    }
  }

  private long remainingNanos() {
    return Math.max(0, lastDeliveryNanos + engine.intervalNanos - engine.ticker.read());
  }

  private void schedule(long delayNanos) {
    trailingDueNanos = delayNanos > 0 ? engine.ticker.read() + delayNanos : Long.MIN_VALUE;
    try {
      timer = engine.scheduler.schedule(timerTask, delayNanos, TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      state.set(IDLE);
      engine.schedulingFailed(key, e);
    }
  }

  private void handOff(Executor executor) {
    try {
      executor.execute(this);
    } catch (RejectedExecutionException e) {
      state.set(IDLE);
      engine.schedulingFailed(key, e);
    }
  }

  /** The drain: delivers the pending value, or goes idle when there is none. */
  @Override
  public void run() {
    lock.lock();
    try {
      if (engine.closed) {
        return;
      }
      long wait = remainingNanos();
      if (wait > 0) {
        // A flush() delivered since this drain was scheduled; keep the interval.
        schedule(wait);
        return;
      }
      Object value = pending.getAndSet(EMPTY);
      if (value != EMPTY) {
        deliver(value, trailingDueNanos);
        schedule(remainingNanos());
        return;
      }
      state.set(IDLE);
      if (pending.get() != EMPTY && state.compareAndSet(IDLE, SCHEDULED)) {
        // An update saw SCHEDULED just before we went idle; it relies on us.
        schedule(remainingNanos());
        return;
      }
      idleSinceNanos = engine.ticker.read();
      if (engine.idleTimeoutNanos > 0) {
        cancel(expiryTimer); // at most one expiry task per slot
        expiryTimer = engine.scheduleExpiry(expiryTask, engine.idleTimeoutNanos);
      }
    } finally {
      lock.unlock();
    }
  }

  /** Delivers the pending value now on the calling thread; {@code force} ignores close. */
  void flush(boolean force) {
    lock.lock();
    try {
      if (engine.closed && !force) {
        return;
      }
      Object value = pending.getAndSet(EMPTY);
      if (value != EMPTY) {
        deliver(value, Long.MIN_VALUE);
        if (state.get() == IDLE) {
          idleSinceNanos = engine.ticker.read(); // a delivery ends the idle period
        }
      }
    } finally {
      lock.unlock();
    }
    if (expiryMissed) {
      expire();
    }
  }

  /** Flushes and cancels timers; called by close() after the engine is marked closed. */
  void closeAndFlush() {
    flush(true);
    cancel(timer);
    cancel(expiryTimer);
  }

  private static void cancel(@Nullable ScheduledFuture<?> future) {
    if (future != null) {
      future.cancel(false);
    }
  }

  @SuppressWarnings("unchecked")
  private void deliver(Object value, long dueNanos) {
    long now = engine.ticker.read();
    lastDeliveryNanos =
        dueNanos == Long.MIN_VALUE ? now : Pacing.countedFrom(dueNanos, now, engine.intervalNanos);
    engine.deliver(key, (T) value);
  }

  private void expire() {
    // Flag first, then try: a holder that unlocks after our failed tryLock sees the flag. The drain
    // (run) needs no flag: it ends either busy or by scheduling a fresh expiry of its own.
    expiryMissed = true;
    if (!lock.tryLock()) {
      return;
    }
    expiryMissed = false;
    try {
      if (engine.closed || state.get() != IDLE || pending.get() != EMPTY) {
        return; // busy again; the next idle period schedules its own expiry
      }
      long left = idleSinceNanos + engine.idleTimeoutNanos - engine.ticker.read();
      if (left > 0) {
        cancel(expiryTimer); // at most one expiry task per slot, also when a flush re-ran us
        expiryTimer = engine.scheduleExpiry(expiryTask, left);
        return;
      }
      if (state.compareAndSet(IDLE, RETIRED)) {
        engine.retired(this);
      }
    } finally {
      lock.unlock();
    }
  }
}
