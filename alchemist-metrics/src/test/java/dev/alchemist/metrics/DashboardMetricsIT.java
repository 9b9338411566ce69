package dev.alchemist.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every metric the Grafana dashboard and the Prometheus alert rules reference is emitted: the
 * expressions are parsed, their metric names resolved against the catalogue below, and each name is
 * looked up in a real scrape of the real HTTP endpoint of an {@link ExercisedApplication}.
 */
class DashboardMetricsIT {

  /** How a Micrometer meter appears on Prometheus, and which sample suffixes it has. */
  enum Kind {
    /** Catalogued with its {@code _total} sample name. */
    COUNTER(""),
    GAUGE(""),
    /** Catalogued by base name ({@code x_seconds}); Micrometer adds a separate {@code _max}. */
    TIMER("_bucket", "_count", "_sum", "_max");

    final List<String> suffixes;

    Kind(String... suffixes) {
      this.suffixes = List.of(suffixes);
    }
  }

  record Entry(String name, Kind kind, String module) {
    /** True if {@code sample} is one of this meter's series names. */
    boolean hasSample(String sample) {
      return kind.suffixes.stream().anyMatch(s -> sample.equals(name + s));
    }

    /** A series name that must be in the scrape if this meter is emitted. */
    String probeSample() {
      return name + kind.suffixes.get(kind == Kind.TIMER ? 1 : 0);
    }
  }

  /**
   * Metrics whose emitting module is not on main yet: THE one place to edit. When a module lands,
   * delete its lines here and exercise the module in {@link ExercisedApplication}; the test then
   * demands its names in the scrape.
   */
  static final Map<String, String> PENDING = Map.of();

  /**
   * Meters registered on their first failure, so absent from a healthy scrape: name -> the fault
   * that makes them. {@link PrometheusAlertsIT} causes each fault and sees the alert on it fire.
   */
  static final Map<String, String> ON_FIRST_FAILURE =
      Map.of("alchemist_cache_errors_total", "a Redis error (PrometheusAlertsIT kills Redis)");

  /** The catalogue (mirrored by docs/metrics.md): Prometheus name, kind, emitting module. */
  static final List<Entry> CATALOGUE =
      List.of(
          new Entry("alchemist_requests_total", Kind.COUNTER, "alchemist-metrics"),
          new Entry("alchemist_response_time_seconds", Kind.TIMER, "alchemist-metrics"),
          new Entry("alchemist_flow_updates_received_total", Kind.COUNTER, "alchemist-core"),
          new Entry("alchemist_flow_updates_total", Kind.COUNTER, "alchemist-core"),
          new Entry("alchemist_flow_keys", Kind.GAUGE, "alchemist-core"),
          new Entry("alchemist_flow_keys_expired_total", Kind.COUNTER, "alchemist-core"),
          new Entry("hikaricp_connections", Kind.GAUGE, "HikariCP"),
          new Entry("hikaricp_connections_active", Kind.GAUGE, "HikariCP"),
          new Entry("hikaricp_connections_idle", Kind.GAUGE, "HikariCP"),
          new Entry("hikaricp_connections_pending", Kind.GAUGE, "HikariCP"),
          new Entry("hikaricp_connections_max", Kind.GAUGE, "HikariCP"),
          new Entry("hikaricp_connections_min", Kind.GAUGE, "HikariCP"),
          new Entry("hikaricp_connections_timeout_total", Kind.COUNTER, "HikariCP"),
          new Entry("hikaricp_connections_acquire_seconds", Kind.TIMER, "HikariCP"),
          new Entry("hikaricp_connections_usage_seconds", Kind.TIMER, "HikariCP"),
          new Entry("hikaricp_connections_creation_seconds", Kind.TIMER, "HikariCP"),
          new Entry("jvm_memory_used_bytes", Kind.GAUGE, "alchemist-metrics (JVM)"),
          new Entry("jvm_memory_committed_bytes", Kind.GAUGE, "alchemist-metrics (JVM)"),
          new Entry("jvm_memory_max_bytes", Kind.GAUGE, "alchemist-metrics (JVM)"),
          new Entry("jvm_buffer_memory_used_bytes", Kind.GAUGE, "alchemist-metrics (JVM)"),
          new Entry("jvm_threads_live_threads", Kind.GAUGE, "alchemist-metrics (JVM)"),
          new Entry("jvm_threads_daemon_threads", Kind.GAUGE, "alchemist-metrics (JVM)"),
          new Entry("jvm_threads_peak_threads", Kind.GAUGE, "alchemist-metrics (JVM)"),
          new Entry("jvm_threads_states_threads", Kind.GAUGE, "alchemist-metrics (JVM)"),
          new Entry("jvm_classes_loaded_classes", Kind.GAUGE, "alchemist-metrics (JVM)"),
          new Entry("jvm_classes_unloaded_classes_total", Kind.COUNTER, "alchemist-metrics (JVM)"),
          new Entry("jvm_gc_memory_allocated_bytes_total", Kind.COUNTER, "alchemist-metrics (JVM)"),
          new Entry("jvm_gc_live_data_size_bytes", Kind.GAUGE, "alchemist-metrics (JVM)"),
          new Entry("jvm_gc_max_data_size_bytes", Kind.GAUGE, "alchemist-metrics (JVM)"),
          new Entry("process_cpu_usage", Kind.GAUGE, "alchemist-metrics (process)"),
          new Entry("system_cpu_usage", Kind.GAUGE, "alchemist-metrics (process)"),
          new Entry("system_cpu_count", Kind.GAUGE, "alchemist-metrics (process)"),
          new Entry("process_uptime_seconds", Kind.GAUGE, "alchemist-metrics (process)"),
          new Entry("process_start_time_seconds", Kind.GAUGE, "alchemist-metrics (process)"),
          new Entry("process_files_open_files", Kind.GAUGE, "alchemist-metrics (process)"),
          new Entry("alchemist_cache_gets_total", Kind.COUNTER, "alchemist-cache"),
          new Entry("alchemist_cache_errors_total", Kind.COUNTER, "alchemist-cache"),
          new Entry("alchemist_nats_published_total", Kind.COUNTER, "alchemist-nats"),
          new Entry("alchemist_nats_consumer_pending", Kind.GAUGE, "alchemist-nats"),
          new Entry("alchemist_ai_first_token_seconds", Kind.TIMER, "alchemist-ai"));

