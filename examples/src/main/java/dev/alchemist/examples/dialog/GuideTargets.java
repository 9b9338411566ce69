package dev.alchemist.examples.dialog;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Grades a {@link DialogReport} against the performance guide's targets: the table the demo and the
 * load scenario print, one row per target with PASS, FAIL or "report" (a figure that is shown but
 * cannot be graded by this run, such as a first token that includes a simulated delay).
 */
public final class GuideTargets {
  /**
   * What the SDK may add to the model's first token, at p99: a tenth of the guide's 500 ms budget,
   * leaving the rest to the model.
   */
  public static final int SDK_FIRST_TOKEN_BUDGET_MILLIS = 50;

  private GuideTargets() {}

  /**
   * One row of the table.
   *
   * @param result {@code PASS}, {@code **FAIL**} or {@code report}
   */
  public record Row(String target, String guide, String measured, String result) {
    /** Whether this row is a failed target. */
    public boolean failed() {
      return result.contains("FAIL");
    }
  }

  /** A graded row. */
  public static Row graded(String target, String guide, String measured, boolean pass) {
    return new Row(target, guide, measured, pass ? "PASS" : "**FAIL**");
  }

  /** A row shown but not graded. */
  public static Row reported(String target, String guide, String measured) {
    return new Row(target, guide, measured, "report");
  }

  /**
   * Every target a dialog run can grade: concurrent dialogs (graded from 1,000 users up), the
   * dialog API, the first token, the dashboard, memory and consistency.
   */
  public static List<Row> of(DialogReport r, DialogOptions o) {
    List<Row> rows = new ArrayList<>();
    String dialogs =
        String.format(
            Locale.ROOT,
            "%,d dialogs open at once (peak; %,d turns being answered at the same moment)",
            r.peakOpenDialogs(),
            r.stats().peakTurnsInFlight());
    rows.add(
        r.users() >= 1000
            ? graded("concurrent dialogs", ">= 1,000", dialogs, r.peakOpenDialogs() >= 1000)
            : reported("concurrent dialogs", ">= 1,000", dialogs + " (fewer than 1,000 users)"));
    Latency api = r.operations().get("dialog.post");
    long rejected = r.stats().turnsRejected();
    // Refusing turns keeps the accepted ones fast: it passes only while it stays rare.
    boolean fewRejected = rejected * 1000 <= Math.max(1, api.count() + rejected);
    rows.add(
        graded(
            "dialog API p99",
            "< 100 ms",
            String.format(
                Locale.ROOT,
                "%s ms (dialog.post, p50 %s ms, %,d calls; within it the commit of the user's"
                    + " message p99 %s ms, the cached history p99 %s ms; %,d turns rejected with"
                    + " HTTP 429%s%s)",
                ms(api.p99Millis()),
                ms(api.p50Millis()),
                api.count(),
                ms(r.operations().get("dialog.persist").p99Millis()),
                ms(r.operations().get("dialog.history").p99Millis()),
                rejected,
                fewRejected ? "" : ", more than 0.1 %: FAIL",
                r.ackBeforeCommit() ? "; ACKED BEFORE THE COMMIT: lost if the process dies" : ""),
            api.p99Millis() < 100 && fewRejected));
    Latency firstToken = r.firstToken();
    boolean simulated = o.openAiBaseUrl() == null && o.ollamaUrl() == null;
    if (simulated) {
      // The simulated model's own first-token delay is a constant, so a quantile of the first
      // chunk minus it is the same quantile of what the SDK adds: the shared timer's lateness under
      // load, the stream set-up and the chunk's delivery to the dashboard subscriber.
      double model = o.firstTokenLatency().toNanos() / 1e6;
      double addedP99 = r.firstChunk().p99Millis() - model;
      rows.add(
          graded(
              "first-token p99, added by the SDK",
              "< " + SDK_FIRST_TOKEN_BUDGET_MILLIS + " ms",
              String.format(
                  Locale.ROOT,
                  "%s ms: first chunk to the dashboard p99 %s ms minus the simulated model's %s ms"
                      + " to its first token (histogram buckets near it are about 20 ms wide); raw"
                      + " first token p99 %s ms, %,d streams",
                  ms(Math.max(0, addedP99)),
                  ms(r.firstChunk().p99Millis()),
                  ms(model),
                  ms(firstToken.p99Millis()),
                  r.firstChunk().count()),
              addedP99 < SDK_FIRST_TOKEN_BUDGET_MILLIS));
    }
    String rawFirstToken =
        String.format(
            Locale.ROOT,
            "%s ms (%s; first chunk p99 %s ms)",
            ms(firstToken.p99Millis()),
            simulated
                ? "the simulated model's own "
                    + o.firstTokenLatency().toMillis()
                    + " ms included, so it is reported, not graded"
                : "a real model",
            ms(r.firstChunk().p99Millis()));
    rows.add(
        simulated
            ? reported("first-token p99, raw", "< 500 ms", rawFirstToken)
            : graded("first-token p99", "< 500 ms", rawFirstToken, firstToken.p99Millis() < 500));
    rows.add(
        graded(
            "dashboard update rate",
            "60 fps (>= 57)",
            String.format(Locale.ROOT, "%.1f fps", r.framesPerSecond()),
            r.framesPerSecond() >= 57));
    long rss = r.memory().peakRssBytes();
    rows.add(
        graded(
            "memory",
            "< 500 MB RSS",
            String.format(
                Locale.ROOT,
                "%.0f MB peak RSS (VmHWM; heap peak %.0f MB)",
                rss / 1e6,
                r.peakHeapBytes() / 1e6),
            rss > 0 && rss < 500_000_000L));
    rows.add(graded("consistency", "nothing lost", consistency(r), r.inconsistencies().isEmpty()));
    return rows;
  }

  /** Prints the table, and what a FAIL means, to {@code out}. */
  public static void print(PrintStream out, List<Row> rows) {
    out.println();
    out.println("| target | guide | measured | result |");
    out.println("|---|---|---|---|");
    for (Row row : rows) {
      out.println(
          "| "
              + String.join(" | ", row.target(), row.guide(), row.measured(), row.result())
              + " |");
    }
    if (rows.stream().anyMatch(Row::failed)) {
      out.println();
      out.println(
          "A FAIL is this run on this machine: the guide's targets are for a service with its"
              + " cores to itself. On a machine busy with other work (a build, the servers on the"
              + " same cores) latency targets fail first: the commit of a message waits for CPU."
              + " The operation table above shows which stage took the time (the row's wait for"
              + " its batch, the batch's commit, the pool, GC, the worker pools); the consistency"
              + " row counts what was stored and relayed, so a latency FAIL loses nothing.");
    }
  }

  private static String consistency(DialogReport r) {
    List<String> problems = r.inconsistencies();
    DialogStats s = r.stats();
    return problems.isEmpty()
        ? String.format(
            Locale.ROOT,
            "%,d messages persisted = sent, %,d events received = published, %s0 errors",
            s.messagesPersisted(),
            s.eventsReceived(),
            s.eventsAcked() >= 0 ? "= acked, " : "")
        : String.join("; ", problems);
  }

  static String ms(double v) {
    return String.format(Locale.ROOT, v < 10 ? "%.2f" : "%.1f", v);
  }
}
