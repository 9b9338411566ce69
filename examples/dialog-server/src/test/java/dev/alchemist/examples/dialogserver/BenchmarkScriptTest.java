package dev.alchemist.examples.dialogserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * scripts/benchmark.sh without running a benchmark: the script and its library are valid bash, the
 * Node clients are valid JavaScript, and the functions that read ab, wrk, the clients and the
 * server's Prometheus text give the right figures and verdicts on canned output (a real quick run
 * in {@code benchmark-run/}, trimmed to the series the report reads, and a few hand-made lines).
 */
class BenchmarkScriptTest {
  private static final Path ROOT = repositoryRoot();
  private static final Path SCRIPT = ROOT.resolve("scripts/benchmark.sh");
  private static final Path LIB = ROOT.resolve("scripts/benchmark/lib.sh");

  @TempDir Path temp;

  @Test
  void scriptAndLibraryAreValidBash() throws Exception {
    assertThat(run("bash", "-n", SCRIPT.toString()).exit).isZero();
    assertThat(run("bash", "-n", LIB.toString()).exit).isZero();
    Result help = run("bash", SCRIPT.toString(), "--help");
    assertThat(help.exit).isZero();
    assertThat(help.out).contains("--quick", "--real-services", "BENCH_JAVA_OPTS");
    Result unknown = run("bash", SCRIPT.toString(), "--fast");
    assertThat(unknown.exit).isEqualTo(2);
    assertThat(unknown.err).contains("unknown option '--fast'");
  }

  @Test
  void nodeClientsAreValidJavaScript() throws Exception {
    assumeTrue(run("sh", "-c", "command -v node").exit == 0, "node is not installed");
    for (String client :
        List.of("common.js", "dashboard-load.js", "first-token.js", "nats-delete-stream.js")) {
      Path file = ROOT.resolve("scripts/benchmark").resolve(client);
      assertThat(run("node", "--check", file.toString()).exit).as(client).isZero();
    }
  }

  @Test
  void readsAbOutput() throws Exception {
    Path ab = canned("ab.txt");
    assertThat(lib("ab_percentile " + ab + " 99")).isEqualTo("260");
    assertThat(lib("ab_percentile " + ab + " 50")).isEqualTo("37");
    assertThat(lib("ab_value " + ab + " 'Requests per second'")).isEqualTo("199.26");
    // One body of another length: ab calls it failed, it is no error.
    assertThat(lib("ab_value " + ab + " 'Failed requests'")).isEqualTo("1");
    assertThat(lib("ab_errors " + ab)).isEqualTo("0");
    assertThat(lib("ab_length_mismatches " + ab)).isEqualTo("1");
    assertThat(lib("ab_non2xx " + ab)).isEqualTo("0");

    Path refused =
        write(
            "ab-401.txt",
            "Failed requests:        3\n",
            "   (Connect: 1, Receive: 2, Length: 0, Exceptions: 0)\n",
            "Non-2xx responses:      1000\n");
    assertThat(lib("ab_errors " + refused)).isEqualTo("3");
    assertThat(lib("ab_non2xx " + refused)).isEqualTo("1000");
  }

  @Test
  void readsWrkOutputAndTheLuaSummary() throws Exception {
    Path wrk = canned("wrk.txt");
    assertThat(lib("wrk_rps " + wrk)).isEqualTo("250.77");
    assertThat(lib("wrk_socket_errors " + wrk)).isEqualTo("0");
    assertThat(lib("wrk_non2xx " + wrk)).isEqualTo("0");
    assertThat(lib("wrk_timeouts " + wrk)).isEqualTo("0");
    assertThat(lib("kv " + wrk + " streams_complete")).isEqualTo("2533");
    assertThat(lib("kv " + wrk + " stream_p99_ms")).isEqualTo("1896.7");

    Path failing =
        write(
            "wrk-errors.txt",
            "  Socket errors: connect 1, read 2, write 3, timeout 317\n",
            "  Non-2xx or 3xx responses: 5\n");
    assertThat(lib("wrk_socket_errors " + failing)).isEqualTo("323");
    assertThat(lib("wrk_timeouts " + failing)).isEqualTo("317");
    assertThat(lib("wrk_non2xx " + failing)).isEqualTo("5");
    assertThat(lib("kvn " + failing + " streams_incomplete")).isEqualTo("0");
  }

  @Test
  void readsFramesAndPrometheusCounters() throws Exception {
    assertThat(lib("frames_count " + canned("wscat.txt"))).isEqualTo("13");
    assertThat(lib("frames_max " + canned("wscat.txt") + " activeDialogs")).isEqualTo("1200");
    Path prom = canned("prom-dashboard-100-end.txt");
    String sent =
        lib("prom_sum " + prom + " alchemist_flow_fanout_frames_total 'outcome=\"sent\"'");
    String all = lib("prom_sum " + prom + " alchemist_flow_fanout_frames_total");
    String skipped =
        lib("prom_sum " + prom + " alchemist_flow_fanout_frames_total 'outcome=\"skipped\"'");
    assertThat(Long.parseLong(all)).isEqualTo(Long.parseLong(sent) + Long.parseLong(skipped));
    assertThat(lib("prom_sum " + prom + " alchemist_no_such_series")).isEqualTo("0");
  }

