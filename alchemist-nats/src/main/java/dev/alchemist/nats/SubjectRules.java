package dev.alchemist.nats;

/**
 * The NATS subject rules shared by {@link Subject}, {@link SubjectSpace} and {@link
 * SubjectPattern}. Package-private: the public entry points are {@link SubjectPattern#parse},
 * {@link Subject#validate} and the factories.
 */
final class SubjectRules {
  /** Longest subject, in characters. */
  static final int MAX_LENGTH = 255;

  /** Most tokens in one subject. */
  static final int MAX_TOKENS = 16;

  private SubjectRules() {}

  /**
   * Checks a publish subject, or a pattern when {@code pattern} is true (then {@code *} and a final
   * {@code >} are allowed as whole tokens). Returns the number of tokens.
   */
  static int check(String what, String subject, boolean pattern) {
    if (subject == null) {
      throw new IllegalArgumentException(what + " must not be null");
    }
    int n = subject.length();
    if (n == 0) {
      throw new IllegalArgumentException(what + " must not be empty");
    }
    if (n > MAX_LENGTH) {
      throw new IllegalArgumentException(
          what + " must be at most " + MAX_LENGTH + " characters but was " + n + quote(subject));
    }
    int tokens = 0;
    int start = 0;
    for (int i = 0; i <= n; i++) {
      if (i < n && subject.charAt(i) != '.') {
        char c = subject.charAt(i);
        if (c <= ' ' || c == 0x7f || Character.isWhitespace(c)) {
          throw new IllegalArgumentException(
              what + " must not contain whitespace or control characters" + quote(subject));
        }
        continue;
      }
      tokens++;
      int length = i - start;
      if (length == 0) {
        throw new IllegalArgumentException(
            what + " must not contain an empty token (token " + tokens + ")" + quote(subject));
      }
      char first = subject.charAt(start);
      if (first == '$') {
        throw new IllegalArgumentException(
            what + " must not have a token starting with '$' (reserved)" + quote(subject));
      }
      for (int j = start; j < i; j++) {
        char c = subject.charAt(j);
        if (c == '*' || c == '>') {
          if (!pattern) {
            throw new IllegalArgumentException(
                what + " must not contain wildcards '*' or '>'" + quote(subject));
          }
          if (length != 1) {
            throw new IllegalArgumentException(
                what + " may use '" + c + "' only as a whole token" + quote(subject));
          }
          if (c == '>' && i != n) {
            throw new IllegalArgumentException(
                what + " may use '>' only as the last token" + quote(subject));
          }
        }
      }
      start = i + 1;
    }
    if (tokens > MAX_TOKENS) {
      throw new IllegalArgumentException(
          what + " must have at most " + MAX_TOKENS + " tokens but had " + tokens + quote(subject));
    }
    return tokens;
  }

  /** Whether {@code subject} is a valid publish subject; never throws. */
  static boolean isValidPublish(String subject) {
    int n = subject.length();
    if (n == 0 || n > MAX_LENGTH) {
      return false;
    }
    int tokens = 1;
    int start = 0;
    for (int i = 0; i < n; i++) {
      char c = subject.charAt(i);
      if (c == '.') {
        if (i == start) {
          return false;
        }
        tokens++;
        start = i + 1;
      } else if (c <= ' ' || c == 0x7f || c == '*' || c == '>' || Character.isWhitespace(c)) {
        return false;
      } else if (c == '$' && i == start) {
        return false;
      }
    }
    return start < n && tokens <= MAX_TOKENS;
  }

  private static String quote(String subject) {
    String shown = subject.length() <= 80 ? subject : subject.substring(0, 77) + "...";
    return ": '" + shown + "'";
  }
}
