package dev.alchemist.core.flow.internal;

import java.time.Duration;
import java.util.Objects;

/**
 * Argument checks whose messages name the field, the value and the limit, as in {@code "interval
 * must be positive but was PT0S"}.
 */
public final class Checks {
  private Checks() {}

  /** Returns {@code value} if it is positive and at most {@code max}. */
  public static Duration positive(String field, Duration value, Duration max) {
    Objects.requireNonNull(value, field);
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(field + " must be positive but was " + value);
    }
    if (value.compareTo(max) > 0) {
      throw new IllegalArgumentException(field + " must be at most " + max + " but was " + value);
    }
    return value;
  }

  /** Returns {@code value} if it is finite and within {@code [0, max]}. */
  public static double nonNegative(String field, double value, double max) {
    if (!Double.isFinite(value) || value < 0) {
      throw new IllegalArgumentException(field + " must be finite and >= 0 but was " + value);
    }
    return atMost(field, value, max);
  }

  /** Returns {@code value} if it is finite and within {@code (0, max]}. */
  public static double positive(String field, double value, double max) {
    if (!Double.isFinite(value) || value <= 0) {
      throw new IllegalArgumentException(field + " must be finite and > 0 but was " + value);
    }
    return atMost(field, value, max);
  }

  /** Returns {@code value} if it is at least {@code min}. */
  public static int atLeast(String field, int value, int min) {
    if (value < min) {
      throw new IllegalArgumentException(field + " must be >= " + min + " but was " + value);
    }
    return value;
  }

  /** Returns {@code value} if it is not blank. */
  public static String notBlank(String field, String value) {
    Objects.requireNonNull(value, field);
    if (value.isBlank()) {
      throw new IllegalArgumentException(field + " must not be blank but was '" + value + "'");
    }
    return value;
  }

  private static double atMost(String field, double value, double max) {
    if (value > max) {
      throw new IllegalArgumentException(field + " must be at most " + max + " but was " + value);
    }
    return value;
  }
}
