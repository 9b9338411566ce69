package dev.alchemist.examples.dialog;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import java.util.Collection;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Quantiles of Micrometer timers read from their histogram buckets, interpolated linearly inside a
 * bucket exactly as Prometheus' {@code histogram_quantile} does, so the summary shows what a
 * Grafana panel over the same series would show. Immutable.
 *
 * @param count recordings
 * @param p50Millis median in milliseconds (NaN without recordings)
 * @param p99Millis 99th percentile in milliseconds (NaN without recordings)
 * @param maxMillis largest recording in the timer's current window, in milliseconds
 */
public record Latency(long count, double p50Millis, double p99Millis, double maxMillis) {

  /** No recordings. */
  public static final Latency NONE = new Latency(0, Double.NaN, Double.NaN, Double.NaN);

  /** The successful calls of a {@code RequestTracker} operation. */
  public static Latency ofOperation(MeterRegistry registry, String operation) {
    return of(
        registry
            .find("alchemist.response.time")
            .tags(List.of(Tag.of("operation", operation), Tag.of("outcome", "success")))
            .timers());
  }

  /**
   * All timers of this name merged (for example every model's {@code alchemist.ai.first.chunk}).
   */
  public static Latency ofTimer(MeterRegistry registry, String name) {
    return of(registry.find(name).timers());
  }

  /** Merges the timers' buckets and reads p50 and p99 from them. */
  public static Latency of(Collection<Timer> timers) {
    TreeMap<Double, Double> cumulative = new TreeMap<>();
    long count = 0;
    double max = 0;
    for (Timer t : timers) {
      HistogramSnapshot s = t.takeSnapshot();
      count += s.count();
      max = Math.max(max, s.max(TimeUnit.MILLISECONDS));
      for (CountAtBucket b : s.histogramCounts()) {
        cumulative.merge(b.bucket(TimeUnit.MILLISECONDS), b.count(), Double::sum);
      }
    }
    if (count == 0) {
      return NONE;
    }
    return new Latency(
        count, quantile(cumulative, count, 0.50, max), quantile(cumulative, count, 0.99, max), max);
  }

  /**
   * {@code histogram_quantile}: find the first bucket whose cumulative count reaches {@code q *
   * count} and interpolate between its lower and upper bound. Values above the last bucket answer
   * the largest recording.
   */
  static double quantile(TreeMap<Double, Double> cumulative, long count, double q, double max) {
    double rank = q * count;
    double lowerBound = 0;
    double lowerCount = 0;
    for (var e : cumulative.entrySet()) {
      double upper = e.getKey();
      double c = e.getValue();
      if (c >= rank) {
        double inBucket = c - lowerCount;
        double v =
            inBucket <= 0
                ? upper
                : lowerBound + (upper - lowerBound) * ((rank - lowerCount) / inBucket);
        // Never report more than was recorded: the bucket's upper edge can be far above it.
        return Math.min(v, max);
      }
      lowerBound = upper;
      lowerCount = c;
    }
    return max;
  }
}
