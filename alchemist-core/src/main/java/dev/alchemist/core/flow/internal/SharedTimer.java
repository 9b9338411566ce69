package dev.alchemist.core.flow.internal;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;

/** The default timer: one daemon thread for every debouncer in the JVM, created on first use. */
final class SharedTimer {
  private SharedTimer() {}

  static ScheduledExecutorService get() {
    return Holder.TIMER;
  }

  private static final class Holder {
    static final ScheduledExecutorService TIMER = create();

    private static ScheduledExecutorService create() {
      ScheduledThreadPoolExecutor timer =
          new ScheduledThreadPoolExecutor(
              1,
              r -> {
                Thread t = new Thread(r, "alchemist-flow-timer");
                t.setDaemon(true);
                return t;
              });
      // Cancelled expiry tasks would otherwise wait out their delay in the queue.
      timer.setRemoveOnCancelPolicy(true);
      return timer;
    }
  }
}
