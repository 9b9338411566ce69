package dev.alchemist.core;

import java.time.Duration;

/**
 * Argument checks whose messages name the field, the value and the limit, so that a bad input reads
 * the same wherever it is caught.
 */
public final class Checks {

  /** Longest identifier token (domain, entity, event type) the model accepts. */
  public static final int MAX_TOKEN_LENGTH = 64;

  private Checks() {}

  /** Returns {@code value} or throws if it is null. */
  public static <T> T notNull(String field, T value) {
    if (value == null) {
      throw new IllegalArgumentException(field + " must not be null");
    }
    return value;
  }

  /** Returns {@code value} or throws if it is null, empty or only whitespace. */
  public static String notBlank(String field, String value) {
    notNull(field, value);
    if (value.isBlank()) {
      throw new IllegalArgumentException(field + " must not be blank");
    }
    return value;
  }

  /** Returns {@code value} or throws if it is negative. */
  public static long notNegative(String field, long value) {
    if (value < 0) {
      throw new IllegalArgumentException(field + " must not be negative but was " + value);
    }
    return value;
  }

  /** Returns {@code value} or throws if it is not at least 1. */
  public static long positive(String field, long value) {
    if (value <= 0) {
      throw new IllegalArgumentException(field + " must be positive but was " + value);
    }
    return value;
  }

  /** Returns {@code value} or throws if it is null, zero or negative. */
  public static Duration positive(String field, Duration value) {
    notNull(field, value);
    if (value.isZero() || value.isNegative()) {
      throw new IllegalArgumentException(field + " must be positive but was " + value);
    }
    return value;
  }

  /** Returns {@code value} or throws if it is null, not positive, or beyond {@code max}. */
  public static Duration positive(String field, Duration value, Duration max) {
    positive(field, value);
    if (value.compareTo(max) > 0) {
      throw new IllegalArgumentException(field + " must be at most " + max + " but was " + value);
    }
    return value;
  }

  /** Returns {@code value} or throws unless it is finite and within {@code [0, max]}. */
  public static double nonNegative(String field, double value, double max) {
    if (!Double.isFinite(value) || value < 0) {
      throw new IllegalArgumentException(field + " must be finite and >= 0 but was " + value);
    }
    return atMost(field, value, max);
  }

  /** Returns {@code value} or throws unless it is finite and within {@code (0, max]}. */
  public static double positive(String field, double value, double max) {
    if (!Double.isFinite(value) || value <= 0) {
      throw new IllegalArgumentException(field + " must be finite and > 0 but was " + value);
    }
    return atMost(field, value, max);
  }

  private static double atMost(String field, double value, double max) {
    if (value > max) {
      throw new IllegalArgumentException(field + " must be at most " + max + " but was " + value);
    }
    return value;
  }

  /** Returns {@code value} or throws if it is below {@code min}. */
  public static int atLeast(String field, int value, int min) {
    if (value < min) {
      throw new IllegalArgumentException(field + " must be >= " + min + " but was " + value);
    }
    return value;
  }

  /** Returns {@code value} or throws if it lies outside {@code [min, max]}. */
  public static long inRange(String field, long value, long min, long max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(
          field + " must be between " + min + " and " + max + " but was " + value);
    }
    return value;
  }

  /**
   * Returns {@code value} or throws unless it is an identifier token: 1 to {@value
   * #MAX_TOKEN_LENGTH} characters of {@code [a-z0-9_-]}. Domains, entities and event types are such
   * tokens because they become NATS subject tokens, Redis key parts and metric tag values.
   */
  public static String token(String field, String value) {
    notNull(field, value);
    if (value.isEmpty() || value.length() > MAX_TOKEN_LENGTH) {
      throw new IllegalArgumentException(
          field
              + " must be 1 to "
              + MAX_TOKEN_LENGTH
              + " characters but was "
              + value.length()
              + " ('"
              + abbreviate(value)
              + "')");
    }
    if (!isTokenText(value)) {
      throw new IllegalArgumentException(
          field + " must match [a-z0-9_-]+ but was '" + abbreviate(value) + "'");
    }
    return value;
  }

  /**
   * Whether every char is one of {@code [a-z0-9_-]}. A loop, not the regex: events are built and
   * decoded per message, and a {@code Matcher} per token was most of what building one allocated.
   */
  private static boolean isTokenText(String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '-')) {
        return false;
      }
    }
    return true;
  }

  private static String abbreviate(String value) {
    return value.length() <= 80 ? value : value.substring(0, 77) + "...";
  }
}
