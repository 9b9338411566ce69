package dev.alchemist.core.flow;

import dev.alchemist.core.Ticker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * (A copy of alchemist-core's test scheduler, with fixed-delay tasks.) A single-threaded,
 * deterministic {@link ScheduledExecutorService} on virtual time. Nothing runs until the test calls
 * {@link #runDue()} or {@link #advance(Duration)}, which run due tasks on the calling thread in
 * due-time order (ties in submission order), moving the clock to each task's due time first. {@link
 * #ticker()} reads the same clock.
 */
public final class FakeScheduler extends AbstractExecutorService
    implements ScheduledExecutorService {
  private final PriorityQueue<Task> queue = new PriorityQueue<>();
  private long nanos = 1_000_000_000L; // an arbitrary origin, like System.nanoTime()
  private long sequence;
  private boolean shutdown;
  private int rejectNext;
  private long latenessNanos;

  public Ticker ticker() {
    return () -> nanos;
  }

  /** Milliseconds since the start, for readable assertions. */
  public long millis() {
    return (nanos - 1_000_000_000L) / 1_000_000;
  }

  /** Runs every task due now, including tasks those tasks schedule with no delay. */
  public void runDue() {
    runUntil(nanos);
  }

  /** Moves the clock forward, running every task that falls due on the way. */
  public void advance(Duration duration) {
    runUntil(nanos + duration.toNanos());
  }

  /** Moves the clock forward to {@code millis()} == {@code target}. */
  public void advanceToMillis(long target) {
    runUntil(1_000_000_000L + target * 1_000_000);
  }

  private void runUntil(long target) {
    while (!queue.isEmpty() && queue.peek().due <= target) {
      Task task = queue.poll();
      nanos = Math.max(nanos, task.due);
      if (!task.cancelled) {
        task.done = true;
        task.command.run();
      }
    }
    nanos = Math.max(nanos, target);
  }

  /**
   * Runs every task scheduled with a delay this much after its time, as a busy machine's timer
   * thread wakes late.
   */
  public void lateBy(Duration lateness) {
    latenessNanos = lateness.toNanos();
  }

  /** Makes the next {@code count} schedule calls throw {@link RejectedExecutionException}. */
  public void rejectNext(int count) {
    rejectNext = count;
  }

  /** Tasks scheduled and not yet run or cancelled. */
  public int queued() {
    return (int) queue.stream().filter(t -> !t.cancelled).count();
  }

  @Override
  public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
    if (shutdown) {
      throw new RejectedExecutionException("FakeScheduler is shut down");
    }
    if (rejectNext > 0) {
      rejectNext--;
      throw new RejectedExecutionException("FakeScheduler rejects this task as asked");
    }
    long wait = Math.max(0, unit.toNanos(delay));
    Task task = new Task(command, nanos + wait + (wait > 0 ? latenessNanos : 0), sequence++);
    queue.add(task);
    return task;
  }

  @Override
  public void execute(Runnable command) {
    schedule(command, 0, TimeUnit.NANOSECONDS);
  }

  @Override
  public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
    throw new UnsupportedOperationException();
  }

  @Override
  public ScheduledFuture<?> scheduleAtFixedRate(
      Runnable command, long initialDelay, long period, TimeUnit unit) {
    throw new UnsupportedOperationException();
  }

  @Override
  public ScheduledFuture<?> scheduleWithFixedDelay(
      Runnable command, long initialDelay, long delay, TimeUnit unit) {
    long period = unit.toNanos(delay);
    // The handle is never queued; cancelling it stops the chain of runs.
    Task handle = new Task(command, nanos + unit.toNanos(initialDelay), -1);
    Runnable[] step = new Runnable[1];
    step[0] =
        () -> {
          if (!handle.cancelled && !shutdown) {
            command.run();
            schedule(step[0], period, TimeUnit.NANOSECONDS);
          }
        };
    schedule(step[0], initialDelay, unit);
    return handle;
  }

  @Override
  public void shutdown() {
    shutdown = true;
  }

  @Override
  public List<Runnable> shutdownNow() {
    shutdown = true;
    List<Runnable> left = new ArrayList<>();
    queue.forEach(t -> left.add(t.command));
    queue.clear();
    return left;
  }

  @Override
  public boolean isShutdown() {
    return shutdown;
  }

  @Override
  public boolean isTerminated() {
    return shutdown && queue.isEmpty();
  }

  @Override
  public boolean awaitTermination(long timeout, TimeUnit unit) {
    return isTerminated();
  }

  private final class Task implements ScheduledFuture<Object>, Comparable<Delayed> {
    final Runnable command;
    final long due;
    final long seq;
    boolean cancelled;
    boolean done;

    Task(Runnable command, long due, long seq) {
      this.command = command;
      this.due = due;
      this.seq = seq;
    }

    @Override
    public long getDelay(TimeUnit unit) {
      return unit.convert(due - nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public int compareTo(Delayed other) {
      Task o = (Task) other;
      int c = Long.compare(due, o.due);
      return c != 0 ? c : Long.compare(seq, o.seq);
    }

    @Override
    public boolean equals(Object other) {
      return this == other;
    }

    @Override
    public int hashCode() {
      return Long.hashCode(seq);
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
      if (done || cancelled) {
        return false;
      }
      cancelled = true;
      queue.remove(this);
      return true;
    }

    @Override
    public boolean isCancelled() {
      return cancelled;
    }

    @Override
    public boolean isDone() {
      return done || cancelled;
    }

    @Override
    public Object get() {
      return null;
    }

    @Override
    public Object get(long timeout, TimeUnit unit) {
      return null;
    }
  }
}
