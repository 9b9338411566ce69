package dev.alchemist.examples.dialog;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Warms the JVM before the measured run: a throwaway {@link DialogService} on embedded parts (its
 * own in-memory H2, local cache, in-process bus, a fast simulated model) runs the same turn path,
 * so the JIT has compiled it, H2's and the writer's classes are loaded and their first batches are
 * behind, before the clock of the measured run starts. Nothing of it reaches the measured service's
 * meters or store: it has its own registry and database, closed before the run.
 *
 * <p>Without it the demo measures a cold JVM: the first thousand posts arrive while the compiler
 * still takes one of the two cores, and H2's first batches commit in 100 ms or more.
 */
public final class WarmUp {
  private static final Duration HANG_GUARD = Duration.ofMinutes(2);

  private WarmUp() {}

  /**
   * Runs {@code options.warmUpUsers()} users of two turns each and prints one line about it to
   * {@code out}; does nothing when that is 0.
   */
  public static void run(DialogOptions options, PrintStream out) throws Exception {
    int users = options.warmUpUsers();
    if (users == 0) {
      out.println("  warm-up: none (--warm-up 0): the run below measures a cold JVM");
      return;
    }
    long start = System.nanoTime();
    DialogReport report;
    try (DialogService service = DialogService.start(options(options))) {
      report = new DialogLoad(service, out).run(HANG_GUARD);
    }
    out.printf(
        Locale.ROOT,
        "  warm-up: %d users x 2 turns on a throwaway embedded service in %.1f s, not measured"
            + " (--warm-up 0 skips it)%n",
        users,
        (System.nanoTime() - start) / 1e9);
    if (!report.inconsistencies().isEmpty()) {
      out.println("  warm-up was inconsistent: " + report.inconsistencies());
    }
  }

  /** The warm-up's options: embedded parts, a fast model, the run's writer lanes. */
  static DialogOptions options(DialogOptions run) {
    List<String> args = new ArrayList<>();
    args.addAll(List.of("--users", String.valueOf(run.warmUpUsers()), "--turns", "2"));
    args.addAll(List.of("--think", "20ms", "--ramp-up", "300ms"));
    args.addAll(List.of("--first-token", "5ms", "--tokens-per-second", "2000"));
    args.addAll(List.of("--tokens", String.valueOf(run.tokensPerAnswer())));
    args.addAll(List.of("--writer-lanes", String.valueOf(run.writerLanes())));
    args.addAll(List.of("--max-store-waiting", String.valueOf(run.maxStoreWaiting())));
    if (run.ackBeforeCommit()) {
      args.add("--ack-before-commit");
    }
    args.addAll(List.of("--warm-up", "0", "--quiet"));
    return DialogOptions.parse(args.toArray(String[]::new));
  }
}
