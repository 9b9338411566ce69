package dev.alchemist.bench.flow;

import dev.alchemist.core.flow.DebounceSettings;
import dev.alchemist.core.flow.DebouncedUpdater;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * Runs a real 16 ms (60 Hz) {@link DebouncedUpdater} for a few seconds while a producer thread
 * updates it every 100 µs (10,000 updates/s), and reports how far the intervals between deliveries
 * deviate from 16 ms: mean, p50, p99 and max of |interval - 16 ms|.
 *
 * <pre>
 * java -cp alchemist-bench/target/benchmarks.jar dev.alchemist.bench.flow.DeliveryJitter [seconds]
 * </pre>
 */
public final class DeliveryJitter {
  private DeliveryJitter() {}

  public static void main(String[] args) throws InterruptedException {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    Duration interval = Duration.ofMillis(16);
    long[] deliveredAt = new long[seconds * 100 + 100];
    int[] count = new int[1];
    AtomicBoolean running = new AtomicBoolean(true);

    DebounceSettings settings =
        DebounceSettings.builder().name("jitter").interval(interval).build();
    DebouncedUpdater<Long> updater =
        DebouncedUpdater.create(
            settings,
            v -> {
              if (count[0] < deliveredAt.length) {
                deliveredAt[count[0]++] = System.nanoTime();
              }
            });

    Thread producer =
        new Thread(
            () -> {
              long i = 0;
              while (running.get()) {
                updater.update(i++);
                LockSupport.parkNanos(100_000);
              }
            },
            "jitter-producer");
    producer.start();
    Thread.sleep(seconds * 1000L);
    running.set(false);
    producer.join();
    updater.close();

    int n = count[0];
    double[] deviationMs = new double[Math.max(0, n - 2)];
    double sumInterval = 0;
    // Skip the first interval: it includes the leading-edge start-up.
    for (int i = 2; i < n; i++) {
      double ms = (deliveredAt[i] - deliveredAt[i - 1]) / 1e6;
      sumInterval += ms;
      deviationMs[i - 2] = Math.abs(ms - interval.toNanos() / 1e6);
    }
    Arrays.sort(deviationMs);
    int m = deviationMs.length;
    System.out.printf(
        Locale.ROOT,
        "deliveries=%d over %ds, updates=%d, mean interval=%.3f ms%n",
        n,
        seconds,
        updater.stats().received(),
        m == 0 ? 0 : sumInterval / m);
    System.out.printf(
        Locale.ROOT,
        "|interval - 16 ms|: mean=%.3f ms p50=%.3f ms p99=%.3f ms max=%.3f ms%n",
        Arrays.stream(deviationMs).average().orElse(0),
        percentile(deviationMs, 0.50),
        percentile(deviationMs, 0.99),
        m == 0 ? 0 : deviationMs[m - 1]);
  }

  private static double percentile(double[] sorted, double q) {
    if (sorted.length == 0) {
      return 0;
    }
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)];
  }
}
