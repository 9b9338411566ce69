package dev.alchemist.core.flow.internal;

/**
 * The grid that paces deliveries of one debouncer key or one fan-out connection. A delivery that
 * runs late, because the timer thread woke after its time (a few milliseconds on a busy machine),
 * is counted from when it was due rather than from when it ran, up to half an interval. Counting
 * from when it ran would stretch every interval by the lateness: a 16 ms interval with a timer 4 ms
 * late would make 50 frames a second instead of 62. So the rate stays one per interval on average,
 * and two deliveries are never closer than half an interval. A delivery after an idle stretch (more
 * than one interval late) starts the grid again.
 */
final class Pacing {
  private Pacing() {}

  /**
   * When the delivery that starts at {@code now} counts as made, for spacing the next one; {@code
   * due} is when it was allowed at the earliest.
   */
  static long countedFrom(long due, long now, long intervalNanos) {
    long late = now - due;
    if (late <= 0 || late >= intervalNanos) {
      return now;
    }
    return now - Math.min(late, intervalNanos / 2);
  }
}
