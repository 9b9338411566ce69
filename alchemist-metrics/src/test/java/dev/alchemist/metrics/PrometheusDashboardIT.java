package dev.alchemist.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.alchemist.metrics.PrometheusApi.Series;
import dev.alchemist.testing.PrivatePrometheus;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped Grafana dashboard against a real Prometheus that scrapes a {@link LoadedApplication}
 * under load: both template variables resolve, and every query of every panel returns series that
 * carry the labels its legend prints; the p95 panel agrees with the SDK's own histogram.
 */
class PrometheusDashboardIT {
  /**
   * What Grafana puts for {@code $__rate_interval} with a 1 s scrape interval is 4 s; a little more
   * keeps every window at several samples on a loaded machine.
   */
  private static final String RATE_INTERVAL = "10s";

  private static final Pattern LEGEND_LABEL = Pattern.compile("\\{\\{\\s*(\\w+)\\s*}}");
  private static final String P95_OPERATION = "dialog.p95";

  /** A counter function and the metric it reads: every rate here starts with the metric name. */
  private static final Pattern RATE_OF =
      Pattern.compile("\\b(rate|irate|increase)\\(\\s*([a-zA-Z_:][a-zA-Z0-9_:]*)");

  /** {@code histogram_quantile(q, sum by (labels) (rate(metric...}: the labels and the metric. */
  private static final Pattern QUANTILE_OF =
      Pattern.compile(
          "histogram_quantile\\([^,]+,\\s*sum by \\(([^)]*)\\)\\s*\\(rate\\(([a-zA-Z_:][a-zA-Z0-9_:]*)");

  @TempDir static Path directory;

  private static LoadedApplication app;
  private static PrivatePrometheus prometheus;
  private static PrometheusApi api;
  private static Thread load;
  private static volatile boolean loading = true;
  private static volatile Throwable loadFailure;

  @BeforeAll
  static void startUnderLoad() throws Exception {
    app = new LoadedApplication();
    prometheus =
        PrivatePrometheus.builder()
            .target(app.uri())
            .ruleFile(AlertRules.shipped(directory))
            .start();
    api = new PrometheusApi(prometheus);
    // A failing send and a Redis outage first, so the error series that exist only from the first
    // failure (the request-rate panel's, the cache alert's) are in the scrape too.
    app.failingSends(true);
    app.killRedis();
    app.round();
    app.failingSends(false);
    app.restartRedis();
    load = new Thread(PrometheusDashboardIT::load, "dashboard-load");
    load.start();
    // Until every rate window of the panels has samples: a few scrapes past the window.
    PrometheusApi.await(
        "a scrape history longer than " + RATE_INTERVAL,
        Duration.ofSeconds(60),
        () ->
            !api.vector("count_over_time(up{job=\"alchemist\"}[" + RATE_INTERVAL + "]) >= 8")
                .isEmpty());
  }

  private static void load() {
    try {
      while (loading) {
        app.round();
        Thread.sleep(50);
      }
      app.awaitStreams();
    } catch (Throwable e) {
      loadFailure = e;
    }
  }

  @AfterAll
  static void stop() throws Exception {
    loading = false;
    if (load != null) {
      load.join(TimeUnit.SECONDS.toMillis(30));
    }
    if (prometheus != null) {
      prometheus.close();
    }
    if (app != null) {
      app.close();
    }
  }

  @Test
  void target_isScrapedWithoutErrors() {
    assertThat(api.targetProblems()).isEmpty();
    assertThat(api.vector("up{job=\"alchemist\"} == 1")).hasSize(1);
  }

  @Test
  void docs_showTheConfigThisTestRunsPrometheusWith() throws Exception {
    String docs = Files.readString(Path.of("..", "docs", "metrics.md"));
    String documented =
        PrivatePrometheus.config(
            URI.create("http://127.0.0.1:9464/metrics"),
            List.of(AlertRules.FILE_NAME),
            Duration.ofSeconds(15),
            Duration.ofSeconds(15));
    String ours =
        PrivatePrometheus.config(
            app.uri(), List.of(AlertRules.FILE_NAME), Duration.ofSeconds(1), Duration.ofSeconds(1));

    assertThat(docs).contains("```yaml\n" + documented + "```");
    assertThat(prometheus.config()).isEqualTo(ours);
  }

  @Test
  void templateVariables_resolveToTheApplicationAndItsTarget() throws Exception {
    List<String> applications = api.labelValues("application", "alchemist_requests_total");
    List<String> instances =
        api.labelValues(
            "instance",
            "alchemist_requests_total{application=\"" + LoadedApplication.APPLICATION + "\"}");

    assertThat(applications).containsExactly(LoadedApplication.APPLICATION);
    assertThat(instances).containsExactly(app.uri().getHost() + ":" + app.uri().getPort());
    assertThat(variableQueries())
        .containsExactly(
            "label_values(alchemist_requests_total, application)",
            "label_values(alchemist_requests_total{application=~\"$application\"}, instance)");
  }

