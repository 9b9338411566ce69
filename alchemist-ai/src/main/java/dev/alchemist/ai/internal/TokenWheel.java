package dev.alchemist.ai.internal;

import dev.alchemist.core.Checks;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The default token clock of the simulated model: a timing wheel of 1 ms slots turned by one daemon
 * thread.
 *
 * <p>Why not a {@code ScheduledExecutorService}: a thousand simulated streams at 50 tokens/s are
 * 50,000 timer tasks a second, and each one on a {@code ScheduledThreadPoolExecutor} pays a heap
 * insertion and removal under its lock over a thousand pending tasks, plus a wake-up of its thread
 * whenever the new task is the earliest. Profiles of the load scenario put that at a fifth of the
 * model thread's time, CPU that a model server would spend on its own machine, not on the
 * service's. Here scheduling is a lock-free queue offer, and the thread wakes once a millisecond
 * while anything is pending, whatever the number of tasks, and parks when nothing is.
 *
 * <p>A task never runs before its deadline, and runs in the first tick after it (about 1 ms late at
 * most on an idle machine). Tasks run on the wheel's thread, one at a time; one that throws is
 * logged and the wheel goes on.
 */
final class TokenWheel {
  private static final Logger LOG = LoggerFactory.getLogger(TokenWheel.class);
  private static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
  private static final int SLOTS = 512; // a power of two: 512 ms of deadlines per turn of the wheel

  /** A scheduled task; {@link #cancel()} keeps it from running if it has not run yet. */
  static final class Timeout {
    final Runnable task;
    final long deadline;
    private volatile boolean cancelled;
    private Timeout next; // the slot's list, owned by the wheel's thread

    private Timeout(Runnable task, long deadline) {
      this.task = task;
      this.deadline = deadline;
    }

    void cancel() {
      cancelled = true;
    }
  }

  private final ConcurrentLinkedQueue<Timeout> inbox = new ConcurrentLinkedQueue<>();
  private final Timeout[] slots = new Timeout[SLOTS];
  private final Thread thread;
  private final long origin = System.nanoTime();
  private volatile boolean idle;
  private long pending; // tasks in the slots; the wheel's thread only
  private long tick; // the last tick processed; the wheel's thread only

  TokenWheel(String threadName) {
    Checks.notBlank("threadName", threadName);
    thread = new Thread(this::turn, threadName);
    thread.setDaemon(true);
    thread.start();
  }

  /** Runs {@code task} on the wheel's thread once {@code delayNanos} have passed. */
  Timeout schedule(Runnable task, long delayNanos) {
    Timeout t = new Timeout(task, System.nanoTime() + Math.max(0, delayNanos));
    inbox.offer(t);
    // Read after the offer, as the thread writes idle before it re-checks the inbox: one of the
    // two sees the other, so a task never waits in the inbox of a parked wheel.
    if (idle) {
      LockSupport.unpark(thread);
    }
    return t;
  }

  /** Whether the wheel's thread is parked with nothing pending (for tests). */
  boolean isIdle() {
    return idle;
  }

  private void turn() {
    while (true) {
      if (pending == 0 && inbox.isEmpty()) {
        idle = true;
        if (inbox.isEmpty()) {
          LockSupport.park(this);
        }
        idle = false;
        // Nothing was pending while parked, so no tick was missed: start from now.
        tick = tickOf(System.nanoTime()) - 1;
        continue;
      }
      long now = System.nanoTime();
      long nextTickAt = origin + (tick + 1) * TICK_NANOS;
      if (now < nextTickAt) {
        LockSupport.parkNanos(this, nextTickAt - now);
        continue;
      }
      transferInbox();
      // Every tick that has passed, in order: after a late wake-up (the machine busy) the tasks of
      // the ticks missed run now, oldest first.
      long last = tickOf(now);
      while (tick < last) {
        tick++;
        runSlot(tick, now);
      }
    }
  }

  private long tickOf(long nanos) {
    return (nanos - origin) / TICK_NANOS;
  }

  private void transferInbox() {
    Timeout t;
    while ((t = inbox.poll()) != null) {
      // The first tick at or after its deadline, and never one already processed.
      long due = Math.max(tick + 1, -Math.floorDiv(-(t.deadline - origin), TICK_NANOS));
      int slot = (int) (due & (SLOTS - 1));
      t.next = slots[slot];
      slots[slot] = t;
      pending++;
    }
  }

  private void runSlot(long tickNow, long now) {
    int slot = (int) (tickNow & (SLOTS - 1));
    Timeout t = slots[slot];
    slots[slot] = null;
    while (t != null) {
      Timeout next = t.next;
      t.next = null;
      if (t.cancelled) {
        pending--;
      } else if (t.deadline > now) {
        // A deadline a whole turn or more away: back into its slot for the next turn.
        t.next = slots[slot];
        slots[slot] = t;
      } else {
        pending--;
        run(t.task);
      }
      t = next;
    }
  }

  private static void run(Runnable task) {
    try {
      task.run();
    } catch (RuntimeException | Error e) {
      LOG.warn("simulated model token task failed; the token clock goes on", e);
    }
  }
}
