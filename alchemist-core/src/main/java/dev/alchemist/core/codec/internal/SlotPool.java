package dev.alchemist.core.codec.internal;

import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Supplier;

/**
 * A bounded, lock-free pool: an array of slots that callers swap objects out of and back into.
 * Unlike a queue it allocates nothing per obtain or release, and it needs no ThreadLocal, so it
 * suits virtual threads. When every slot is empty {@link #obtain()} makes a new object; when every
 * slot is full {@link #release} drops the object.
 */
final class SlotPool<T> {
  private final AtomicReferenceArray<T> slots;
  private final int mask;
  private final Supplier<T> factory;

  SlotPool(int capacity, Supplier<T> factory) {
    int size = Integer.highestOneBit(Math.max(1, capacity - 1)) << 1;
    this.slots = new AtomicReferenceArray<>(size);
    this.mask = size - 1;
    this.factory = factory;
  }

  T obtain() {
    int start = probe();
    for (int i = 0; i <= mask; i++) {
      int index = (start + i) & mask;
      T candidate = slots.get(index);
      if (candidate != null && slots.compareAndSet(index, candidate, null)) {
        return candidate;
      }
    }
    return factory.get();
  }

  void release(T object) {
    int start = probe();
    for (int i = 0; i <= mask; i++) {
      int index = (start + i) & mask;
      if (slots.get(index) == null && slots.compareAndSet(index, null, object)) {
        return;
      }
    }
  }

  /** Threads start their scan at different slots, so they rarely contend for one. */
  private static int probe() {
    long id = Thread.currentThread().getId();
    return (int) ((id * 0x9E3779B97F4A7C15L) >>> 40);
  }
}
