package dev.alchemist.nats.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.jspecify.annotations.Nullable;

/**
 * The slot table of {@link BoundedJetStreamPublisher}: every unfinished publish holds one slot, so
 * close(), a closed connection and the sweeper can find what is left and no future is ever left
 * hanging. A fixed array (one slot per permit) instead of a concurrent set: claiming and freeing a
 * slot is one CAS and allocates nothing. Separate from the publisher because its invariant (a
 * holder of a permit always finds a free slot) is its own.
 */
final class PendingSlots {
  private final AtomicReferenceArray<@Nullable PendingPublish> slots;
  private final AtomicInteger nextSlot = new AtomicInteger();

  /** One slot per permit: {@code size} is the publisher's maxInFlight. */
  PendingSlots(int size) {
    this.slots = new AtomicReferenceArray<>(size);
  }

  /**
   * Puts {@code p} in a free slot. The caller holds a permit and a slot is freed before its permit
   * is released, so a free slot exists; the rotating start keeps the search short. The index is
   * written before the CAS that makes {@code p} visible, so whoever finds {@code p} in the array
   * (close(), connectionClosed(), the sweeper) reads its own slot, never another publish's.
   */
  void claim(PendingPublish p) {
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

  /** Frees the slot of {@code p}, only if it still holds it. */
  void free(PendingPublish p) {
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
