package dev.alchemist.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PrivatePrometheusIT {
  @TempDir Path directory;

  private HttpServer endpoint;

  /** A metrics endpoint of the test's own that always answers one gauge. */
  @BeforeEach
  void serveOneGauge() throws Exception {
    endpoint = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    endpoint.createContext(
        "/metrics",
        exchange -> {
          byte[] body =
              "# TYPE probe_value gauge\nprobe_value 42\n".getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "text/plain; version=0.0.4");
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    endpoint.start();
  }

  @AfterEach
  void stopEndpoint() {
    endpoint.stop(0);
  }

  private URI target() {
    return URI.create("http://127.0.0.1:" + endpoint.getAddress().getPort() + "/metrics");
  }

  @Test
  void start_scrapesTheTargetAndEvaluatesTheRules() throws Exception {
    Path rules = directory.resolve("probe-rules.yml");
    Files.writeString(
        rules,
        "groups:\n"
            + "  - name: probe\n"
            + "    rules:\n"
            + "      - alert: ProbeHigh\n"
            + "        expr: probe_value > 40\n");

    try (PrivatePrometheus prometheus =
        PrivatePrometheus.builder().target(target()).ruleFile(rules).start()) {
      assertThat(prometheus.uri().getHost()).isEqualTo("127.0.0.1");
      assertThat(prometheus.config())
          .contains("  - probe-rules.yml\n")
          .contains("scrape_interval: 1s")
          .contains("job_name: " + PrivatePrometheus.JOB);

      awaitContains(prometheus, "probe_value", "\"42\"");
      awaitContains(prometheus, "ALERTS{alertname=\"ProbeHigh\"}", "\"firing\"");
      assertThat(prometheus.query("up")).contains("\"job\":\"alchemist\"");
    }
  }

  @Test
  void close_stopsPrometheusAndDeletesItsDirectory() {
    PrivatePrometheus prometheus = PrivatePrometheus.builder().target(target()).start();
    Path log = prometheus.logFile();
    assertThat(log).exists();

    prometheus.close();
    prometheus.close();

    assertThat(log.getParent()).doesNotExist();
    assertThatThrownBy(() -> prometheus.query("up")).isInstanceOf(RuntimeException.class);
  }

  @Test
  void query_withABadExpression_failsWithPrometheusAnswer() {
    try (PrivatePrometheus prometheus = PrivatePrometheus.builder().target(target()).start()) {
      assertThatThrownBy(() -> prometheus.query("rate(probe_value"))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("400")
          .hasMessageContaining("bad_data");
    }
  }

  @Test
  void start_withABrokenRuleFile_failsWithTheEndOfTheLog() throws Exception {
    Path rules = directory.resolve("broken.yml");
    Files.writeString(
        rules, "groups:\n  - name: x\n    rules:\n      - alert: A\n        expr: (\n");

    assertThatThrownBy(() -> PrivatePrometheus.builder().target(target()).ruleFile(rules).start())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("broken.yml");
  }

  @Test
  void config_isAPlainPrometheusFile() {
    String config =
        PrivatePrometheus.config(
            URI.create("http://127.0.0.1:9464/metrics"),
            List.of("alchemist-alerts.yml"),
            Duration.ofSeconds(15),
            Duration.ofSeconds(30));

    assertThat(config)
        .isEqualTo(
            "global:\n"
                + "  scrape_interval: 15s\n"
                + "  evaluation_interval: 30s\n"
                + "rule_files:\n"
                + "  - alchemist-alerts.yml\n"
                + "scrape_configs:\n"
                + "  - job_name: alchemist\n"
                + "    metrics_path: /metrics\n"
                + "    static_configs:\n"
                + "      - targets: [\"127.0.0.1:9464\"]\n");
  }

  @Test
  void builder_refusesATargetWithoutPortAndFractionalIntervals() {
    assertThatThrownBy(() -> PrivatePrometheus.builder().target(URI.create("http://host/metrics")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PrivatePrometheus.builder().scrapeInterval(Duration.ofMillis(500)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static void awaitContains(PrivatePrometheus prometheus, String promql, String text)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    String answer = prometheus.query(promql);
    while (!answer.contains(text)) {
      assertThat(System.nanoTime() - deadline)
          .as("%s answers %s within 30 s; last: %s", promql, text, answer)
          .isNegative();
      Thread.sleep(200);
      answer = prometheus.query(promql);
    }
  }
}
