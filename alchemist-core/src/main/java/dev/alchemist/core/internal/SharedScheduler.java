package dev.alchemist.core.internal;

import dev.alchemist.core.Checks;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one JVM-wide timer of the Alchemist modules: debounce and fan-out deadlines, stream
 * watchdogs, retry delays and flush timers of every component that was given no scheduler of the
 * host's. Created on first use.
 *
 * <p>Contract, for every task put on it:
 *
 * <ul>
 *   <li>It has one daemon thread ({@code alchemist-timer-1}): it never keeps the JVM alive.
 *   <li>Tasks must be short and must never block (no I/O, no lock held by a caller, no waiting on a
 *       future): one blocked task delays every timer of every component. A task that has real work
 *       to do hands it to an executor.
 *   <li>A task that throws, an {@link Error} included, is reported (logged at WARN on {@code
 *       dev.alchemist.timer}) and never kills the timer: later tasks run. A periodic task that
 *       throws is not run again, as {@link ScheduledExecutorService} specifies.
 *   <li>A cancelled task is removed from the queue at once, so cancelled watchdogs do not pile up.
 *   <li>Nobody shuts it down; a component that was given no scheduler does not own this one.
 * </ul>
 *
 * <p><b>Unsupported:</b> internal to the Alchemist modules.
 */
public final class SharedScheduler {
  private static final Logger LOG = LoggerFactory.getLogger("dev.alchemist.timer");

  private SharedScheduler() {}

  /** The JVM-wide timer; see the class comment for what a task on it may do. */
  public static ScheduledExecutorService get() {
    return Holder.TIMER;
  }

  /**
   * A timer with the contract of the shared one, reporting failed tasks to {@code onTaskFailure}
   * (which must not throw; if it does, the failure is dropped and the timer goes on). For tests and
   * for the rare component that needs a timer of its own.
   */
  public static ScheduledThreadPoolExecutor create(
      String threadPrefix, Consumer<Throwable> onTaskFailure) {
    Checks.notNull("onTaskFailure", onTaskFailure);
    ScheduledThreadPoolExecutor timer =
        new ReportingTimer(DaemonThreads.named(threadPrefix), onTaskFailure);
    timer.setRemoveOnCancelPolicy(true);
    return timer;
  }

  private static final class Holder {
    static final ScheduledExecutorService TIMER =
        create(
            "alchemist-timer",
            t -> LOG.warn("a task on the shared timer threw; the timer goes on with the next", t));
  }

  /** Reports what a task threw: a scheduled task's failure otherwise stays in its future. */
  private static final class ReportingTimer extends ScheduledThreadPoolExecutor {
    private final Consumer<Throwable> onTaskFailure;

    ReportingTimer(ThreadFactory threads, Consumer<Throwable> onTaskFailure) {
      super(1, threads);
      this.onTaskFailure = onTaskFailure;
    }

    @Override
    protected void afterExecute(Runnable task, @Nullable Throwable thrown) {
      super.afterExecute(task, thrown);
      Throwable failure = thrown;
      // Scheduled tasks are futures: what they threw is their outcome. A periodic task that ran
      // normally is not done, so get() is only called on one that has finished.
      if (failure == null && task instanceof Future<?> future && future.isDone()) {
        try {
          future.get();
        } catch (CancellationException e) {
          // cancelled: nothing to report
        } catch (ExecutionException e) {
          failure = e.getCause() != null ? e.getCause() : e;
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      if (failure != null) {
        try {
          onTaskFailure.accept(failure);
        } catch (Throwable ignored) {
          // The reporter failed too: the timer goes on regardless.
        }
      }
    }
  }
}
