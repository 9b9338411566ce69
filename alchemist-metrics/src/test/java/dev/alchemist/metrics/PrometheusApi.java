package dev.alchemist.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.alchemist.testing.PrivatePrometheus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** Reads the answers of a real Prometheus' HTTP API (query, alerts, labels, targets). */
final class PrometheusApi {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One series of an instant vector. */
  record Series(Map<String, String> labels, double value) {}

  /** One active alert: state {@code pending} or {@code firing}. */
  record Alert(String name, String state, Map<String, String> labels) {}

  private final PrivatePrometheus prometheus;

  PrometheusApi(PrivatePrometheus prometheus) {
    this.prometheus = prometheus;
  }

  /** Evaluates {@code promql} now; it must answer {@code success} with an instant vector. */
  List<Series> vector(String promql) {
    JsonNode data = data(prometheus.query(promql), promql);
    if (!"vector".equals(data.path("resultType").asText())) {
      throw new AssertionError(promql + " answered " + data.path("resultType") + ", not a vector");
    }
    List<Series> series = new ArrayList<>();
    for (JsonNode item : data.path("result")) {
      series.add(new Series(labels(item.path("metric")), item.path("value").path(1).asDouble()));
    }
    return series;
  }

  /** The active (pending or firing) alerts. */
  List<Alert> alerts() {
    List<Alert> alerts = new ArrayList<>();
    for (JsonNode item : data(prometheus.get("/api/v1/alerts"), "alerts").path("alerts")) {
      Map<String, String> labels = labels(item.path("labels"));
      alerts.add(new Alert(labels.get("alertname"), item.path("state").asText(), labels));
    }
    return alerts;
  }

  /** The values of {@code label} on the series {@code selector} selects. */
  List<String> labelValues(String label, String selector) {
    String path =
        "/api/v1/label/"
            + label
            + "/values?match[]="
            + URLEncoder.encode(selector, StandardCharsets.UTF_8);
    List<String> values = new ArrayList<>();
    data(prometheus.get(path), path).forEach(v -> values.add(v.asText()));
    return values;
  }

  /**
   * The type ({@code counter}, {@code gauge}, {@code histogram}, ...) Prometheus learned from the
   * scrape for each metric family, keyed by family name (OpenMetrics: counters without {@code
   * _total}).
   */
  Map<String, String> metricTypes() {
    Map<String, String> types = new LinkedHashMap<>();
    data(prometheus.get("/api/v1/metadata"), "metadata")
        .properties()
        .forEach(e -> types.put(e.getKey(), e.getValue().path(0).path("type").asText()));
    return types;
  }

  /** Health and last scrape error of every active target. */
  List<String> targetProblems() {
    List<String> problems = new ArrayList<>();
    JsonNode data = data(prometheus.get("/api/v1/targets"), "targets");
    for (JsonNode target : data.path("activeTargets")) {
      String health = target.path("health").asText();
      String error = target.path("lastError").asText();
      if (!"up".equals(health) || !error.isEmpty()) {
        problems.add(target.path("scrapeUrl").asText() + " is " + health + ": " + error);
      }
    }
    if (data.path("activeTargets").isEmpty()) {
      problems.add("no active target");
    }
    return problems;
  }

  /**
   * Polls {@code condition} every 200 ms until it holds; fails naming {@code what} after timeout.
   */
  static void await(String what, Duration timeout, Supplier<Boolean> condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.get()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("not within " + timeout + ": " + what);
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted waiting for " + what, e);
      }
    }
  }

  private static JsonNode data(String body, String what) {
    try {
      JsonNode root = JSON.readTree(body);
      if (!"success".equals(root.path("status").asText())) {
        throw new AssertionError(what + " answered " + body);
      }
      if (root.has("warnings")) {
        throw new AssertionError(what + " answered with warnings " + root.path("warnings"));
      }
      return root.path("data");
    } catch (IOException e) {
      throw new UncheckedIOException("unreadable answer to " + what + ": " + body, e);
    }
  }

  private static Map<String, String> labels(JsonNode node) {
    Map<String, String> labels = new LinkedHashMap<>();
    node.properties().forEach(e -> labels.put(e.getKey(), e.getValue().asText()));
    return labels;
  }
}
