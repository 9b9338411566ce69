package dev.alchemist.nats.internal;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** Thread pools the components create when the host injects none; all threads are daemons. */
public final class Executors2 {
  private Executors2() {}

  /** A fixed pool of one thread per core, at least 2, named {@code name-N}. */
  public static ExecutorService pool(String name) {
    int threads = Math.max(2, Runtime.getRuntime().availableProcessors());
    return Executors.newFixedThreadPool(threads, daemon(name));
  }

  /** A one-thread scheduler that removes cancelled tasks at once. */
  public static ScheduledExecutorService scheduler(String name) {
    ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1, daemon(name));
    scheduler.setRemoveOnCancelPolicy(true);
    return scheduler;
  }

  static ThreadFactory daemon(String name) {
    AtomicInteger count = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, name + "-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }
}
