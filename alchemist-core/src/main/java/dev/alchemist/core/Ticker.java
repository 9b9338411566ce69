package dev.alchemist.core;

/**
 * A source of monotonic nanosecond time, so that tests can drive time by hand instead of sleeping.
 * Only differences between two readings are meaningful, as with {@link System#nanoTime()}.
 *
 * <p>Implementations must be thread-safe: the debouncers, caches, publishers and token streams of
 * every module read the ticker from producer and scheduler threads.
 */
@FunctionalInterface
public interface Ticker {
  /** Returns the current time in nanoseconds from an arbitrary origin. */
  long read();

  /** Returns the ticker backed by {@link System#nanoTime()}. */
  static Ticker system() {
    return System::nanoTime;
  }
}
