package dev.alchemist.nats.internal;

import io.nats.client.Options;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Removes credentials from what this module prints: the user info of every URL ({@code
 * nats://user:password@host} and {@code nats://token@host} become {@code nats://***@host}) and,
 * wherever else they appear, the literal password and token of the connection options.
 *
 * <p>jnats puts the server URLs, credentials included, into its exception messages ("Unable to
 * connect to NATS servers: [nats://u:p@...]"), so a cause is redacted too: {@link
 * #redact(Throwable)} returns the exception itself when no part of its chain holds a secret, else a
 * copy of the chain whose messages are redacted (each link keeps the original class name in its
 * {@code toString()} and the original stack trace).
 *
 * <p>Immutable and thread-safe.
 */
public final class Redactor {
  /** Redacts URL user info only. */
  public static final Redactor URLS_ONLY = new Redactor(List.of());

  private static final Pattern USER_INFO =
      Pattern.compile("([A-Za-z][A-Za-z0-9+.-]*://)[^/@\\s\\[\\](),;\"'<>]+@");
  private static final String MASK = "***";

  /** Shorter secrets are too likely to be part of ordinary text to be replaced everywhere. */
  private static final int MIN_LITERAL = 4;

  private final List<String> literals;

  private Redactor(List<String> literals) {
    this.literals = literals;
  }

  /** Redacts URL user info and the password and token {@code options} carry, in any form. */
  public static Redactor of(Options options) {
    Set<String> secrets = new LinkedHashSet<>();
    add(secrets, options.getPasswordChars());
    add(secrets, options.getTokenChars());
    for (URI server : options.getServers()) {
      String raw = server.getRawUserInfo();
      if (raw != null) {
        int colon = raw.indexOf(':');
        String secret = colon < 0 ? raw : raw.substring(colon + 1); // a token, or the password
        secrets.add(secret);
        secrets.add(URLDecoder.decode(secret, StandardCharsets.UTF_8));
      }
    }
    List<String> literals = new ArrayList<>();
    for (String s : secrets) {
      if (s.length() >= MIN_LITERAL) {
        literals.add(s);
      }
    }
    return new Redactor(List.copyOf(literals));
  }

  private static void add(Set<String> secrets, char @Nullable [] chars) {
    if (chars != null && chars.length > 0) {
      secrets.add(new String(chars));
    }
  }

  /** {@code text} without credentials; null stays null. */
  public @Nullable String redact(@Nullable String text) {
    if (text == null || text.isEmpty()) {
      return text;
    }
    String out =
        text.indexOf("://") < 0 ? text : USER_INFO.matcher(text).replaceAll("$1" + MASK + "@");
    for (String secret : literals) {
      if (out.contains(secret)) {
        out = out.replace(secret, MASK);
      }
    }
    return out;
  }

  /** {@code text} without credentials, never null. */
  public String redactText(String text) {
    String out = redact(text);
    return out == null ? "" : out;
  }

  /** {@code error} itself if no message in its chain holds a secret, else a redacted copy. */
  public @Nullable Throwable redact(@Nullable Throwable error) {
    if (error == null || isClean(error, 0)) {
      return error;
    }
    return copy(error, 0);
  }

  private boolean isClean(Throwable t, int depth) {
    if (depth > 32) {
      return true; // a cyclic or absurd chain: stop looking
    }
    if (!String.valueOf(redact(t.toString())).equals(t.toString())) {
      return false;
    }
    for (Throwable s : t.getSuppressed()) {
      if (!isClean(s, depth + 1)) {
        return false;
      }
    }
    Throwable cause = t.getCause();
    return cause == null || cause == t || isClean(cause, depth + 1);
  }

  private Throwable copy(Throwable t, int depth) {
    Throwable cause = t.getCause();
    @Nullable Throwable copiedCause =
        cause == null || cause == t || depth > 32 ? null : copy(cause, depth + 1);
    RedactedException copy =
        new RedactedException(t.getClass().getName(), redact(t.getMessage()), copiedCause);
    copy.setStackTrace(t.getStackTrace());
    for (Throwable s : t.getSuppressed()) {
      copy.addSuppressed(depth > 32 ? s : copy(s, depth + 1));
    }
    return copy;
  }

  /** A link of a redacted chain: the original's class name, message without credentials. */
  static final class RedactedException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String originalClass;

    RedactedException(String originalClass, @Nullable String message, @Nullable Throwable cause) {
      super(message, cause);
      this.originalClass = originalClass;
    }

    /** The class of the exception this copies. */
    String originalClass() {
      return originalClass;
    }

    @Override
    public String toString() {
      String message = getLocalizedMessage();
      return originalClass + (message == null ? "" : ": " + message) + " (credentials redacted)";
    }
  }
}
