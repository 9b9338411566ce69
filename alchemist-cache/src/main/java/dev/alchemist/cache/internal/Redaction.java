package dev.alchemist.cache.internal;

import dev.alchemist.core.TlsFailures;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCredentials;
import io.lettuce.core.RedisCredentialsProvider;
import io.lettuce.core.RedisURI;
import java.io.Serial;
import java.net.ConnectException;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Keeps Redis passwords out of messages and causes: a connection failure's cause chain is copied
 * with every secret of the URIs (and any {@code user:password@} part of a URI) replaced by {@code
 * ***}, keeping each original's class name, message and stack trace otherwise.
 */
final class Redaction {

  private static final Pattern USER_INFO =
      Pattern.compile("([a-zA-Z][a-zA-Z0-9+.-]*://)[^@/\\s]*@");

  private Redaction() {}

  /** The passwords the URIs carry. */
  static List<String> secretsOf(List<RedisURI> uris) {
    List<String> secrets = new ArrayList<>();
    for (RedisURI uri : uris) {
      if (uri.getCredentialsProvider()
          instanceof RedisCredentialsProvider.ImmediateRedisCredentialsProvider immediate) {
        RedisCredentials credentials = immediate.resolveCredentialsNow();
        if (credentials != null && credentials.hasPassword()) {
          String password = new String(credentials.getPassword());
          secrets.add(password);
          secrets.add(URLEncoder.encode(password, StandardCharsets.UTF_8));
        }
      }
    }
    return List.copyOf(secrets);
  }

  /** The text with every secret and URI user info replaced. */
  static String scrub(@Nullable String text, List<String> secrets) {
    if (text == null) {
      return "";
    }
    String out = text;
    for (String secret : secrets) {
      out = out.replace(secret, "***");
    }
    return USER_INFO.matcher(out).replaceAll("$1***@");
  }

  /** Why a connection attempt failed, in words: refused, timed out, authentication, ... */
  static String reason(Throwable failure, Duration connectTimeout) {
    // Lettuce attaches each cluster node's failure as a suppressed exception, not as the cause.
    String tls = TlsFailures.reason(failure);
    if (tls != null) {
      return tls;
    }
    for (Throwable t = failure; t != null; t = t.getCause()) {
      String message = String.valueOf(t.getMessage()).toUpperCase(Locale.ROOT);
      if (t instanceof RedisCommandExecutionException && message.contains("HELLO")) {
        return "the server does not speak RESP3 (a single Redis must be 6.0 or newer)";
      }
      if (t instanceof RedisCommandExecutionException
          && (message.contains("WRONGPASS")
              || message.contains("NOAUTH")
              || message.contains("INVALID PASSWORD")
              || message.contains("AUTH"))) {
        return "authentication failed (wrong user or password, or none given)";
      }
      if (t instanceof ConnectException) {
        return "connection refused (nothing listens there, or a firewall refuses)";
      }
      if (t instanceof UnknownHostException) {
        return "unknown host";
      }
      if (t.getClass().getSimpleName().contains("Timeout") || message.contains("TIMED OUT")) {
        return "no answer within the connect timeout of " + connectTimeout;
      }
    }
    return "connection failed (" + failure.getClass().getSimpleName() + ")";
  }

  /** A copy of the cause chain with secrets taken out of every message. */
  static @Nullable Throwable redact(@Nullable Throwable failure, List<String> secrets) {
    if (failure == null) {
      return null;
    }
    RedactedException copy =
        new RedactedException(
            failure.getClass().getName() + ": " + scrub(failure.getMessage(), secrets),
            failure.getCause() == failure ? null : redact(failure.getCause(), secrets));
    copy.setStackTrace(failure.getStackTrace());
    return copy;
  }

  /** Stands in for a library exception whose message may have held a secret. */
  static final class RedactedException extends RuntimeException {
    @Serial private static final long serialVersionUID = 1L;

    RedactedException(String message, @Nullable Throwable cause) {
      super(message, cause);
    }

    @Override
    public String toString() {
      // The message already starts with the original class name.
      return getMessage();
    }
  }
}
