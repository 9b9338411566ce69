package dev.alchemist.core.internal;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A count of work under way that a closing thread can wait on, until it drops to zero or a deadline
 * passes, without polling: the decrement that reaches zero wakes the waiters. Counting costs one
 * atomic update; the lock is taken only when a waiter is present.
 *
 * <p>The usual use is {@code close()}: stop accepting work, then {@link #awaitZero(long)} with the
 * component's close timeout, then fail or report what is still counted.
 *
 * <p>Thread-safe. <b>Unsupported:</b> internal to the Alchemist modules.
 */
public final class InFlight {
  private final AtomicInteger count = new AtomicInteger();
  private final AtomicInteger waiters = new AtomicInteger();
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition reachedZero = lock.newCondition();

  /** Counts one more; returns the count before. */
  public int getAndIncrement() {
    return count.getAndIncrement();
  }

  /** Counts one more; returns the new count. */
  public int increment() {
    return count.incrementAndGet();
  }

  /** Counts one less and wakes the waiters if none is left; returns the new count. */
  public int decrement() {
    int left = count.decrementAndGet();
    // Both are volatile: a waiter that registered before this read is woken, one that registers
    // after it sees the zero before it waits.
    if (left == 0 && waiters.get() > 0) {
      lock.lock();
      try {
        reachedZero.signalAll();
      } finally {
        lock.unlock();
      }
    }
    return left;
  }

  /** The current count. */
  public int get() {
    return count.get();
  }

  /**
   * Waits until the count is zero or {@link System#nanoTime()} passes {@code deadlineNanos}.
   * Interruption ends the wait early (the interrupt status stays set).
   *
   * @return whether the count was zero when the wait ended
   */
  public boolean awaitZero(long deadlineNanos) {
    if (count.get() == 0) {
      return true;
    }
    lock.lock();
    waiters.incrementAndGet();
    try {
      while (count.get() > 0) {
        long left = deadlineNanos - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        try {
          reachedZero.awaitNanos(left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return count.get() == 0;
        }
      }
      return true;
    } finally {
      waiters.decrementAndGet();
      lock.unlock();
    }
  }

  /** {@link #awaitZero(long)} with a deadline {@code timeout} from now. */
  public boolean awaitZero(long timeout, TimeUnit unit) {
    return awaitZero(System.nanoTime() + unit.toNanos(timeout));
  }

  @Override
  public String toString() {
    return "InFlight[" + count.get() + "]";
  }
}