  private static ExercisedApplication app;
  private static Set<String> scraped;

  @BeforeAll
  static void scrapeExercisedApplication() throws Exception {
    app = new ExercisedApplication();
    scraped = Scrapes.sampleNames(Scrapes.scrape(app.uri()));
  }

  @AfterAll
  static void close() {
    if (app != null) {
      app.close();
    }
  }

  @Test
  void dashboardAndRules_everyReferencedMetric_isEmittedOrPending() throws IOException {
    Map<String, Set<String>> referenced = referencedMetrics();
    assertThat(referenced).as("metric names found in dashboard and rules").hasSizeGreaterThan(8);

    List<String> problems = new ArrayList<>();
    Set<String> pendingSeen = new TreeSet<>();
    referenced.forEach(
        (name, where) -> {
          Entry entry = resolve(name);
          if (entry == null) {
            problems.add(
                name + " (in " + where + ") is in no catalogue entry: nothing is known to emit it");
          } else if (PENDING.containsKey(entry.name())) {
            pendingSeen.add(entry.name() + " <- " + PENDING.get(entry.name()));
          } else if (!scraped.contains(name) && !ON_FIRST_FAILURE.containsKey(entry.name())) {
            problems.add(
                name
                    + " (in "
                    + where
                    + ") should come from "
                    + entry.module()
                    + " but is not in the scrape");
          }
        });
    assertThat(problems).as("dashboard/rules metrics that nothing emits").isEmpty();
    System.out.println("Referenced metrics still pending their module: " + pendingSeen);
  }

  @Test
  void catalogue_everyEntryNotPending_isInTheScrape() {
    List<String> missing =
        CATALOGUE.stream()
            .filter(e -> !PENDING.containsKey(e.name()))
            .filter(e -> !ON_FIRST_FAILURE.containsKey(e.name()))
            .filter(e -> !scraped.contains(e.probeSample()))
            .map(e -> e.probeSample() + " from " + e.module())
            .collect(Collectors.toList());

    assertThat(missing).as("catalogued meters missing from the scrape").isEmpty();
  }

