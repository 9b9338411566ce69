package dev.alchemist.ai.internal;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;

/**
 * The default timer of the AI module: one daemon thread for every stream's timeouts, retry delays,
 * chunk flushes and simulated tokens in the JVM, created on first use. Tasks on it are short.
 */
public final class SharedScheduler {
  private SharedScheduler() {}

  public static ScheduledExecutorService get() {
    return Holder.TIMER;
  }

  private static final class Holder {
    static final ScheduledExecutorService TIMER = create();

    private static ScheduledExecutorService create() {
      ScheduledThreadPoolExecutor timer =
          new ScheduledThreadPoolExecutor(
              1,
              r -> {
                Thread t = new Thread(r, "alchemist-ai-timer");
                t.setDaemon(true);
                return t;
              });
      // Watchdogs are cancelled at every stream end; keep the queue to the live ones.
      timer.setRemoveOnCancelPolicy(true);
      return timer;
    }
  }
}
