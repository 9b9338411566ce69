package dev.alchemist.nats;

import dev.alchemist.core.DomainEvent;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * Publishes events to JetStream and returns a future of the stream's ack, with a hard bound on the
 * acks in flight. Obtain one from {@link NatsEvents#jetStreamPublisher}.
 *
 * <ul>
 *   <li>The {@code Nats-Msg-Id} header is the event id, so a retried event is stored once; the
 *       {@code Nats-Expected-Stream} header guards against a subject landing in another stream.
 *   <li>A 503 (no responders, e.g. while a stream leader is elected) or a missing ack is retried
 *       with exponential backoff, but only within {@code maxRetryTime}, which {@link
 *       JetStreamPublisherSettings} keeps inside the stream's duplicate window.
 *   <li>Futures complete on the configured executor, never on jnats' dispatcher thread.
 *   <li>Every future completes: with a {@link PublishReceipt}, or with a {@link PublishException}
 *       (limit reached, refused, timed out, closed). A completed receipt means the stream stored
 *       it.
 * </ul>
 *
 * <p>Thread-safe. {@link #close()} stops accepting events, waits up to {@code closeTimeout} for the
 * outstanding acks, and fails the futures still open with {@link PublishException.Reason#CLOSED}.
 */
public interface JetStreamPublisher extends AutoCloseable {

  /**
   * Publishes {@code event} to {@code subject}.
   *
   * <p>With {@link OverflowPolicy#BLOCK_WITH_TIMEOUT} this blocks while {@code maxInFlight} acks
   * are outstanding. Never throws for a publish failure: the future carries it.
   */
  CompletableFuture<PublishReceipt> publish(
      Subject subject, DomainEvent event, @Nullable String traceId);

  /** Publishes {@code event} to {@code subject} without a trace id. */
  default CompletableFuture<PublishReceipt> publish(Subject subject, DomainEvent event) {
    return publish(subject, event, null);
  }

  /**
   * Acks outstanding now: publishes accepted and not yet finished. A publish leaves the count just
   * after its future completes, so a thread that has just seen the last future complete may still
   * read 1 for an instant.
   */
  int inFlight();

  /** The settings. */
  JetStreamPublisherSettings settings();

  @Override
  void close();
}