  @Test
  void cpuAndRssOfSamples() throws Exception {
    // 50 ticks of 100 a second over one second: half a core; RSS in kB to MB.
    Path samples = write("samples.txt", "1000 100 1024\n", "1500 120 4096\n", "2000 150 2048\n");
    assertThat(lib("window_stats " + samples + " 1000 2000 100")).isEqualTo("50.0 4 2 3 NA NA");
    assertThat(lib("window_stats " + samples + " 1000 1200 100")).isEqualTo("NA NA NA 1 NA NA");
    // With the load average and the run-queue wait: 300 ms of waiting over 1 s.
    Path full =
        write("full.txt", "1000 100 1024 3.0 1000000000\n", "2000 150 2048 5.0 1300000000\n");
    assertThat(lib("window_stats " + full + " 1000 2000 100")).isEqualTo("50.0 2 2 2 4.0 300");
    assertThat(lib("proc_cpu_ticks $$")).matches("[0-9]+");
    assertThat(lib("proc_status_kb $$ VmRSS")).matches("[0-9]+");
    assertThat(lib("proc_runq_wait_ns $$")).matches("[0-9]+");
  }

  @Test
  void targetVerdicts() throws Exception {
    assertThat(lib("target 'dialog API p99' '<' 100 ms 99.9")).contains("99.9 ms", "PASS");
    assertThat(lib("target 'dialog API p99' '<' 100 ms 100")).contains("FAIL");
    assertThat(lib("target errors = 0 '' 0")).contains("PASS");
    assertThat(lib("target errors = 0 '' 2")).contains("FAIL");
    assertThat(lib("target fps '>=' 55 fps 54.9")).contains("FAIL");
    assertThat(lib("target fps '>=' 55 fps 55")).contains("PASS");
    assertThat(lib("target fps '>=' 55 fps ''")).contains("N/A");
    assertThat(lib("target fps '>=' 55 fps NA; echo failures=$TARGET_FAILURES"))
        .contains("N/A", "failures=0");
    assertThat(lib("target a '<' 1 ms 2; target b '<' 1 ms 3; echo failures=$TARGET_FAILURES"))
        .endsWith("failures=2");
  }

  @Test
  void reportOfACannedRun() throws Exception {
    Path run = canned("phases.txt").getParent();
    String report =
        lib("OUT=" + run + " HZ=100; report '1.00 2.00 3.00' 278528 405504 | sed 's/  */ /g'");
    assertThat(report)
        .contains(
            "dialog API p99 < 100 ms 260 ms FAIL",
            "dialog API errors = 0 0 PASS",
            "first token p99 < 500 ms 209.7 ms PASS",
            "stream errors = 0 0 PASS",
            "dashboard 100: frames/s, min >= 55 fps 34.4 fps FAIL",
            "dashboard 1000: frames/s, min >= 55 fps 33.4 fps FAIL",
            "dashboard sockets dropped = 0 0 PASS",
            "events/s >= 10000 /s - N/A not offered",
            "concurrent dialogs >= 1000 1230 PASS",
            "memory (peak RSS) < 500 MB 396 MB PASS",
            "CPU, steady state < 50 % 24.6 % PASS",
            "3 target(s) failed");
    // The phase table: dashboard frames made, sent and skipped from the Prometheus deltas.
    assertThat(report)
        .containsPattern("dashboard-100 11\\.3 63\\.1 [0-9]+ 147 34 3354 0 15\\.0 NA NA");
  }

  private String lib(String command) throws Exception {
    Result r = run("bash", "-c", "source " + LIB + "; " + command);
    assertThat(r.exit).as("%s: %s", command, r.err).isZero();
    return r.out.strip();
  }

  private Path write(String name, String... lines) throws IOException {
    return Files.writeString(temp.resolve(name), String.join("", lines), StandardCharsets.UTF_8);
  }

  private static Path canned(String name) throws URISyntaxException {
    var url = BenchmarkScriptTest.class.getResource("/benchmark-run/" + name);
    assertThat(url).as("test resource benchmark-run/%s", name).isNotNull();
    return Path.of(url.toURI());
  }

  private record Result(int exit, String out, String err) {}

  private static Result run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).directory(ROOT.toFile()).start();
    p.getOutputStream().close();
    var out = p.getInputStream().readAllBytes();
    var err = p.getErrorStream().readAllBytes();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("timed out: " + String.join(" ", command));
    }
    return new Result(
        p.exitValue(),
        new String(out, StandardCharsets.UTF_8),
        new String(err, StandardCharsets.UTF_8));
  }

  private static Path repositoryRoot() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("scripts/benchmark.sh"))) {
        return dir;
      }
    }
    throw new IllegalStateException(
        "scripts/benchmark.sh not found above " + Path.of("").toAbsolutePath());
  }
}
