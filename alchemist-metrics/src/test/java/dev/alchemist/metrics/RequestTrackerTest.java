package dev.alchemist.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MockClock;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class RequestTrackerTest {
  private final MockClock clock = new MockClock();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry(SimpleConfig.DEFAULT, clock);
  private final RequestTracker tracker = RequestTracker.create(registry);

  private Timer timer(String operation, String outcome, String exception) {
    return registry
        .get(MeterNames.RESPONSE_TIME)
        .tags(
            MeterNames.OPERATION,
            operation,
            MeterNames.OUTCOME,
            outcome,
            MeterNames.EXCEPTION,
            exception)
        .timer();
  }

  private Counter counter(String operation, String outcome, String exception) {
    return registry
        .get(MeterNames.REQUESTS)
        .tags(
            MeterNames.OPERATION,
            operation,
            MeterNames.OUTCOME,
            outcome,
            MeterNames.EXCEPTION,
            exception)
        .counter();
  }

  @Test
  void track_supplierSucceeds_returnsValueAndRecordsDurationAndCount() {
    String value =
        tracker.track(
            "dialog.create",
            () -> {
              clock.add(Duration.ofMillis(42));
              return "ok";
            });

    assertThat(value).isEqualTo("ok");
    Timer t = timer("dialog.create", "success", "none");
    assertThat(t.count()).isEqualTo(1);
    assertThat(t.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(42.0);
    assertThat(counter("dialog.create", "success", "none").count()).isEqualTo(1.0);
  }

  @Test
  void track_supplierThrows_rethrowsSameExceptionAndRecordsErrorWithSimpleClassName() {
    IllegalStateException boom = new IllegalStateException("boom");

    assertThatThrownBy(
            () ->
                tracker.track(
                    "dialog.create",
                    () -> {
                      clock.add(Duration.ofMillis(7));
                      throw boom;
                    }))
        .isSameAs(boom);

    Timer t = timer("dialog.create", "error", "IllegalStateException");
    assertThat(t.count()).isEqualTo(1);
    assertThat(t.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(7.0);
    assertThat(counter("dialog.create", "error", "IllegalStateException").count()).isEqualTo(1.0);
    // The success series exists from an operation's first call, at zero, so rate ratios work.
    assertThat(counter("dialog.create", "success", "none").count()).isZero();
  }

  @Test
  void track_runnable_recordsSuccess() {
    AtomicBoolean ran = new AtomicBoolean();

    tracker.track("cache.warm", () -> ran.set(true));

    assertThat(ran).isTrue();
    assertThat(timer("cache.warm", "success", "none").count()).isEqualTo(1);
  }

  @Test
  void trackCallable_checkedException_rethrowsAndRecordsError() {
    IOException io = new IOException("disk");

    assertThatThrownBy(
            () ->
                tracker.trackCallable(
                    "store.load",
                    () -> {
                      throw io;
                    }))
        .isSameAs(io);

    assertThat(counter("store.load", "error", "IOException").count()).isEqualTo(1.0);
  }

  @Test
  void trackCallable_success_returnsValue() throws Exception {
    assertThat(tracker.trackCallable("store.load", () -> 5)).isEqualTo(5);
    assertThat(counter("store.load", "success", "none").count()).isEqualTo(1.0);
  }

  @Test
  void trackAsync_futureCompletesLater_recordsTimeUntilCompletionBeforeResultCompletes() {
    CompletableFuture<String> work = new CompletableFuture<>();

    CompletableFuture<String> result = tracker.trackAsync("model.reply", () -> work);
    assertThat(registry.find(MeterNames.RESPONSE_TIME).timer()).isNotNull();
    assertThat(timer("model.reply", "success", "none").count()).isZero();
    clock.add(Duration.ofMillis(300));
    work.complete("hi");

    assertThat(result.join()).isEqualTo("hi");
    Timer t = timer("model.reply", "success", "none");
    assertThat(t.count()).isEqualTo(1);
    assertThat(t.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(300.0);
  }

  @Test
  void trackAsync_futureFailsWithCompletionException_recordsTheCauseClass() {
    CompletableFuture<String> work = new CompletableFuture<>();
    CompletableFuture<String> result = tracker.trackAsync("model.reply", () -> work);

    work.completeExceptionally(new CompletionException(new ArithmeticException("x")));

    assertThatThrownBy(result::join).hasRootCauseInstanceOf(ArithmeticException.class);
    assertThat(counter("model.reply", "error", "ArithmeticException").count()).isEqualTo(1.0);
  }

  @Test
  void trackAsync_resultCancelled_cancelsWorkAndRecordsCancellation() {
    CompletableFuture<String> work = new CompletableFuture<>();
    CompletableFuture<String> result = tracker.trackAsync("model.reply", () -> work);

    result.cancel(true);

    assertThat(work).isCancelled();
    assertThat(counter("model.reply", "error", "CancellationException").count()).isEqualTo(1.0);
    assertThatThrownBy(result::join).isInstanceOf(CancellationException.class);
  }

  @Test
  void trackAsync_supplierThrows_rethrowsAndRecordsError() {
    assertThatThrownBy(
            () ->
                tracker.<String>trackAsync(
                    "model.reply",
                    () -> {
                      throw new UnsupportedOperationException("no model");
                    }))
        .isInstanceOf(UnsupportedOperationException.class);

    assertThat(counter("model.reply", "error", "UnsupportedOperationException").count())
        .isEqualTo(1.0);
  }

  @Test
  void trackAsync_supplierReturnsNull_throwsNullPointerAndRecordsError() {
    assertThatThrownBy(() -> tracker.<String>trackAsync("model.reply", () -> null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("null stage");

    assertThat(counter("model.reply", "error", "NullPointerException").count()).isEqualTo(1.0);
  }

  @Test
  void track_moreOperationsThanMax_collapsesLaterOnesIntoOther() {
    RequestTracker small =
        RequestTracker.create(registry, RequestTrackerSettings.builder().maxOperations(2).build());

    small.track("a", () -> {});
    small.track("b", () -> {});
    small.track("c", () -> {});
    small.track("d", () -> {});
    small.track("a", () -> {});

    assertThat(small.operations()).isEqualTo(2);
    assertThat(timer("a", "success", "none").count()).isEqualTo(2);
    assertThat(timer("b", "success", "none").count()).isEqualTo(1);
    assertThat(timer("other", "success", "none").count()).isEqualTo(2);
    assertThat(registry.find(MeterNames.RESPONSE_TIME).tag("operation", "c").timer()).isNull();
    assertThat(registry.find(MeterNames.RESPONSE_TIME).tag("operation", "d").timer()).isNull();
  }

  @Test
  void track_operationWithUuid_refusedBeforeWorkRuns() {
    AtomicBoolean ran = new AtomicBoolean();

    assertThatThrownBy(
            () -> tracker.track("dialog.3f2504e0-4f89-11d3-9a0c-0305e82c3301", () -> ran.set(true)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("contains a UUID");

    assertThat(ran).isFalse();
    assertThat(registry.getMeters()).isEmpty();
  }

  @Test
  void track_blankOrTooLongOperation_refused() {
    assertThatThrownBy(() -> tracker.track(" ", () -> {}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("operation must not be blank but was ' '");
    assertThatThrownBy(() -> tracker.track("x".repeat(129), () -> {}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("operation must be at most 128 characters but was 129");
    assertThat(registry.getMeters()).isEmpty();
  }

  @Test
  void track_anonymousExceptionClass_taggedWithBinaryNameSuffix() {
    RuntimeException anonymous = new RuntimeException() {};

    assertThatThrownBy(
            () ->
                tracker.track(
                    "x",
                    () -> {
                      throw anonymous;
                    }))
        .isSameAs(anonymous);

    assertThat(counter("x", "error", "RequestTrackerTest$1").count()).isEqualTo(1.0);
  }

  @Test
  void track_onPrometheus_publishesSloBucketsAndHistogram() {
    PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    RequestTracker onPrometheus = RequestTracker.create(prometheus);

    onPrometheus.track("dialog.create", () -> {});
    String scrape = prometheus.scrape();

    assertThat(scrape)
        .contains("alchemist_requests_total{")
        .contains("alchemist_response_time_seconds_bucket{")
        .contains("le=\"0.1\"")
        .contains("le=\"0.5\"")
        .contains("alchemist_response_time_seconds_max{");
    long buckets =
        scrape.lines().filter(l -> l.startsWith("alchemist_response_time_seconds_bucket{")).count();
    assertThat(buckets).as("percentile histogram buckets").isGreaterThan(20);
    prometheus.close();
  }

  @Test
  void track_histogramOff_publishesOnlySloBuckets() {
    PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    RequestTracker sloOnly =
        RequestTracker.create(
            prometheus,
            RequestTrackerSettings.builder()
                .percentileHistogram(false)
                .serviceLevelObjectives(Duration.ofMillis(250))
                .build());

    sloOnly.track("dialog.create", () -> {});

    assertThat(
            prometheus
                .scrape()
                .lines()
                .filter(l -> l.startsWith("alchemist_response_time_seconds_bucket{")))
        .hasSize(2) // 0.25 and +Inf
        .anySatisfy(l -> assertThat(l).contains("le=\"0.25\""));
    prometheus.close();
  }

  @Test
  void track_manyThreadsRacingNewNames_neverExceedMaxOperations() throws Exception {
    RequestTracker capped =
        RequestTracker.create(registry, RequestTrackerSettings.builder().maxOperations(10).build());
    int threads = 4;
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        done.add(
            pool.submit(
                () -> {
                  start.await();
                  for (int i = 0; i < 25; i++) {
                    capped.track("op-" + thread + "-" + i, () -> {});
                  }
                  return null;
                }));
      }
      start.countDown();
      for (Future<?> f : done) {
        f.get(30, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }

    assertThat(capped.operations()).isEqualTo(10);
    assertThat(
            registry.find(MeterNames.REQUESTS).counters().stream()
                .map(c -> c.getId().getTag(MeterNames.OPERATION))
                .distinct())
        .hasSize(11); // 10 names + other
    double total =
        registry.find(MeterNames.REQUESTS).counters().stream().mapToDouble(Counter::count).sum();
    assertThat(total).isEqualTo(100.0);
  }
}
