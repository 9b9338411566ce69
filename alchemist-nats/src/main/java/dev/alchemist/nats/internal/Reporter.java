package dev.alchemist.nats.internal;

import dev.alchemist.nats.EventBusListener;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends background failures to the listener and the log: the first failure of each kind at WARN,
 * later ones at DEBUG, so a failing dependency cannot flood the log.
 */
public final class Reporter {
  private static final Logger LOG = LoggerFactory.getLogger("dev.alchemist.nats");

  private final EventBusListener listener;
  private final Redactor redactor;
  private final Set<String> logged = ConcurrentHashMap.newKeySet();

  /** Redacts URL user info from what it logs. */
  public Reporter(EventBusListener listener) {
    this(listener, Redactor.URLS_ONLY);
  }

  /** Redacts what {@code redactor} knows (the connection's credentials) from what it logs. */
  public Reporter(EventBusListener listener, Redactor redactor) {
    this.listener = listener;
    this.redactor = redactor;
  }

  /** Removes credentials from messages and causes before they are logged or thrown. */
  public Redactor redactor() {
    return redactor;
  }

  public EventBusListener listener() {
    return listener;
  }

  /**
   * Logs {@code message} and {@code cause} without credentials (once at WARN per kind) and calls
   * the listener.
   */
  public void report(
      String kind,
      String message,
      @org.jspecify.annotations.Nullable Throwable cause,
      Consumer<EventBusListener> call) {
    if (logged.add(kind)) {
      LOG.warn(
          "{} (further '{}' failures are logged at DEBUG)",
          redactor.redact(message),
          kind,
          redactor.redact(cause));
    } else if (LOG.isDebugEnabled()) {
      LOG.debug(redactor.redact(message), redactor.redact(cause));
    }
    try {
      call.accept(listener);
    } catch (RuntimeException e) {
      LOG.warn("EventBusListener threw from {}; ignored", kind, e);
    }
  }

  /** Logs a connection event at INFO and calls the listener. */
  public void connection(String event) {
    LOG.info("NATS connection: {}", event);
    try {
      listener.onConnectionEvent(event);
    } catch (RuntimeException e) {
      LOG.warn("EventBusListener threw from onConnectionEvent; ignored", e);
    }
  }
}
