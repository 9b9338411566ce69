package dev.alchemist.nats.internal;

import io.nats.client.Connection;
import io.nats.client.impl.ErrorListenerLoggerImpl;

/**
 * jnats' default error listener (it logs through java.util.logging) with credentials removed from
 * the errors and exceptions it logs, since jnats' messages can carry server URLs with their user
 * info. Installed only where the host kept jnats' default; a listener of the host's own is left
 * alone.
 */
final class RedactingErrorListener extends ErrorListenerLoggerImpl {
  private final Redactor redactor;

  RedactingErrorListener(Redactor redactor) {
    this.redactor = redactor;
  }

  @Override
  public void errorOccurred(Connection conn, String error) {
    super.errorOccurred(conn, redactor.redact(error));
  }

  @Override
  public void exceptionOccurred(Connection conn, Exception exp) {
    Throwable redacted = redactor.redact(exp);
    super.exceptionOccurred(conn, redacted instanceof Exception e ? e : exp);
  }
}