  @Test
  void everyPanelQuery_answersWithTheLabelsItsLegendUses() throws Exception {
    assertThat(loadFailure).as("failure of the load thread").isNull();
    String instance = api.labelValues("instance", "alchemist_requests_total").get(0);
    List<String> problems = new ArrayList<>();
    int queries = 0;
    for (JsonNode panel : dashboard().path("panels")) {
      if ("row".equals(panel.path("type").asText())) {
        continue;
      }
      String title = panel.path("title").asText();
      assertThat(panel.path("targets")).as("targets of panel %s", title).isNotEmpty();
      for (JsonNode target : panel.path("targets")) {
        queries++;
        String expr =
            target
                .path("expr")
                .asText()
                .replace("$application", LoadedApplication.APPLICATION)
                .replace("$instance", instance)
                .replace("$__rate_interval", RATE_INTERVAL);
        String legend = target.path("legendFormat").asText();
        problems.addAll(check(title, expr, legend));
      }
    }
    assertThat(queries).as("queries in the dashboard").isGreaterThanOrEqualTo(16);
    assertThat(problems).as("panel queries that would draw nothing or a wrong legend").isEmpty();
  }

  @Test
  void everyRateAndQuantile_inDashboardAndRules_readsTheRightKindOfMetric() throws Exception {
    Map<String, String> types = api.metricTypes();
    List<String> expressions = new ArrayList<>();
    for (JsonNode panel : dashboard().path("panels")) {
      panel.path("targets").forEach(t -> expressions.add(t.path("expr").asText()));
    }
    AlertRules.byAlert(AlertRules.shipped(directory))
        .values()
        .forEach(rule -> expressions.add(rule.path("expr").asText()));
    List<String> problems = new ArrayList<>();
    int counted = 0;
    for (String expr : expressions) {
      Matcher rate = RATE_OF.matcher(expr);
      while (rate.find()) {
        counted++;
        String metric = rate.group(2);
        String type = familyType(types, metric);
        boolean counterLike =
            "counter".equals(type)
                || ("histogram".equals(type) || "summary".equals(type))
                    && metric.matches(".*_(bucket|count|sum)");
        if (!counterLike) {
          problems.add(rate.group(1) + "() over " + metric + " of type " + type + " in: " + expr);
        }
      }
      Matcher quantile = QUANTILE_OF.matcher(expr);
      int quantiles = 0;
      while (quantile.find()) {
        counted++;
        quantiles++;
        String by = quantile.group(1);
        String metric = quantile.group(2);
        if (!List.of(by.split("\\s*,\\s*")).contains("le")
            || !metric.endsWith("_bucket")
            || !"histogram".equals(familyType(types, metric))) {
          problems.add("histogram_quantile needs the buckets of a histogram by le: " + expr);
        }
      }
      if (quantiles != expr.split("histogram_quantile\\(", -1).length - 1) {
        problems.add("a histogram_quantile of another form than sum by (...) (rate(...)): " + expr);
      }
    }
    assertThat(counted).as("rates and quantiles found").isGreaterThanOrEqualTo(20);
    assertThat(problems).isEmpty();
  }

  @Test
  void p95Panel_agreesWithTheSdkHistogram_withinTheBucketWidth() throws Exception {
    String expr = p95PanelExpr();
    RequestTracker tracker = app.tracker;
    tracker.track(P95_OPERATION, () -> "first");
    String count = "alchemist_response_time_seconds_count{operation=\"" + P95_OPERATION + "\"}";
    PrometheusApi.await("the first call scraped", Duration.ofSeconds(30), () -> scraped(count, 1));
    long start = System.nanoTime();
    HistogramSnapshot before = sdkTimer().takeSnapshot();
    // 90 % quick, 10 % around 40 ms: the 95th percentile lies well inside the slow group.
    int calls = 300;
    for (int i = 0; i < calls; i++) {
      long millis = i % 10 == 0 ? 40 : 2;
      tracker.track(P95_OPERATION, () -> sleep(millis));
    }
    HistogramSnapshot after = sdkTimer().takeSnapshot();
    PrometheusApi.await(
        "every call scraped", Duration.ofSeconds(30), () -> scraped(count, calls + 1));
    // A window reaching back before the first scrape, so the rate covers exactly the 300 calls.
    long window = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start) + 5;
    List<Series> p95 =
        api.vector(
            expr.replace("$application", LoadedApplication.APPLICATION)
                .replace("$instance", ".*")
                .replace("$__rate_interval", window + "s"));
    double prometheusP95 =
        p95.stream()
            .filter(s -> P95_OPERATION.equals(s.labels().get("operation")))
            .findFirst()
            .orElseThrow(
                () -> new AssertionError("no p95 series for " + P95_OPERATION + ": " + p95))
            .value();

