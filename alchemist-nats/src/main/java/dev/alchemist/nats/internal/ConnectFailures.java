package dev.alchemist.nats.internal;

import dev.alchemist.core.TlsFailures;
import io.nats.client.AuthenticationException;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeoutException;

/** Why a first connect failed, in words, for the bus's error message. */
final class ConnectFailures {
  private ConnectFailures() {}

  /**
   * A fixed text for a TLS or authentication failure, found in {@code failure} or in what jnats
   * reported to its error listener meanwhile; otherwise jnats' own message without credentials.
   */
  static String reason(
      Exception failure, List<Exception> reported, boolean usesTls, Redactor redactor) {
    if (isAuthentication(failure)) {
      return "authentication failed (wrong user, password, token or key, or none given)";
    }
    String tls = TlsFailures.reason(failure);
    for (int i = reported.size() - 1; tls == null && i >= 0; i--) {
      tls = TlsFailures.reason(reported.get(i));
    }
    if (tls == null && usesTls && reported.stream().anyMatch(e -> e instanceof TimeoutException)) {
      // A server that requires a client certificate (--tlsverify) and gets none, or one it does
      // not trust, ends a TLS 1.3 handshake after the client thinks it is done; jnats then waits
      // until its connect timeout and reports only the timeout. A slow server looks the same, so
      // the message names both.
      tls =
          "the connection did not complete within the connect timeout (with TLS this is also how"
              + " a server that requires a client certificate refuses a missing or untrusted one)";
    }
    return tls != null ? tls : redactor.redactText(String.valueOf(failure.getMessage()));
  }

  private static boolean isAuthentication(Exception failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof AuthenticationException
          || String.valueOf(t.getMessage())
              .toLowerCase(Locale.ROOT)
              .contains("authorization violation")) {
        return true;
      }
    }
    return false;
  }
}
