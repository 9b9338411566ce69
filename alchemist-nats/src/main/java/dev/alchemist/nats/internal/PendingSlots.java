package dev.alchemist.nats.internal;

import dev.alchemist.core.internal.InFlight;
import dev.alchemist.nats.OverflowPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.jspecify.annotations.Nullable;

/**
 * The slot table of {@link BoundedJetStreamPublisher}, with the permits that bound it and the count
 * close() waits on: every unfinished publish holds a permit, one count and one slot, so close(), a
 * closed connection and the sweeper can find what is left and no future is ever left hanging. A
 * fixed array (one slot per permit) instead of a concurrent set: claiming and freeing a slot is one
 * CAS and allocates nothing. Separate from the publisher because its invariant (a holder of a
 * permit always finds a free slot) is its own, and rests on the order of {@link #release}.
 */
final class PendingSlots {
  private final AtomicReferenceArray<@Nullable PendingPublish> slots;
  private final AtomicInteger nextSlot = new AtomicInteger();
  private final Semaphore permits;
  private final InFlight inFlight = new InFlight();

  /** One slot per permit: {@code size} is the publisher's maxInFlight. */
  PendingSlots(int size) {
    this.slots = new AtomicReferenceArray<>(size);
    this.permits = new Semaphore(size);
  }

  /**
   * Takes a permit: at once, or for {@link OverflowPolicy#BLOCK} within {@code blockNanos}. False
   * if none came (or the wait was interrupted, whose status stays set).
   */
  boolean acquire(OverflowPolicy policy, long blockNanos) {
    if (permits.tryAcquire()) {
      return true;
    }
    if (policy == OverflowPolicy.FAIL_FAST) {
      return false;
    }
    try {
      return permits.tryAcquire(blockNanos, TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Gives back a permit that {@link #acquire} took for a publish never {@link #admit admitted}. */
  void abandon() {
    permits.release();
  }

  /** Counts {@code p} in flight, then puts it in a slot; the caller holds its permit. */
  void admit(PendingPublish p) {
    inFlight.increment();
    claim(p);
  }

  /**
   * Gives back what a finished publish held: its slot (only if it still holds it), its count in
   * flight (waking {@link #awaitEmpty}), then its permit, so a publish holding a permit always
   * finds a free slot.
   */
  void release(PendingPublish p) {
    free(p);
    inFlight.decrement();
    permits.release();
  }

  /** The count of admitted, unfinished publishes, which the in-flight gauge reads. */
  InFlight inFlight() {
    return inFlight;
  }

  /** Waits until no publish is in flight or {@link System#nanoTime()} passes the deadline. */
  boolean awaitEmpty(long deadlineNanos) {
    return inFlight.awaitZero(deadlineNanos);
  }

  /**
   * Puts {@code p} in a free slot. The caller holds a permit and a slot is freed before its permit
   * is released, so a free slot exists; the rotating start keeps the search short. The index is
   * written before the CAS that makes {@code p} visible, so whoever finds {@code p} in the array
   * (close(), connectionClosed(), the sweeper) reads its own slot, never another publish's.
   */
  private void claim(PendingPublish p) {
    int n = slots.length();
    int i = Math.floorMod(nextSlot.getAndIncrement(), n);
    while (true) {
      p.slot = i;
      if (slots.compareAndSet(i, null, p)) {
        return;
      }
      i = i + 1 == n ? 0 : i + 1;
    }
  }

  private void free(PendingPublish p) {
    slots.compareAndSet(p.slot, p, null);
  }

  /** The number of slots, occupied or not, for a scan with {@link #get}. */
  int length() {
    return slots.length();
  }

  /** The publish in slot {@code i}, or null if it is free. */
  @Nullable PendingPublish get(int i) {
    return slots.get(i);
  }

  /** A snapshot of the publishes holding a slot. */
  List<PendingPublish> outstanding() {
    List<PendingPublish> list = new ArrayList<>();
    for (int i = 0, n = slots.length(); i < n; i++) {
      PendingPublish p = slots.get(i);
      if (p != null) {
        list.add(p);
      }
    }
    return list;
  }

  /** Slots held by unfinished publishes. */
  int occupied() {
    int n = 0;
    for (int i = 0; i < slots.length(); i++) {
      if (slots.get(i) != null) {
        n++;
      }
    }
    return n;
  }
}