    double[] sdk = sdkQuantile(before, after, 0.95);
    double sdkP95 = sdk[0];
    double bucketWidth = sdk[1];
    System.out.printf(
        "p95 of %d calls: panel %.4f s, SDK histogram %.4f s (bucket width %.4f s)%n",
        calls, prometheusP95, sdkP95, bucketWidth);
    assertThat(sdkP95).as("SDK p95 (s)").isBetween(0.035, 0.2);
    assertThat(prometheusP95)
        .as("p95 panel vs SDK histogram %s s, bucket width %s s", sdkP95, bucketWidth)
        .isBetween(sdkP95 - bucketWidth, sdkP95 + bucketWidth);
  }

  private static List<String> check(String title, String expr, String legend) {
    List<String> problems = new ArrayList<>();
    Set<String> labels = new LinkedHashSet<>();
    Matcher m = LEGEND_LABEL.matcher(legend);
    while (m.find()) {
      labels.add(m.group(1));
    }
    List<Series> result = api.vector(expr);
    String where = title + " / \"" + legend + "\": " + expr;
    System.out.println(where + " -> " + result);
    if (result.isEmpty()) {
      problems.add(where + " returned no series");
    }
    Set<String> rendered = new HashSet<>();
    for (Series series : result) {
      for (String label : labels) {
        String value = series.labels().get(label);
        if (value == null || value.isEmpty()) {
          problems.add(where + " has a series without label " + label + ": " + series.labels());
        }
      }
      if (!Double.isFinite(series.value())) {
        problems.add(where + " has the value " + series.value() + " for " + series.labels());
      }
      String name = legend;
      for (String label : labels) {
        name =
            name.replaceAll(
                "\\{\\{\\s*" + label + "\\s*}}", series.labels().getOrDefault(label, ""));
      }
      if (!rendered.add(name)) {
        problems.add(where + " draws two series with the same legend " + name);
      }
    }
    return problems;
  }

  /** The family type of a sample name: {@code x_total} is family {@code x} in OpenMetrics. */
  private static String familyType(Map<String, String> types, String sample) {
    for (String family :
        List.of(
            sample,
            sample.replaceFirst("_total$", ""),
            sample.replaceFirst("_(bucket|count|sum)$", ""))) {
      if (types.containsKey(family)) {
        return types.get(family);
      }
    }
    return "absent";
  }

  private static boolean scraped(String selector, long count) {
    return api.vector(selector).stream().anyMatch(s -> s.value() == count);
  }

  private static Timer sdkTimer() {
    return app.metrics
        .registry()
        .get(MeterNames.RESPONSE_TIME)
        .tags("operation", P95_OPERATION, "outcome", "success")
        .timer();
  }

  /**
   * The quantile of the calls between two snapshots, interpolated inside its bucket as {@code
   * histogram_quantile} does, and that bucket's width: {@code [value, width]} in seconds.
   */
  static double[] sdkQuantile(HistogramSnapshot before, HistogramSnapshot after, double q) {
    CountAtBucket[] from = before.histogramCounts();
    CountAtBucket[] to = after.histogramCounts();
    double total = after.count() - before.count();
    double rank = q * total;
    double lowerBound = 0;
    double belowCount = 0;
    for (int i = 0; i < to.length; i++) {
      double upperBound = to[i].bucket(TimeUnit.SECONDS);
      double cumulative = to[i].count() - from[i].count();
      if (cumulative >= rank) {
        double inBucket = cumulative - belowCount;
        double value = lowerBound + (upperBound - lowerBound) * (rank - belowCount) / inBucket;
        return new double[] {value, upperBound - lowerBound};
      }
      lowerBound = upperBound;
      belowCount = cumulative;
    }
    throw new AssertionError("the quantile lies above the largest bucket " + lowerBound + " s");
  }

  private static String p95PanelExpr() throws Exception {
    for (JsonNode panel : dashboard().path("panels")) {
      if ("Response time p95".equals(panel.path("title").asText())) {
        return panel.path("targets").path(0).path("expr").asText();
      }
    }
    throw new AssertionError("the dashboard has no panel \"Response time p95\"");
  }

  private static List<String> variableQueries() throws Exception {
    List<String> queries = new ArrayList<>();
    for (JsonNode variable : dashboard().path("templating").path("list")) {
      queries.add(variable.path("query").path("query").asText());
    }
    return queries;
  }

  private static JsonNode dashboard() throws Exception {
    try (InputStream in =
        PrometheusDashboardIT.class
            .getClassLoader()
            .getResourceAsStream(AlchemistMetrics.DASHBOARD_RESOURCE)) {
      assertThat(in).as("dashboard resource").isNotNull();
      return new ObjectMapper().readTree(in);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
