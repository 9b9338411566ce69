package dev.alchemist.bench.load;

import java.io.PrintStream;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Decides when a warm-up has done its work: after a round in which the JIT compiled for less than
 * {@link #QUIET_SHARE} of the round's time, or after the last allowed round. Reads the JVM's
 * accumulated compilation time ({@link CompilationMXBean}: the compiler threads' elapsed time, so
 * on a busy machine it includes their waits for a core, which is what the measured run would share
 * its cores with).
 */
final class JitQuiet {
  /** A round is quiet when the compilers took less than this share of one core through it. */
  static final double QUIET_SHARE = 0.10;

  private final LongSupplier nanoTime;
  private final LongSupplier compileMillis;
  private final int maxRounds;
  private int round;
  private long roundStartNanos;
  private long roundStartCompileMillis;

  /**
   * @param maxRounds at least 1
   * @throws IllegalArgumentException if {@code maxRounds < 1}
   */
  JitQuiet(int maxRounds) {
    this(maxRounds, System::nanoTime, JitQuiet::jvmCompileMillis);
  }

  /** With the clock and the JIT's accumulated compile time (ms) given, for tests. */
  JitQuiet(int maxRounds, LongSupplier nanoTime, LongSupplier compileMillis) {
    this.nanoTime = nanoTime;
    this.compileMillis = compileMillis;
    if (maxRounds < 1) {
      throw new IllegalArgumentException(
          "LoadScenario --warm-up-rounds must be at least 1, was " + maxRounds);
    }
    this.maxRounds = maxRounds;
  }

  /** Rounds ended so far. */
  int round() {
    return round;
  }

  void roundStarted() {
    roundStartNanos = nanoTime.getAsLong();
    roundStartCompileMillis = compileMillis();
  }

  /**
   * Prints the round's compile share to {@code out}.
   *
   * @return true when the warm-up is done: this round was quiet, or it was the last allowed
   */
  boolean roundEnded(PrintStream out) {
    round++;
    double seconds = (nanoTime.getAsLong() - roundStartNanos) / 1e9;
    double compiled = (compileMillis() - roundStartCompileMillis) / 1e3;
    double share = compiled / Math.max(1e-3, seconds);
    boolean quiet = share < QUIET_SHARE;
    boolean last = round >= maxRounds;
    out.printf(
        Locale.ROOT,
        "  round %d: %.1f s, JIT compiling %.1f s (%.0f %% of a core)%s%n",
        round,
        seconds,
        compiled,
        share * 100,
        quiet
            ? ": quiet, warm-up done"
            : last ? ": still compiling after the last round (--warm-up-rounds)" : "");
    return quiet || last;
  }

  /** The JIT's compile time so far, in ms. */
  long compileMillis() {
    return compileMillis.getAsLong();
  }

  /** The JIT's compile time since the JVM started, in ms; 0 where the JVM does not say. */
  private static long jvmCompileMillis() {
    CompilationMXBean compiler = ManagementFactory.getCompilationMXBean();
    return compiler != null && compiler.isCompilationTimeMonitoringSupported()
        ? compiler.getTotalCompilationTime()
        : 0;
  }
}