  @Test
  void pending_everyEntry_isCataloguedReferencedAndNotYetEmitted() throws IOException {
    Set<String> catalogued = CATALOGUE.stream().map(Entry::name).collect(Collectors.toSet());
    Set<String> referencedEntries = new LinkedHashSet<>();
    for (String name : referencedMetrics().keySet()) {
      Entry entry = resolve(name);
      if (entry != null) {
        referencedEntries.add(entry.name());
      }
    }
    PENDING.forEach(
        (name, module) -> {
          assertThat(catalogued).as("pending %s is catalogued", name).contains(name);
          assertThat(referencedEntries)
              .as("pending %s is referenced by the dashboard or rules (else drop it)", name)
              .contains(name);
          Entry entry =
              CATALOGUE.stream().filter(e -> e.name().equals(name)).findFirst().orElseThrow();
          assertThat(scraped)
              .as("%s is emitted now: remove it from PENDING", entry.probeSample())
              .doesNotContain(entry.probeSample());
        });
  }

  @Test
  void docs_listEveryCataloguedName() throws IOException {
    Path docs = Path.of("..", "docs", "metrics.md");
    String text = Files.readString(docs);

    List<String> undocumented =
        CATALOGUE.stream().map(Entry::name).filter(n -> !text.contains("`" + n)).toList();

    assertThat(undocumented).as("names missing from %s", docs).isEmpty();
  }

  @Test
  void scrape_sloBucketsAlertsRelyOn_arePresent() throws Exception {
    String text = Scrapes.scrape(app.uri());

    assertThat(text)
        .contains("le=\"0.1\"")
        .contains("le=\"0.5\"")
        .contains("application=\"metrics-test\"")
        .contains("alchemist_flow_updates_total{application=\"metrics-test\",name=\"dashboard\"")
        .containsPattern("hikaricp_connections_active\\{[^}]*pool=\"store\"[^}]*} 1");
  }

  /** Returns the catalogue entry whose series {@code sample} is, or null. */
  static Entry resolve(String sample) {
    Entry found = null;
    for (Entry e : CATALOGUE) {
      if (e.hasSample(sample)) {
        if (found != null) {
          throw new IllegalStateException(sample + " matches " + found + " and " + e);
        }
        found = e;
      }
    }
    return found;
  }

  /** Metric name -> where it is referenced ("dashboard: panel title" or "rules: alert"). */
  static Map<String, Set<String>> referencedMetrics() throws IOException {
    Map<String, Set<String>> names = new LinkedHashMap<>();
    JsonNode dashboard = new ObjectMapper().readTree(resource(AlchemistMetrics.DASHBOARD_RESOURCE));
    for (JsonNode panel : dashboard.path("panels")) {
      for (JsonNode target : panel.path("targets")) {
        String expr = target.path("expr").asText();
        assertThat(expr).as("expr of panel %s", panel.path("title")).isNotBlank();
        for (String name : PromQl.metricNames(expr)) {
          names
              .computeIfAbsent(name, k -> new TreeSet<>())
              .add("dashboard: " + panel.path("title").asText());
        }
      }
    }
    for (JsonNode variable : dashboard.path("templating").path("list")) {
      String query = variable.path("query").path("query").asText(variable.path("query").asText());
      for (String name : PromQl.variableQueryMetricNames(query)) {
        names
            .computeIfAbsent(name, k -> new TreeSet<>())
            .add("dashboard variable: " + variable.path("name").asText());
      }
    }
    JsonNode rules =
        new ObjectMapper(new YAMLFactory())
            .readTree(resource(AlchemistMetrics.ALERT_RULES_RESOURCE));
    for (JsonNode group : rules.path("groups")) {
      for (JsonNode rule : group.path("rules")) {
        String expr = rule.path("expr").asText();
        assertThat(expr).as("expr of rule %s", rule.path("alert")).isNotBlank();
        for (String name : PromQl.metricNames(expr)) {
          names
              .computeIfAbsent(name, k -> new TreeSet<>())
              .add("rules: " + rule.path("alert").asText());
        }
      }
    }
    return names;
  }

  private static InputStream resource(String path) {
    InputStream in = DashboardMetricsIT.class.getClassLoader().getResourceAsStream(path);
    assertThat(in).as("resource %s", path).isNotNull();
    return in;
  }
}
