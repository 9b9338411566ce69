package dev.alchemist.core.internal;

import dev.alchemist.core.Checks;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs tasks one at a time, in submission order, on a shared executor: one subscription's handler
 * (or one publisher's completions) never runs concurrently with itself, and no queue owns a thread.
 * After {@value #BATCH} tasks in a row it yields the executor thread to other queues.
 *
 * <p>A task that throws (anything, an {@link Error} such as {@link StackOverflowError} included) is
 * passed to the failure handler and the queue goes on with the next one: one bad task never stalls
 * it. If the executor rejects a drain (it is shut down), the queued tasks run on the submitting
 * thread rather than being lost.
 *
 * <p>Thread-safe. <b>Unsupported:</b> internal to the Alchemist modules.
 */
public final class SerialExecutor implements Executor {
  private static final int BATCH = 256;
  private static final Logger LOG = LoggerFactory.getLogger("dev.alchemist.serial");

  private final Executor executor;
  private final Consumer<Throwable> onTaskFailure;
  private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private final InFlight pending = new InFlight();
  private final Runnable drain = () -> drain(true);
  private final long lingerNanos;

  /** A queue on {@code executor} that logs a task that threw (at WARN) and goes on. */
  public SerialExecutor(Executor executor) {
    this(executor, t -> LOG.warn("a queued task threw; the queue goes on with the next", t));
  }

  /**
   * A queue on {@code executor}; {@code onTaskFailure} hears about tasks that threw (tasks are
   * meant to catch their own failures: this is the last line, so one bad task cannot stall the
   * queue; if the handler throws too, that is dropped).
   */
  public SerialExecutor(Executor executor, Consumer<Throwable> onTaskFailure) {
    this(executor, onTaskFailure, 0);
  }

  /**
   * A queue whose drain, when it has emptied the queue, sleeps {@code lingerNanos} and looks again
   * before it gives the executor thread back. For tasks that come densely from one source (the acks
   * of a publisher): tasks queued during the sleep wake no thread, so one wake-up serves all of
   * them; a task can wait up to the sleep (the timer's slack included) before it runs. Zero for no
   * linger.
   */
  public SerialExecutor(Executor executor, Consumer<Throwable> onTaskFailure, long lingerNanos) {
    this.executor = Checks.notNull("executor", executor);
    this.onTaskFailure = Checks.notNull("onTaskFailure", onTaskFailure);
    this.lingerNanos = lingerNanos;
  }

  /** Queues {@code task}, unbounded. */
  @Override
  public void execute(Runnable task) {
    offer(task, Integer.MAX_VALUE);
  }

  /** Queues {@code task}; returns false (and queues nothing) if {@code limit} are waiting. */
  public boolean offer(Runnable task, int limit) {
    Checks.notNull("task", task);
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

  /**
   * Waits until nothing is queued or running, or {@link System#nanoTime()} passes {@code
   * deadlineNanos}; returns whether the queue is idle. Woken by the last task, never polling.
   */
  public boolean awaitIdle(long deadlineNanos) {
    return pending.awaitZero(deadlineNanos);
  }

  private void schedule() {
    try {
      executor.execute(drain);
    } catch (RejectedExecutionException e) {
      // The executor is shut down: run here rather than lose what was queued (and never linger on
      // the submitter's thread).
      drain(false);
    }
  }

  private void drain(boolean mayLinger) {
    int ran = 0;
    while (true) {
      Runnable task = tasks.poll();
      if (task != null) {
        run(task);
      }
      if (mayLinger && lingerNanos > 0 && pending.get() == 1) {
        // Still holding the last count, so offers meanwhile schedule nothing: they are ours.
        LockSupport.parkNanos(this, lingerNanos);
      }
      if (pending.decrement() == 0) {
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
