package dev.alchemist.ai.internal;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;

/**
 * The one timer task of a token stream, re-armed to the nearest of its deadlines. Separate from
 * {@link AbstractTokenStream} because arming and cancelling the task is its own small protocol: it
 * runs under the stream's lock, so that a stream that has ended (checked under that same lock)
 * never arms a new task, and a shut-down scheduler leaves the stream without timeouts instead of
 * failing it.
 */
final class StreamWatchdog {
  private final ReentrantLock lock;
  private final ScheduledExecutorService scheduler;
  private final BooleanSupplier ended;
  private final Runnable check;
  private @Nullable ScheduledFuture<?> task; // guarded by lock

  /**
   * @param lock the stream's lock, under which {@code ended} changes
   * @param ended whether the stream was cancelled or its end is queued
   * @param check what runs when the task fires; it may re-arm
   */
  StreamWatchdog(
      ReentrantLock lock,
      ScheduledExecutorService scheduler,
      BooleanSupplier ended,
      Runnable check) {
    this.lock = lock;
    this.scheduler = scheduler;
    this.ended = ended;
    this.check = check;
  }

  void arm(long delayNanos) {
    lock.lock();
    try {
      if (ended.getAsBoolean()) {
        return;
      }
      try {
        task = scheduler.schedule(check, delayNanos, TimeUnit.NANOSECONDS);
      } catch (RejectedExecutionException e) {
        // The scheduler is shut down: the stream ends without timeouts rather than failing now.
        task = null;
      }
    } finally {
      lock.unlock();
    }
  }

  void cancel() {
    ScheduledFuture<?> w;
    lock.lock();
    try {
      w = task;
      task = null;
    } finally {
      lock.unlock();
    }
    if (w != null) {
      w.cancel(false);
    }
  }
}
