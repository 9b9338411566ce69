package dev.alchemist.nats;

import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * A subscription pattern with the NATS wildcards: {@code *} matches exactly one token, a final
 * {@code >} matches one or more tokens. Examples: {@code cim.*.*.created} (every creation), {@code
 * cim.dialog.>} (everything of the dialog domain).
 *
 * <p>{@link #matches} follows the NATS server's semantics exactly (a property test compares it with
 * what a real {@code nats-server} delivers), so the in-process bus routes as NATS does. Wildcards
 * must be whole tokens ({@code a*} is rejected rather than treated as a literal, as NATS would).
 *
 * <p>Immutable and thread-safe; {@link #matches} allocates nothing.
 */
public final class SubjectPattern {
  private static final byte LITERAL = 0;
  private static final byte ONE = 1;
  private static final byte REST = 2;

  private final String value;
  private final String[] tokens;
  private final byte[] kinds;

  private SubjectPattern(String value) {
    this.value = value;
    this.tokens = value.split("\\.", -1);
    this.kinds = new byte[tokens.length];
    for (int i = 0; i < tokens.length; i++) {
      kinds[i] = tokens[i].equals("*") ? ONE : tokens[i].equals(">") ? REST : LITERAL;
    }
  }

  /**
   * Parses a pattern: tokens as in a publish subject (see {@link Subject#validate}), except that
   * {@code *} may stand for any token and a final {@code >} for the rest.
   *
   * @throws IllegalArgumentException naming the broken rule and the pattern
   */
  public static SubjectPattern parse(String pattern) {
    SubjectRules.check("pattern", pattern, true);
    return new SubjectPattern(pattern);
  }

  /** The pattern matching exactly {@code subject}. */
  public static SubjectPattern exactly(Subject subject) {
    return new SubjectPattern(subject.toString());
  }

  /** Whether the pattern has a wildcard. */
  public boolean hasWildcard() {
    for (byte kind : kinds) {
      if (kind != LITERAL) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether a message published to {@code subject} is delivered to a subscription on this pattern.
   * An invalid publish subject (see {@link Subject#validate}) never matches.
   */
  public boolean matches(String subject) {
    return subject != null && SubjectRules.isValidPublish(subject) && matchesValid(subject);
  }

  /** Whether {@code subject} matches; see {@link #matches(String)}. */
  public boolean matches(Subject subject) {
    return matchesValid(subject.toString());
  }

  private boolean matchesValid(String subject) {
    int n = subject.length();
    int pos = 0;
    for (int i = 0; i < tokens.length; i++) {
      if (pos > n) {
        return false; // the subject has fewer tokens than the pattern
      }
      byte kind = kinds[i];
      if (kind == REST) {
        return true; // at least one token is left, and valid subjects have no empty token
      }
      int end = subject.indexOf('.', pos);
      if (end < 0) {
        end = n;
      }
      if (kind == LITERAL) {
        String token = tokens[i];
        if (end - pos != token.length() || !subject.regionMatches(pos, token, 0, token.length())) {
          return false;
        }
      }
      pos = end + 1;
    }
    return pos > n;
  }

  /** The pattern string, e.g. {@code cim.*.*.created}. */
  @Override
  public String toString() {
    return value;
  }

  @Override
  public boolean equals(@Nullable Object other) {
    return this == other || (other instanceof SubjectPattern p && value.equals(p.value));
  }

  @Override
  public int hashCode() {
    return value.hashCode() * 31 + Arrays.hashCode(kinds);
  }
}
