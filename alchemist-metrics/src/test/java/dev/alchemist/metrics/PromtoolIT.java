package dev.alchemist.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.alchemist.testing.PrivatePrometheus;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Prometheus' own tool checks what we ship: {@code promtool check rules} parses the alert rules
 * (and the test copy {@link PrometheusAlertsIT} loads), {@code promtool check metrics} parses and
 * lints a real scrape of every module's meters. A rule file or exposition that does not parse fails
 * the build, and so does a lint problem of an {@code alchemist_} meter that is not {@link
 * #KNOWN_LINT known}. Lint notes on Micrometer's own names ({@code process_cpu_time_ns_total},
 * {@code system_cpu_count}) are printed, not failed: we do not choose those names.
 */
class PromtoolIT {
  /** {@code promtool check metrics}: 0 clean, 1 unparsable exposition, 3 lint problems only. */
  private static final int LINT_PROBLEMS = 3;

  /**
   * Lint problems promtool reports on meters of other modules today: THE one place to edit. Each is
   * a naming or description gap in the module that registers the meter; when it is fixed there,
   * delete its line. A problem not listed here fails the build.
   */
  static final Set<String> KNOWN_LINT =
      Set.of(
          // alchemist-ai: base unit "tokens/s" becomes the abbreviated name suffix _tokens_s
          "alchemist_ai_token_rate_tokens_s metric names should not contain abbreviated units",
          "alchemist_ai_token_rate_tokens_s_max metric names should not contain abbreviated units",
          // alchemist-cache: counters registered without a description
          "alchemist_cache_gets_total no help text",
          "alchemist_cache_loads_total no help text",
          "alchemist_cache_near_invalidations_total no help text",
          "alchemist_cache_puts_total no help text",
          "alchemist_cache_refreshes_total no help text",
          // alchemist-nats: consumer counters registered without a description
          "alchemist_nats_consumer_acked_total no help text",
          "alchemist_nats_consumer_dead_lettered_total no help text",
          "alchemist_nats_consumer_handler_failed_total no help text");

  @TempDir Path directory;

  record Result(int exitCode, String output) {}

  @Test
  void shippedRules_passCheckRules() throws Exception {
    Result result = promtool(null, "check", "rules", AlertRules.shipped(directory).toString());

    assertThat(result.exitCode()).as(result.output()).isZero();
    assertThat(result.output()).contains("SUCCESS: 8 rules found");
  }

  @Test
  void testCopyOfRules_passesCheckRules() throws Exception {
    Result result =
        promtool(null, "check", "rules", AlertRules.withFor(directory, "2s").toString());

    assertThat(result.exitCode()).as(result.output()).isZero();
  }

  @Test
  void scrapeOfEveryModule_passesCheckMetrics() throws Exception {
    String scrape;
    try (LoadedApplication app = new LoadedApplication()) {
      for (int i = 0; i < 3; i++) {
        app.round();
      }
      app.awaitStreams();
      scrape = Scrapes.scrape(app.uri());
    }
    assertThat(scrape)
        .contains("alchemist_requests_total")
        .contains("alchemist_flow_updates_total")
        .contains("alchemist_cache_gets_total")
        .contains("alchemist_ai_first_token_seconds_bucket")
        .contains("alchemist_nats_published_total")
        .contains("alchemist_nats_consumer_pending")
        .contains("alchemist_store_")
        .contains("hikaricp_connections_active")
        .contains("jvm_memory_used_bytes");

    Result result = promtool(scrape, "check", "metrics");
    System.out.println("promtool check metrics said:\n" + result.output());

    assertThat(result.exitCode())
        .as("promtool check metrics (1 = the exposition does not parse):\n%s", result.output())
        .isIn(0, LINT_PROBLEMS);
    List<String> ours = new ArrayList<>();
    for (String line : result.output().split("\n")) {
      if (line.startsWith("alchemist_")) {
        ours.add(line);
      }
    }
    assertThat(ours).as("lint problems of our own meters not in KNOWN_LINT").isSubsetOf(KNOWN_LINT);
  }

  private static Result promtool(@Nullable String stdin, String... args)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(PrivatePrometheus.promtool().toString());
    command.addAll(Arrays.asList(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    CompletableFuture<String> output =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
              } catch (IOException e) {
                return "unreadable output: " + e;
              }
            });
    try (OutputStream in = process.getOutputStream()) {
      if (stdin != null) {
        in.write(stdin.getBytes(StandardCharsets.UTF_8));
      }
    }
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("promtool " + String.join(" ", args) + " did not finish in 60 s");
    }
    return new Result(process.exitValue(), output.join());
  }
}
