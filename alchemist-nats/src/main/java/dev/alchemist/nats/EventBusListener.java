package dev.alchemist.nats;

import org.jspecify.annotations.Nullable;

/**
 * Hears about failures that happen in the background, where no caller can catch them. Every method
 * defaults to a no-op; each such failure is also counted in metrics and logged (the first of each
 * kind at WARN, the rest at DEBUG).
 *
 * <p>Methods are called from the bus's executor or scheduler threads, possibly concurrently; they
 * must be quick and must not throw (a throw is logged and ignored).
 */
public interface EventBusListener {

  /** A handler threw while handling an event published to {@code subject}. */
  default void onHandlerFailed(String subject, Throwable cause) {}

  /** An event for {@code subject} was not handed to a handler: {@code reason} says why. */
  default void onDropped(String subject, String reason) {}

  /** A JetStream publish to {@code subject} failed for good (its future failed with it). */
  default void onPublishFailed(String subject, Throwable cause) {}

  /**
   * A JetStream message was moved to the dead-letter subject after {@code deliveries} failed
   * deliveries.
   */
  default void onDeadLettered(
      String subject, String deadLetterSubject, long deliveries, @Nullable Throwable cause) {}

  /**
   * JetStream consumer {@code consumer} could not do {@code action}: {@code "ack"}, {@code "nak"},
   * {@code "term"} or {@code "in-progress"} for a message (the connection was closed, draining or
   * its reconnect buffer full: the server redelivers the message after the ack wait), or {@code
   * "pull"} (it could not restart its pull after a reconnect; it tries again). The consumer keeps
   * consuming.
   */
  default void onConsumerFailed(String consumer, String action, Throwable cause) {}

  /** The NATS connection changed state (disconnected, reconnected, closed, ...). */
  default void onConnectionEvent(String event) {}

  /** The listener that ignores everything. */
  static EventBusListener none() {
    return NoOpListener.INSTANCE;
  }
}

/** The no-op listener. */
enum NoOpListener implements EventBusListener {
  INSTANCE
}
