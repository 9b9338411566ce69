package dev.alchemist.examples.dialog;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The dialog service's threads: a bounded pool for what blocks (opening a history after a cache
 * miss, a publish under JetStream back-pressure, the load driver's users) and a small pool of its
 * own for steps that never block, which would otherwise wait behind a burst of blocking work. No
 * thread per dialog. Each task's wait for a thread is recorded in {@link
 * DialogService#WORKER_WAIT_TIMER}, tagged {@code pool=blocking} or {@code pool=steps}.
 *
 * <p>Thread-safe. {@link #close()} stops both pools; queued tasks are dropped.
 */
final class DialogPools implements AutoCloseable {
  private final ExecutorService blockingPool;
  private final ExecutorService stepPool;
  private final Executor blocking;
  private final Executor steps;

  DialogPools(MeterRegistry registry) {
    int cores = Runtime.getRuntime().availableProcessors();
    blockingPool = Executors.newFixedThreadPool(Math.max(8, 4 * cores), daemon("dialog-worker"));
    stepPool = Executors.newFixedThreadPool(cores, daemon("dialog-step"));
    blocking = timed(blockingPool, registry, "blocking");
    steps = timed(stepPool, registry, "steps");
  }

  /** The pool for blocking work, as the service hands it to the load driver. */
  ExecutorService blockingPool() {
    return blockingPool;
  }

  /** Blocking work, timed. */
  Executor blocking() {
    return blocking;
  }

  /** Steps that never block, timed. */
  Executor steps() {
    return steps;
  }

  @Override
  public void close() {
    stepPool.shutdown();
    blockingPool.shutdown();
  }

  /** {@code pool}, recording each task's wait for a thread. */
  private static Executor timed(ExecutorService pool, MeterRegistry registry, String name) {
    Timer wait =
        Timer.builder(DialogService.WORKER_WAIT_TIMER)
            .description("Time a dialog step waited for a thread of its pool")
            .tag("pool", name)
            .publishPercentileHistogram()
            .register(registry);
    return task -> {
      long queued = System.nanoTime();
      pool.execute(
          () -> {
            wait.record(System.nanoTime() - queued, TimeUnit.NANOSECONDS);
            task.run();
          });
    };
  }

  private static ThreadFactory daemon(String name) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
