package dev.alchemist.nats;

import dev.alchemist.core.AlchemistException;
import java.io.Serial;
import org.jspecify.annotations.Nullable;

/**
 * Why a JetStream publish failed. The future of every publish completes, with a {@link
 * PublishReceipt} or with this exception; a failed event may or may not have been stored (after a
 * timeout the server may have stored it without the ack reaching us), so retrying it with the same
 * event id within the stream's duplicate window is safe.
 */
public class PublishException extends AlchemistException {
  @Serial private static final long serialVersionUID = 1L;

  /** The kind of failure. */
  public enum Reason {
    /**
     * {@code maxInFlight} acks were outstanding (at once, or for longer than the block timeout).
     */
    IN_FLIGHT_LIMIT,
    /** The publisher was closed before the event was sent or before its ack arrived. */
    CLOSED,
    /** The NATS connection was closed for good. */
    CONNECTION_CLOSED,
    /** No ack arrived within the retry time (timeouts or 503 no responders on every attempt). */
    TIMED_OUT,
    /** The server refused the event (e.g. wrong expected stream, limits) or another error. */
    REJECTED,
    /** The event could not be encoded. */
    ENCODE_FAILED
  }

  private final Reason reason;
  private final String subject;
  private final int attempts;

  public PublishException(
      Reason reason, String subject, int attempts, String message, @Nullable Throwable cause) {
    super(message, cause);
    this.reason = reason;
    this.subject = subject;
    this.attempts = attempts;
  }

  /** The kind of failure. */
  public Reason reason() {
    return reason;
  }

  /** The subject the event was published to. */
  public String subject() {
    return subject;
  }

  /** How often it was sent (0 if never). */
  public int attempts() {
    return attempts;
  }
}
