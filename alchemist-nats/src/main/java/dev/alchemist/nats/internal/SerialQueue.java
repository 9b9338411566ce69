package dev.alchemist.nats.internal;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs tasks one at a time, in submission order, on a shared executor: one subscription's handler
 * never runs concurrently with itself, and no subscription owns a thread. After {@value #BATCH}
 * tasks in a row it yields the executor thread to other queues. A task that throws (anything, an
 * {@link Error} included) is passed to the failure handler and the queue goes on with the next one.
 */
public final class SerialQueue {
  private static final int BATCH = 256;
  private static final Logger LOG = LoggerFactory.getLogger("dev.alchemist.nats");

  private final Executor executor;
  private final Consumer<Throwable> onTaskFailure;
  private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private final AtomicInteger pending = new AtomicInteger();
  private final Runnable drain = this::drain;

  /** A queue on {@code executor} that logs a task that threw (at WARN) and goes on. */
  public SerialQueue(Executor executor) {
    this(executor, t -> LOG.warn("a queued task threw; the queue goes on with the next", t));
  }

  /**
   * A queue on {@code executor}; {@code onTaskFailure} hears about tasks that threw (tasks are
   * meant to catch their own failures: this is the last line, so one bad task cannot stall the
   * queue).
   */
  public SerialQueue(Executor executor, Consumer<Throwable> onTaskFailure) {
    this.executor = executor;
    this.onTaskFailure = onTaskFailure;
  }

  /** Queues {@code task}; returns false (and queues nothing) if {@code limit} are waiting. */
  public boolean offer(Runnable task, int limit) {
    if (pending.get() >= limit) {
      return false;
    }
    tasks.add(task);
    if (pending.getAndIncrement() == 0) {
      schedule();
    }
    return true;
  }

  /** Tasks queued or running. */
  public int pending() {
    return pending.get();
  }

  /** Waits until nothing is queued or running, or the deadline passes; returns whether idle. */
  public boolean awaitIdle(long deadlineNanos) {
    while (pending.get() > 0) {
      if (System.nanoTime() - deadlineNanos > 0 || Thread.currentThread().isInterrupted()) {
        return false;
      }
      LockSupport.parkNanos(1_000_000);
    }
    return true;
  }

  private void schedule() {
    try {
      executor.execute(drain);
    } catch (RejectedExecutionException e) {
      // The executor is shut down: run here rather than lose what was queued.
      drain();
    }
  }

  private void drain() {
    int ran = 0;
    while (true) {
      Runnable task = tasks.poll();
      if (task != null) {
        run(task);
      }
      if (pending.decrementAndGet() == 0) {
        return;
      }
      if (++ran >= BATCH) {
        schedule();
        return;
      }
    }
  }

  private void run(Runnable task) {
    try {
      task.run();
    } catch (Throwable t) {
      try {
        onTaskFailure.accept(t);
      } catch (Throwable ignored) {
        // The failure handler failed too: keep the queue running regardless.
      }
    }
  }
}
