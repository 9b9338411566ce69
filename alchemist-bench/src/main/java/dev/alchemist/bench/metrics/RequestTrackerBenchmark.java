package dev.alchemist.bench.metrics;

import dev.alchemist.metrics.RequestTracker;
import dev.alchemist.metrics.RequestTrackerSettings;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Cost of {@link RequestTracker#track} around trivial work, next to the raw Micrometer calls it is
 * built on, all on one {@link PrometheusMeterRegistry} with the same histogram (percentile
 * histogram plus 100 ms and 500 ms SLO buckets):
 *
 * <ul>
 *   <li>{@code baseline}: the work alone;
 *   <li>{@code rawTimerRecord}: {@code Timer.record(Supplier)} on a pre-registered timer;
 *   <li>{@code rawTimerAndCounter}: the same plus {@code Counter.increment()}, which is what track
 *       records;
 *   <li>{@code track}: {@code tracker.track("dialog.create", work)};
 *   <li>{@code trackAsyncCompleted}: {@code trackAsync} on an already completed future.
 * </ul>
 *
 * <pre>
 * java -jar alchemist-bench/target/benchmarks.jar RequestTrackerBenchmark -f 1 -wi 2 -w 1s -i 3 -r 1s -prof gc
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RequestTrackerBenchmark {
  private PrometheusMeterRegistry registry;
  private RequestTracker tracker;
  private Timer timer;
  private Counter counter;
  private final Object payload = new Object();
  private final Supplier<Object> work = () -> payload;
  private final CompletableFuture<Object> done = CompletableFuture.completedFuture(payload);
  private final Supplier<CompletableFuture<Object>> asyncWork = () -> done;

  @Setup
  public void setUp() {
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    RequestTrackerSettings settings = RequestTrackerSettings.defaults();
    tracker = RequestTracker.create(registry, settings);
    timer =
        Timer.builder("bench.raw.time")
            .tags("operation", "dialog.create", "outcome", "success", "exception", "none")
            .publishPercentileHistogram()
            .serviceLevelObjectives(settings.serviceLevelObjectives().toArray(new Duration[0]))
            .minimumExpectedValue(settings.minimumExpected())
            .maximumExpectedValue(settings.maximumExpected())
            .register(registry);
    counter =
        Counter.builder("bench.raw.requests")
            .tags("operation", "dialog.create", "outcome", "success", "exception", "none")
            .register(registry);
    tracker.track("dialog.create", work); // register the tracker's meters before measuring
  }

  @TearDown
  public void tearDown() {
    registry.close();
  }

  @Benchmark
  public Object baseline() {
    return work.get();
  }

  @Benchmark
  public Object rawTimerRecord() {
    return timer.record(work);
  }

  @Benchmark
  public Object rawTimerAndCounter() {
    counter.increment();
    return timer.record(work);
  }

  @Benchmark
  public Object track() {
    return tracker.track("dialog.create", work);
  }

  @Benchmark
  public Object trackAsyncCompleted() {
    return tracker.trackAsync("dialog.create", asyncWork);
  }
}
