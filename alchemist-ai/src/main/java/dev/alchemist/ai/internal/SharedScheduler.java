package dev.alchemist.ai.internal;

import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The default timer of the AI module: one daemon thread for every stream's timeouts, retry delays
 * and chunk flush timers in the JVM, created on first use. Tasks on it are short; a subscriber's
 * code never runs on it (see {@link #delivery()}). The simulated model's tokens have a thread of
 * their own ({@link #simulatedModel()}).
 */
public final class SharedScheduler {
  private SharedScheduler() {}

  public static ScheduledExecutorService get() {
    return Holder.TIMER;
  }

  /**
   * The default executor for chunks released by a flush timer: a fixed pool of {@code max(4, 2 x
   * cores)} daemon threads. A subscriber that blocks in {@code onNext} holds one of its threads,
   * never the shared timer, so it cannot stop another stream's flushes. The pool is bounded: a
   * cached pool grows a thread for every stream delivering at the same moment, which with a
   * thousand streams on two cores costs more in threads and switches than the flushes themselves.
   * Hosts whose subscribers block give the streamer an executor of their own.
   */
  public static Executor delivery() {
    return DeliveryHolder.POOL;
  }

  private static final class DeliveryHolder {
    static final Executor POOL =
        Executors.newFixedThreadPool(
            Math.max(4, 2 * Runtime.getRuntime().availableProcessors()),
            new ThreadFactory() {
              private final AtomicInteger count = new AtomicInteger();

              @Override
              public Thread newThread(Runnable r) {
                Thread t = new Thread(r, "alchemist-ai-delivery-" + count.incrementAndGet());
                t.setDaemon(true);
                return t;
              }
            });
  }

  /**
   * The default timer of {@code SimulatedChatModel}'s tokens: one daemon thread of its own, so that
   * a simulated model server's work stays off the SDK's timer, as a real server's does.
   */
  public static ScheduledExecutorService simulatedModel() {
    return SimulatedHolder.TIMER;
  }

  private static final class SimulatedHolder {
    static final ScheduledExecutorService TIMER = timer("alchemist-ai-simulated-model");
  }

  private static final class Holder {
    static final ScheduledExecutorService TIMER = timer("alchemist-ai-timer");
  }

  private static ScheduledExecutorService timer(String name) {
    ScheduledThreadPoolExecutor timer =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread t = new Thread(r, name);
              t.setDaemon(true);
              return t;
            });
    // Watchdogs are cancelled at every stream end; keep the queue to the live ones.
    timer.setRemoveOnCancelPolicy(true);
    return timer;
  }
}
