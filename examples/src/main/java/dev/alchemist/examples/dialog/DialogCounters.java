package dev.alchemist.examples.dialog;

import dev.alchemist.core.DomainStats;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the dialog service counts: the figures of the summary table ({@link #stats}) and the live
 * dashboard's model ({@link #frame}). Every part of the service adds to the same instance.
 * Thread-safe: adders and atomics only, read without a lock.
 */
final class DialogCounters {
  private static final Logger log = LoggerFactory.getLogger(DialogService.class);

  final LongAdder dialogsOpened = new LongAdder();

  /** {@code domain_stats} as last read from the store, for the dashboard's frames. */
  volatile List<DomainStats> domainStats = List.of();

  final LongAdder messagesSent = new LongAdder();
  final AtomicLong messagesPersisted = new AtomicLong();
  final LongAdder eventsPublished = new LongAdder();
  final LongAdder eventsAcked = new LongAdder();
  final AtomicLong eventsReceived = new AtomicLong();
  final LongAdder historyLoads = new LongAdder();
  final LongAdder chunks = new LongAdder();
  final LongAdder turnsDone = new LongAdder();
  final LongAdder errors = new LongAdder();
  final LongAdder frames = new LongAdder();
  final LongAdder previewFrames = new LongAdder();
  final LongAdder turnsRejected = new LongAdder();
  private final AtomicInteger storeWaiting = new AtomicInteger();
  private final AtomicInteger peakStoreWaiting = new AtomicInteger();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger peakInFlight = new AtomicInteger();
  private volatile @Nullable String firstError;

  /** A turn began: one more in flight (the peak follows). */
  void turnStarted() {
    peakInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
  }

  /**
   * Admits one more user message to the store's queue if fewer than {@code limit} wait for their
   * commit; returns how many waited before it when admitted, or -1 (not counted) when refused.
   */
  int admitToStore(int limit) {
    while (true) {
      int now = storeWaiting.get();
      if (now >= limit) {
        return -1;
      }
      if (storeWaiting.compareAndSet(now, now + 1)) {
        peakStoreWaiting.accumulateAndGet(now + 1, Math::max);
        return now;
      }
    }
  }

  /** One admitted message's commit ended (committed or failed). */
  void leftStore() {
    storeWaiting.decrementAndGet();
  }

  /** User messages waiting for their commit now. */
  int storeWaiting() {
    return storeWaiting.get();
  }

  /** A turn ended, completed or failed. */
  void turnEnded(@Nullable Throwable failure) {
    inFlight.decrementAndGet();
    if (failure == null) {
      turnsDone.increment();
    } else if (rejection(failure)) {
      turnsRejected.increment();
    } else {
      failed(failure);
    }
  }

  private static boolean rejection(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof TurnRejectedException) {
        return true;
      }
    }
    return false;
  }

  /** Counts a failure; only the first is logged (the cause's text, never user content). */
  void failed(Throwable e) {
    errors.increment();
    if (firstError == null) {
      firstError = String.valueOf(e.getCause() != null ? e.getCause() : e);
      log.warn("first failure (later ones are only counted): {}", firstError);
    }
  }

  /** A snapshot; {@code acks} is false on the in-process bus, which has none (reported as -1). */
  DialogStats stats(boolean acks) {
    return new DialogStats(
        dialogsOpened.sum(),
        turnsDone.sum(),
        messagesSent.sum() * 2,
        messagesPersisted.get(),
        eventsPublished.sum(),
        eventsReceived.get(),
        acks ? eventsAcked.sum() : -1,
        historyLoads.sum(),
        chunks.sum(),
        frames.sum(),
        previewFrames.sum(),
        inFlight.get(),
        peakInFlight.get(),
        turnsRejected.sum(),
        peakStoreWaiting.get(),
        errors.sum(),
        firstError);
  }

  /** The dashboard's model: cheap counters, replaced (latest wins) up to 60 times a second. */
  DashboardFrame frame() {
    return new DashboardFrame(
        eventsReceived.get(),
        messagesPersisted.get(),
        chunks.sum(),
        inFlight.get(),
        domainStats,
        System.nanoTime());
  }
}
