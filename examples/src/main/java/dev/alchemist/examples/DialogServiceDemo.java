package dev.alchemist.examples;

import dev.alchemist.core.DomainStats;
import dev.alchemist.examples.dialog.DialogLoad;
import dev.alchemist.examples.dialog.DialogOptions;
import dev.alchemist.examples.dialog.DialogReport;
import dev.alchemist.examples.dialog.DialogService;
import dev.alchemist.examples.dialog.GuideTargets;
import dev.alchemist.examples.dialog.WarmUp;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;

/**
 * The flagship example: N simulated users chatting at once with a dialog service built from every
 * Alchemist module, on embedded defaults (H2, local cache, in-process bus, simulated model) or on
 * real services chosen by flags. Prints a progress line every second and a summary table at the
 * end.
 *
 * <pre>
 * bash scripts/demo.sh                          # 200 users x 3 turns, no services needed
 * bash scripts/demo.sh --users 1000
 * bash scripts/demo.sh --redis redis://127.0.0.1:6379 --nats nats://127.0.0.1:4222 \
 *     --jdbc jdbc:postgresql://127.0.0.1:5432/test --jdbc-user postgres --prefix demo --cleanup
 * bash scripts/demo.sh --help
 * </pre>
 *
 * <p>Exit status: 0 when the summary is consistent (messages persisted = sent, events received =
 * published, no errors), 1 when it is not, 2 for bad options.
 */
public final class DialogServiceDemo {

  private DialogServiceDemo() {}

  public static void main(String[] args) throws Exception {
    DialogOptions options;
    try {
      options = DialogOptions.parse(args);
    } catch (DialogOptions.HelpRequested e) {
      System.out.println("usage: java -jar examples/target/examples.jar [options]");
      System.out.println(DialogOptions.USAGE);
      return;
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.err.println(DialogOptions.USAGE);
      System.exit(2);
      return;
    }
    DialogReport report = run(options, System.out);
    // Exit explicitly: a client library's non-daemon thread must not keep a finished demo alive.
    System.exit(report.inconsistencies().isEmpty() ? 0 : 1);
  }

  /**
   * Runs the demo with {@code options}, prints progress and the summary to {@code out}, and returns
   * the report (the smoke test checks it).
   */
  public static DialogReport run(DialogOptions options, PrintStream out) throws Exception {
    out.printf(
        Locale.ROOT,
        "Alchemist dialog service: %d users arriving within %.1f s (--ramp-up), %s%n  %s%n",
        options.users(),
        options.rampUp().toMillis() / 1000.0,
        options.turns() == 0 ? "turns for " + options.duration() : options.turns() + " turns each",
        options.backends());
    WarmUp.run(options, out);
    try (DialogService service = DialogService.start(options)) {
      out.println("  Prometheus endpoint: " + service.metricsUri());
      Duration guard =
          Duration.ofMinutes(10)
              .plus(options.duration() == null ? Duration.ZERO : options.duration());
      DialogReport report = new DialogLoad(service, out).run(guard);
      report.print(out);
      printDomainStats(out, service.domainStats());
      GuideTargets.print(out, GuideTargets.of(report, options));
      return report;
    }
  }

  /** What the dashboard shows of {@code domain_stats}: the projection's rollups, per domain. */
  static void printDomainStats(PrintStream out, java.util.List<DomainStats> stats) {
    out.println("  domain_stats (last hour, from the rollups the projection keeps):");
    if (stats.isEmpty()) {
      out.println("    (no events)");
    }
    for (DomainStats s : stats) {
      out.printf(
          Locale.ROOT,
          "    %-10s %,d events, %,d sessions, last at %s%n",
          s.domain(),
          s.eventCount(),
          s.uniqueSessions(),
          s.lastEventAt());
    }
  }
}
