package dev.alchemist.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.alchemist.metrics.PrometheusApi.Alert;
import dev.alchemist.testing.PrivatePrometheus;
import io.micrometer.core.instrument.Counter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every shipped alert fires on the real fault it is about, through a real Prometheus evaluating the
 * shipped expressions, and resolves once the fault ends and traffic goes on. The rules are the
 * shipped file with every {@code for:} shortened to {@value #FOR} ({@link AlertRules#withFor}), and
 * Prometheus evaluates them every second.
 *
 * <p>The shipped rates look back 5 minutes, so after a fault the test sends enough healthy traffic
 * that the fault's share of the window falls below the threshold, rather than waiting 5 minutes.
 */
class PrometheusAlertsIT {
  private static final String FOR = "2s";

  /**
   * Per alert, the label that says what it is about (null: the application alone). Every shipped
   * alert must be here: an alert no fault of this test can fire is not shipped.
   */
  private static final Map<String, String> SUBJECT_LABEL = new LinkedHashMap<>();

  static {
    SUBJECT_LABEL.put("AlchemistResponseTimeSloBreach", "operation");
    SUBJECT_LABEL.put("AlchemistResponseTimeP95High", "operation");
    SUBJECT_LABEL.put("AlchemistErrorRateHigh", "operation");
    SUBJECT_LABEL.put("AlchemistFirstTokenSloBreach", null);
    SUBJECT_LABEL.put("AlchemistCacheErrors", "cache");
    SUBJECT_LABEL.put("AlchemistNatsConsumerLag", "consumer");
    SUBJECT_LABEL.put("AlchemistDbPoolExhausted", "pool");
    SUBJECT_LABEL.put("AlchemistHeapAboveTarget", "instance");
  }

  private static final Map<String, String> EXPECTED_SUBJECT =
      Map.of(
          "AlchemistResponseTimeSloBreach", LoadedApplication.SLOWED,
          "AlchemistResponseTimeP95High", LoadedApplication.SLOWED,
          "AlchemistErrorRateHigh", LoadedApplication.FAILING,
          "AlchemistNatsConsumerLag", "indexer",
          "AlchemistDbPoolExhausted", "store");

  @TempDir Path directory;

  private LoadedApplication app;
  private PrivatePrometheus prometheus;

  @AfterEach
  void stop() {
    if (prometheus != null) {
      prometheus.close();
    }
    if (app != null) {
      app.close();
    }
  }

  @Test
  void everyShippedAlert_firesOnItsRealFault_andResolvesAfterIt() throws Exception {
    Map<String, JsonNode> shipped = AlertRules.byAlert(AlertRules.shipped(directory));
    Path testRules = AlertRules.withFor(directory, FOR);
    Map<String, JsonNode> loaded = AlertRules.byAlert(testRules);
    assertThat(shipped.keySet()).containsExactlyElementsOf(SUBJECT_LABEL.keySet());
    shipped.forEach(
        (name, rule) ->
            assertThat(loaded.get(name).path("expr").asText())
                .as("expression of %s in the test copy", name)
                .isEqualTo(rule.path("expr").asText()));

    app = new LoadedApplication();
    prometheus = PrivatePrometheus.builder().target(app.uri()).ruleFile(testRules).start();
    PrometheusApi api = new PrometheusApi(prometheus);

    // Healthy traffic first: long enough for every rate window to have samples, and no alert.
    long warmUpEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(6);
    while (System.nanoTime() - warmUpEnd < 0) {
      paced();
    }
    app.awaitStreams();
    assertThat(ours(api.alerts())).as("alerts on healthy traffic").isEmpty();

    // Every fault at once: they are independent, and one wait for all keeps the test short.
    long faultStart = System.nanoTime();
    app.slowReplies(true);
    app.failingSends(true);
    app.slowModel(true);
    app.killRedis();
    app.stopConsumer();
    app.publish(11_000); // more than the 10 000 pending the lag alert allows
    app.exhaustPool();
    app.leakHeap(600);
    Map<String, Long> firedAfterMillis = new TreeMap<>();
    int faultRounds = 0;
    long deadline = faultStart + TimeUnit.SECONDS.toNanos(90);
    while (firedAfterMillis.size() < SUBJECT_LABEL.size() && System.nanoTime() - deadline < 0) {
      paced();
      faultRounds++;
      for (Alert alert : ours(api.alerts())) {
        if ("firing".equals(alert.state())) {
          firedAfterMillis.putIfAbsent(
              alert.name(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - faultStart));
          checkSubject(alert);
        }
      }
    }
    System.out.println("fired after (ms, for: " + FOR + "): " + firedAfterMillis);
    assertThat(firedAfterMillis.keySet())
        .as("alerts firing on their faults")
        .containsExactlyInAnyOrderElementsOf(SUBJECT_LABEL.keySet());
    // Their for: plus a few scrapes and evaluations (and the 11 000 publishes), not minutes.
    assertThat(firedAfterMillis.values()).allSatisfy(ms -> assertThat(ms).isLessThan(30_000));

    // The faults end; traffic goes on, more of it than during the faults.
    long faultEnd = System.nanoTime();
    app.slowReplies(false);
    app.failingSends(false);
    app.slowModel(false);
    app.restartRedis();
    app.resumeConsumer();
    app.releasePool();
    app.releaseHeap();
    app.awaitStreams();
    awaitCacheWithoutErrors();
    int healthy = Math.max(1_000, 40 * faultRounds);
    app.replyBurst(healthy);
    app.sendBurst(healthy);
    app.cacheBurst(3 * healthy);
    app.streamBurst(25 * faultRounds);
    Map<String, Long> resolvedAfterMillis = new TreeMap<>();
    deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    List<Alert> active = ours(api.alerts());
    while (!active.isEmpty() && System.nanoTime() - deadline < 0) {
      paced();
      active = ours(api.alerts());
      for (String name : SUBJECT_LABEL.keySet()) {
        if (active.stream().noneMatch(a -> a.name().equals(name))) {
          resolvedAfterMillis.putIfAbsent(
              name, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - faultEnd));
        }
      }
    }
    System.out.println("resolved after the fault ended (ms): " + resolvedAfterMillis);
    assertThat(active).as("alerts still active after their faults ended").isEmpty();
  }

  /** One round of traffic, about ten a second, as a steady service would see. */
  private void paced() throws Exception {
    long start = System.nanoTime();
    app.round();
    long left = 100 - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    if (left > 0) {
      Thread.sleep(left);
    }
  }

  /** Rounds until one meets no Redis error: the restarted Redis is reachable again. */
  private void awaitCacheWithoutErrors() throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      double before = cacheErrors();
      paced();
      if (cacheErrors() == before) {
        return;
      }
      assertThat(System.nanoTime() - deadline).as("Redis reachable again within 30 s").isNegative();
    }
  }

  private double cacheErrors() {
    return app.metrics.registry().find("alchemist.cache.errors").counters().stream()
        .mapToDouble(Counter::count)
        .sum();
  }

  private static List<Alert> ours(List<Alert> alerts) {
    return alerts.stream()
        .filter(a -> LoadedApplication.APPLICATION.equals(a.labels().get("application")))
        .toList();
  }

  private static void checkSubject(Alert alert) {
    String label = SUBJECT_LABEL.get(alert.name());
    assertThat(label == null || alert.labels().containsKey(label))
        .as("alert %s carries label %s: %s", alert.name(), label, alert.labels())
        .isTrue();
    String expected = EXPECTED_SUBJECT.get(alert.name());
    if (expected != null) {
      assertThat(alert.labels()).as("alert %s", alert.name()).containsEntry(label, expected);
    }
  }
}
