package dev.alchemist.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.alchemist.examples.dialog.DialogLoad;
import dev.alchemist.examples.dialog.DialogOptions;
import dev.alchemist.examples.dialog.DialogReport;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DialogServiceDemoTest {

  private static final int USERS = 12;
  private static final int TURNS = 3;

  @Test
  void run_embeddedDefaultsFewUsers_summaryIsConsistent() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    DialogReport report =
        DialogServiceDemo.run(FastDemo.options(USERS, TURNS, "--warm-up", "20"), out);

    var s = report.stats();
    assertThat(report.inconsistencies()).isEmpty();
    assertThat(s.errors()).isZero();
    assertThat(s.dialogsOpened()).isEqualTo(USERS);
    assertThat(s.turnsDone()).isEqualTo(USERS * TURNS);
    // Two messages per turn: sent = persisted = counted in the store.
    assertThat(s.messagesSent()).isEqualTo(USERS * TURNS * 2);
    assertThat(s.messagesPersisted()).isEqualTo(s.messagesSent());
    assertThat(report.messagesInStore()).isEqualTo(s.messagesSent());
    // One "opened" per dialog, then per turn: the question, the answer, reply completed.
    assertThat(s.eventsPublished()).isEqualTo(USERS + USERS * TURNS * 3);
    assertThat(s.eventsReceived()).isEqualTo(s.eventsPublished());
    assertThat(s.eventsAcked()).isEqualTo(-1); // in-process bus: no acks
    // Opening a dialog writes its empty history through the cache: every turn hits, none loads.
    assertThat(report.cacheGets()).isEqualTo(USERS * TURNS);
    assertThat(report.cacheHits()).isEqualTo(USERS * TURNS);
    assertThat(s.historyLoads()).isZero();
    assertThat(s.dashboardFrames()).isPositive();
    assertThat(report.peakOpenDialogs()).isBetween(1, USERS);
    assertThat(s.peakTurnsInFlight()).isBetween(1, USERS);
    for (String op : DialogLoad.OPERATIONS) {
      long expected = op.equals("dialog.open") ? USERS : USERS * TURNS;
      assertThat(report.operations().get(op).count()).as(op).isEqualTo(expected);
    }
    assertThat(report.firstChunk().count()).isEqualTo(USERS * TURNS);
    assertThat(report.metricsUri()).startsWith("http://127.0.0.1:").endsWith("/metrics");

    String printed = bytes.toString(StandardCharsets.UTF_8);
    assertThat(printed)
        // The warm-up runs on its own service: none of its counts reach the report above.
        .contains("warm-up: 20 users x 2 turns on a throwaway embedded service")
        .contains("| dialogs ")
        .contains("events/s")
        .contains("dialog.post")
        .contains("first chunk")
        .contains("cache hit ratio")
        .contains("dashboard frames/s")
        .contains("RSS peak")
        .contains("Prometheus endpoint was http://127.0.0.1:")
        // The guide's targets, graded; with fewer than 1,000 users concurrency is only reported.
        .contains("| target | guide | measured | result |")
        .containsPattern("\\| dialog API p99 \\| < 100 ms \\| .* \\| (PASS|\\*\\*FAIL\\*\\*) \\|")
        .containsPattern("\\| concurrent dialogs \\| >= 1,000 \\| .* \\| report \\|")
        .containsPattern("\\| consistency \\| nothing lost \\| .* \\| PASS \\|")
        .doesNotContain("INCONSISTENT")
        // Every event went outbox -> relay -> bus -> projection -> rollups, counted once.
        .contains("domain_stats (last hour, from the rollups the projection keeps):")
        .containsPattern(
            "dialog\\s+"
                + String.format(java.util.Locale.ROOT, "%,d", s.eventsPublished())
                + " events, "
                + USERS
                + " sessions");
  }

  @Test
  void parse_unknownFlag_namesIt() {
    assertThatThrownBy(() -> DialogOptions.parse("--userz", "3"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("unknown option --userz");
  }

  @Test
  void parse_badValues_sayWhichAndWhy() {
    assertThatThrownBy(() -> DialogOptions.parse("--users", "0"))
        .hasMessage("--users must be >= 1 but was 0");
    assertThatThrownBy(() -> DialogOptions.parse("--duration", "ten"))
        .hasMessage("--duration must be a duration like 500ms, 30s, 2m or PT30S but was 'ten'");
    assertThatThrownBy(() -> DialogOptions.parse("--turns", "0"))
        .hasMessage("--turns 0 needs --duration");
    assertThatThrownBy(() -> DialogOptions.parse("--cleanup"))
        .hasMessage("--cleanup needs --prefix (it drops what the run made)");
    assertThatThrownBy(() -> DialogOptions.parse("--prefix", "Bad-Name"))
        .hasMessage("--prefix must match [a-z][a-z0-9_]{0,40} but was 'Bad-Name'");
    assertThatThrownBy(() -> DialogOptions.parse("--users")).hasMessage("--users needs a value");
    assertThatThrownBy(() -> DialogOptions.parse("--writer-lanes", "0"))
        .hasMessage("--writer-lanes must be >= 1 but was 0");
    assertThatThrownBy(() -> DialogOptions.parse("--writer-lanes", "5"))
        .hasMessage("--writer-lanes must be <= 4 but was 5");
    assertThatThrownBy(() -> DialogOptions.parse("--warm-up", "-1"))
        .hasMessage("--warm-up must be >= 0 but was -1");
  }

  @Test
  void parse_defaults_warmUpAndRampUpBeforeTheClock() {
    DialogOptions o = DialogOptions.defaults();

    assertThat(o.warmUpUsers()).isEqualTo(300);
    assertThat(o.rampUp()).isEqualTo(java.time.Duration.ofSeconds(2));
    assertThat(DialogOptions.parse("--warm-up", "0").warmUpUsers()).isZero();
  }

  @Test
  void backends_urlWithPassword_isRedacted() {
    DialogOptions o =
        DialogOptions.parse(
            "--redis", "redis://:hunter2@10.0.0.1:6379",
            "--jdbc", "jdbc:postgresql://h/db?user=a&password=hunter2");

    assertThat(o.backends())
        .doesNotContain("hunter2")
        .contains("redis://***@10.0.0.1:6379")
        .contains("password=***");
  }
}
