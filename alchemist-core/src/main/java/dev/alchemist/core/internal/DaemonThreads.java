package dev.alchemist.core.internal;

import dev.alchemist.core.Checks;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads the Alchemist modules create when the host injects no executor: all of them daemons,
 * so that a host which forgets a {@code close()} still exits, and all named {@code prefix-N}, so a
 * thread dump says which component owns them. The host's own executors are never wrapped.
 *
 * <p><b>Unsupported:</b> internal to the Alchemist modules.
 */
public final class DaemonThreads {
  private DaemonThreads() {}

  /**
   * A factory of daemon threads named {@code prefix-1}, {@code prefix-2}, ...
   *
   * @throws IllegalArgumentException if {@code prefix} is blank
   */
  public static ThreadFactory named(String prefix) {
    Checks.notBlank("prefix", prefix);
    AtomicInteger count = new AtomicInteger();
    return task -> {
      Thread thread = new Thread(task, prefix + "-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }

  /** One daemon thread per core, at least 2: the default pool of a component that runs handlers. */
  public static int defaultPoolSize() {
    return Math.max(2, Runtime.getRuntime().availableProcessors());
  }

  /**
   * A fixed pool of {@code threads} daemon threads named {@code prefix-N}.
   *
   * @throws IllegalArgumentException if {@code threads} is below 1 or {@code prefix} is blank
   */
  public static ExecutorService fixedPool(String prefix, int threads) {
    Checks.inRange("threads", threads, 1, Integer.MAX_VALUE);
    return Executors.newFixedThreadPool(threads, named(prefix));
  }

  /**
   * A scheduler with one daemon thread named {@code prefix-1} that removes cancelled tasks at once
   * (a cancelled timeout would otherwise wait out its delay in the queue). For a component that
   * owns its timer; components that share one use {@link SharedScheduler#get()}.
   */
  public static ScheduledExecutorService scheduler(String prefix) {
    ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1, named(prefix));
    scheduler.setRemoveOnCancelPolicy(true);
    return scheduler;
  }
}
