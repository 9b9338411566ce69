package dev.alchemist.examples.dialog;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a run of the dialog flow measured, and the summary table printed from it. Immutable.
 *
 * @param users simulated users
 * @param turnsPerUser turns each user was to take (0: until the duration)
 * @param backends where each part ran
 * @param stats the service's counters after the run
 * @param peakOpenDialogs most dialogs open at once (created, last turn not yet ended)
 * @param elapsed from the first user's start to the last turn's end
 * @param messagesInStore messages the store holds for the run's dialogs (counted with SQL)
 * @param drained whether every message and event arrived before the drain timeout
 * @param operations latency of each tracked operation (successful calls)
 * @param firstChunk request to first chunk ({@code alchemist.ai.first.chunk})
 * @param firstToken request to first token ({@code alchemist.ai.first.token})
 * @param cacheGets gets of the dialog history cache
 * @param cacheHits of which hits (near cache or store)
 * @param peakHeapBytes largest heap use seen (sampled every 250 ms)
 * @param memory peak and current resident set size at the end
 * @param metricsUri where the Prometheus endpoint listened
 * @param maxStoreWaiting the admission bound ({@link DialogOptions#maxStoreWaiting()})
 * @param ackBeforeCommit whether posts completed before their commit ({@link
 *     DialogOptions#ackBeforeCommit()}): durability traded for latency
 */
public record DialogReport(
    int users,
    int turnsPerUser,
    String backends,
    DialogStats stats,
    int peakOpenDialogs,
    Duration elapsed,
    long messagesInStore,
    boolean drained,
    Map<String, Latency> operations,
    Latency firstChunk,
    Latency firstToken,
    long cacheGets,
    long cacheHits,
    long peakHeapBytes,
    ProcessMemory memory,
    String metricsUri,
    int maxStoreWaiting,
    boolean ackBeforeCommit) {

  /** What the report says about durability when posts completed before their commit. */
  public static final String ACK_BEFORE_COMMIT_WARNING =
      "--ack-before-commit: a post completed when its message was queued to the writer, before the"
          + " commit; such a message is LOST if the process dies before its batch commits";

  /** Events received per second of the run. */
  public double eventsPerSecond() {
    return stats.eventsReceived() / seconds();
  }

  /** Dashboard frames rendered per second of the run. */
  public double framesPerSecond() {
    return stats.dashboardFrames() / seconds();
  }

  /** Hits over gets of the dialog history cache, 0..1 (NaN without gets). */
  public double cacheHitRatio() {
    return cacheGets == 0 ? Double.NaN : (double) cacheHits / cacheGets;
  }

  /**
   * What does not add up: messages persisted and stored must equal messages sent, events received
   * must equal events published, and nothing may have failed. Empty when the run is consistent.
   */
  public List<String> inconsistencies() {
    List<String> problems = new ArrayList<>();
    DialogStats s = stats;
    if (s.messagesPersisted() != s.messagesSent()) {
      problems.add("messages persisted " + s.messagesPersisted() + " != sent " + s.messagesSent());
    }
    if (messagesInStore != s.messagesSent()) {
      problems.add("messages in store " + messagesInStore + " != sent " + s.messagesSent());
    }
    if (s.eventsReceived() != s.eventsPublished()) {
      problems.add(
          "events received " + s.eventsReceived() + " != published " + s.eventsPublished());
    }
    if (s.eventsAcked() >= 0 && s.eventsAcked() != s.eventsPublished()) {
      problems.add("events acked " + s.eventsAcked() + " != published " + s.eventsPublished());
    }
    if (s.errors() > 0) {
      problems.add(s.errors() + " errors, first: " + s.firstError());
    }
    if (!drained) {
      problems.add("writes or events still pending after the drain timeout");
    }
    return problems;
  }

  /** Prints the summary table. */
  public void print(PrintStream out) {
    DialogStats s = stats;
    out.printf(
        Locale.ROOT,
        "%nAlchemist dialog service: %d users x %s in %.1f s%n  %s%n%n",
        users,
        turnsPerUser == 0 ? "turns until the deadline" : turnsPerUser + " turns",
        seconds(),
        backends);
    List<String[]> rows = new ArrayList<>();
    rows.add(row("dialogs", n(s.dialogsOpened())));
    rows.add(row("turns completed", n(s.turnsDone())));
    rows.add(
        row(
            "messages sent / persisted / in store",
            n(s.messagesSent()) + " / " + n(s.messagesPersisted()) + " / " + n(messagesInStore)));
    rows.add(
        row(
            "events published / received" + (s.eventsAcked() >= 0 ? " / acked" : ""),
            n(s.eventsPublished())
                + " / "
                + n(s.eventsReceived())
                + (s.eventsAcked() >= 0 ? " / " + n(s.eventsAcked()) : "")));
    rows.add(row("events/s", n(Math.round(eventsPerSecond()))));
    rows.add(
        row(
            "concurrent dialogs: open / turns in flight (peak)",
            n(peakOpenDialogs) + " / " + n(s.peakTurnsInFlight())));
    rows.add(
        row(
            "cache hit ratio (dialog_history)",
            String.format(
                Locale.ROOT,
                "%.1f %% (%s of %s gets, %s loads)",
                100 * cacheHitRatio(),
                n(cacheHits),
                n(cacheGets),
                n(s.historyLoads()))));
    rows.add(
        row(
            "dashboard frames/s",
            String.format(
                Locale.ROOT, "%.1f (%s frames)", framesPerSecond(), n(s.dashboardFrames()))));
    rows.add(row("answer chunks / preview frames", n(s.chunks()) + " / " + n(s.previewFrames())));
    rows.add(row("peak heap used (sampled)", mb(peakHeapBytes)));
    rows.add(
        row(
            "RSS peak (VmHWM) / now (VmRSS)",
            mb(memory.peakRssBytes()) + " / " + mb(memory.rssBytes())));
    rows.add(
        row(
            "turns rejected at once (HTTP 429)",
            n(s.turnsRejected())
                + " (messages waiting for their commit: peak "
                + n(s.peakStoreWaiting())
                + ", bound --max-store-waiting "
                + n(maxStoreWaiting)
                + ")"));
    rows.add(
        row(
            "post acknowledged",
            ackBeforeCommit
                ? "when queued, BEFORE the commit (--ack-before-commit: lost if the process dies)"
                : "after the commit"));
    rows.add(row("errors", n(s.errors())));
    table(out, new String[] {"figure", "value"}, rows);

    out.println();
    List<String[]> ops = new ArrayList<>();
    operations.forEach((name, l) -> ops.add(latencyRow(name, l)));
    ops.add(latencyRow("first chunk (alchemist.ai.first.chunk)", firstChunk));
    ops.add(latencyRow("first token (alchemist.ai.first.token)", firstToken));
    table(out, new String[] {"operation", "count", "p50 ms", "p99 ms", "max ms"}, ops);
    out.printf(
        Locale.ROOT,
        "%np50/p99 come from the Micrometer histogram buckets (interpolated like Prometheus'"
            + " histogram_quantile).%nPrometheus endpoint was %s (closed with the demo).%n",
        metricsUri);
    if (ackBeforeCommit) {
      out.println("DURABILITY: " + ACK_BEFORE_COMMIT_WARNING + ".");
    }
    List<String> problems = inconsistencies();
    if (!problems.isEmpty()) {
      out.println("INCONSISTENT: " + String.join("; ", problems));
    }
  }

  private double seconds() {
    return Math.max(1e-3, elapsed.toNanos() / 1e9);
  }

  private static String[] row(String a, String b) {
    return new String[] {a, b};
  }

  private static String[] latencyRow(String name, Latency l) {
    return new String[] {
      name, n(l.count()), ms(l.p50Millis()), ms(l.p99Millis()), ms(l.maxMillis())
    };
  }

  static void table(PrintStream out, String[] header, List<String[]> rows) {
    int[] w = new int[header.length];
    for (int i = 0; i < header.length; i++) {
      w[i] = header[i].length();
      for (String[] r : rows) {
        w[i] = Math.max(w[i], r[i].length());
      }
    }
    line(out, header, w);
    StringBuilder sep = new StringBuilder("|");
    for (int width : w) {
      sep.append("-".repeat(width + 2)).append('|');
    }
    out.println(sep);
    for (String[] r : rows) {
      line(out, r, w);
    }
  }

  private static void line(PrintStream out, String[] cells, int[] w) {
    StringBuilder sb = new StringBuilder("|");
    for (int i = 0; i < cells.length; i++) {
      String c = cells[i];
      String pad = " ".repeat(w[i] - c.length());
      // Numbers right-aligned, words left-aligned.
      boolean numeric = i > 0 && !c.isEmpty() && (Character.isDigit(c.charAt(0)) || c.equals("-"));
      sb.append(' ').append(numeric ? pad + c : c + pad).append(" |");
    }
    out.println(sb);
  }

  static String n(long v) {
    return String.format(Locale.ROOT, "%,d", v);
  }

  static String ms(double v) {
    if (Double.isNaN(v)) {
      return "-";
    }
    return String.format(Locale.ROOT, v < 10 ? "%.2f" : v < 100 ? "%.1f" : "%.0f", v);
  }

  static String mb(long bytes) {
    return bytes < 0 ? "unknown" : String.format(Locale.ROOT, "%.0f MB", bytes / 1e6);
  }
}
