package dev.alchemist.nats.internal;

import dev.alchemist.core.DomainEvent;
import dev.alchemist.nats.JetStreamPublisherSettings;
import dev.alchemist.nats.OverflowPolicy;
import dev.alchemist.nats.PublishException;
import dev.alchemist.nats.PublishException.Reason;
import dev.alchemist.nats.PublishReceipt;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * The {@link PublishException}s of one {@link BoundedJetStreamPublisher}: their wording (message
 * text is API) and the redaction of what jnats put in them. Separate so that the publish path reads
 * as control flow, and every failure is worded and redacted in one place.
 */
final class PublishFailures {
  private final JetStreamPublisherSettings settings;
  private final Redactor redactor;
  private final PublisherMeters meters;

  PublishFailures(JetStreamPublisherSettings settings, Redactor redactor, PublisherMeters meters) {
    this.settings = settings;
    this.redactor = redactor;
    this.meters = meters;
  }

  /** The failure of an accepted publish; not counted (finish() counts it). */
  PublishException of(Reason reason, PendingPublish p, String message, @Nullable Throwable cause) {
    // jnats' messages may carry a server URL with its credentials
    return new PublishException(
        reason,
        p.subject,
        p.attempts,
        "publish to " + p.subject + " failed: " + redactor.redactText(message),
        redactor.redact(cause));
  }

  /** A publish refused because the publisher is closed. */
  CompletableFuture<PublishReceipt> closedNow(String subject) {
    return failedNow(Reason.CLOSED, subject, "publisher " + settings.name() + " is closed", null);
  }

  /** A publish refused because {@code inFlight} acks are outstanding, the most allowed. */
  CompletableFuture<PublishReceipt> inFlightLimitNow(String subject, int inFlight) {
    String how =
        settings.overflowPolicy() == OverflowPolicy.FAIL_FAST
            ? ""
            : " for longer than " + settings.blockTimeout();
    return failedNow(
        Reason.IN_FLIGHT_LIMIT,
        subject,
        "maxInFlight ("
            + settings.maxInFlight()
            + ") acks outstanding"
            + how
            + " on publisher "
            + settings.name()
            + ": inFlight="
            + inFlight,
        null);
  }

  /** A publish refused because the codec could not encode {@code event}. */
  CompletableFuture<PublishReceipt> encodeFailedNow(
      String subject, DomainEvent event, RuntimeException e) {
    return failedNow(
        Reason.ENCODE_FAILED,
        subject,
        "cannot encode event " + event.id() + ": " + e.getMessage(),
        e);
  }

  /** A publish refused before it was sent: counted here, as no finish() will see it. */
  private CompletableFuture<PublishReceipt> failedNow(
      Reason reason, String subject, String message, @Nullable Throwable cause) {
    PublishException e =
        new PublishException(
            reason, subject, 0, "publish to " + subject + " failed: " + message, cause);
    meters.failed(reason);
    return CompletableFuture.failedFuture(e);
  }
}
