package dev.alchemist.nats;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * Parses the sizes and durations of configuration files: {@code 10GB}, {@code 7d}, {@code PT2M}.
 */
final class Sizes {
  private Sizes() {}

  /**
   * Bytes: a number with an optional unit B, K/KB/KiB, M/MB/MiB, G/GB/GiB, T/TB/TiB (1024-based).
   */
  static long parseBytes(String text) {
    String s = text.trim().toUpperCase(Locale.ROOT).replace("IB", "B");
    if (s.equals("-1")) {
      return -1;
    }
    long multiplier = 1;
    String number = s;
    String[][] units = {{"TB", "T"}, {"GB", "G"}, {"MB", "M"}, {"KB", "K"}, {"B", "B"}};
    long[] factors = {1L << 40, 1L << 30, 1L << 20, 1L << 10, 1};
    outer:
    for (int i = 0; i < units.length; i++) {
      for (String unit : units[i]) {
        if (s.endsWith(unit)) {
          multiplier = factors[i];
          number = s.substring(0, s.length() - unit.length()).trim();
          break outer;
        }
      }
    }
    try {
      return Math.multiplyExact(Long.parseLong(number), multiplier);
    } catch (NumberFormatException | ArithmeticException e) {
      throw new IllegalArgumentException("'" + text + "' is not a size such as 10GB or 4096", e);
    }
  }

  /** A duration: ISO-8601 ({@code PT2M}) or a number with ms, s, m, h or d. */
  static Duration parseDuration(String text) {
    String s = text.trim().toLowerCase(Locale.ROOT);
    try {
      if (s.startsWith("p")) {
        return Duration.parse(s.toUpperCase(Locale.ROOT));
      }
      if (s.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2).trim()));
      }
      long amount = Long.parseLong(s.substring(0, s.length() - 1).trim());
      return switch (s.charAt(s.length() - 1)) {
        case 's' -> Duration.ofSeconds(amount);
        case 'm' -> Duration.ofMinutes(amount);
        case 'h' -> Duration.ofHours(amount);
        case 'd' -> Duration.ofDays(amount);
        default -> throw new NumberFormatException();
      };
    } catch (NumberFormatException | DateTimeParseException | StringIndexOutOfBoundsException e) {
      throw new IllegalArgumentException(
          "'" + text + "' is not a duration such as 7d, 12h, 2m, 30s, 500ms or PT2M", e);
    }
  }
}
