package dev.alchemist.examples.dialogserver;

import dev.alchemist.metrics.MeterNames;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import java.util.Collection;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Latency percentiles of every operation the {@link dev.alchemist.metrics.RequestTracker} records,
 * read from the histogram buckets it publishes ({@code alchemist.response.time}). A percentile is
 * the upper bound of the bucket it falls in, over the registry's histogram window: the same
 * estimate {@code histogram_quantile} makes from the Prometheus series.
 */
final class LatencyPercentiles {
  private final MeterRegistry registry;

  LatencyPercentiles(MeterRegistry registry) {
    this.registry = registry;
  }

  /** p50, p95 and p99 in milliseconds, all operations together; zeros before the first request. */
  double[] millis() {
    Collection<Timer> timers = registry.find(MeterNames.RESPONSE_TIME).timers();
    // Bucket upper bound (ns) -> count of recordings at or below it, summed over the timers.
    TreeMap<Double, Double> cumulative = new TreeMap<>();
    double total = 0;
    for (Timer timer : timers) {
      HistogramSnapshot snapshot = timer.takeSnapshot();
      total += snapshot.count();
      for (CountAtBucket bucket : snapshot.histogramCounts()) {
        cumulative.merge(bucket.bucket(TimeUnit.NANOSECONDS), bucket.count(), Double::sum);
      }
    }
    return new double[] {
      percentile(cumulative, total, 0.50),
      percentile(cumulative, total, 0.95),
      percentile(cumulative, total, 0.99)
    };
  }

  private static double percentile(TreeMap<Double, Double> cumulative, double total, double p) {
    if (total == 0) {
      return 0;
    }
    double rank = Math.ceil(p * total);
    for (var bucket : cumulative.entrySet()) {
      if (bucket.getValue() >= rank) {
        return bucket.getKey() / 1_000_000.0;
      }
    }
    // Above the highest bucket: report the highest bound rather than invent a value.
    return cumulative.isEmpty() ? 0 : cumulative.lastKey() / 1_000_000.0;
  }
}
