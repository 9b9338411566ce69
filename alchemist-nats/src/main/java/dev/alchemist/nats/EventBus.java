package dev.alchemist.nats;

import dev.alchemist.core.DomainEvent;
import org.jspecify.annotations.Nullable;

/**
 * Publishes {@link DomainEvent}s to {@link Subject}s and delivers them to handlers subscribed with
 * {@link SubjectPattern}s, with NATS subject semantics.
 *
 * <p>Two implementations: {@link NatsEvents} (core NATS, with JetStream publishers and consumers on
 * the side) and {@link InProcessEventBus} (the embedded default for bare machines and host tests).
 * Code written against this interface runs unchanged on either.
 *
 * <p>Delivery is at most once, as in core NATS: a subscriber that is not subscribed when an event
 * is published does not see it. Handlers of one subscription run one at a time, in publish order,
 * on the bus's executor (never on a client library's I/O thread); different subscriptions run
 * concurrently.
 *
 * <p>Implementations are thread-safe. {@link #close()} stops accepting publishes, delivers what was
 * already published to the handlers, and releases the resources.
 */
public interface EventBus extends AutoCloseable {

  /** The subject space events are published in (used by {@link #publish(DomainEvent)}). */
  SubjectSpace subjects();

  /**
   * Publishes {@code event} to {@code subject}, fire and forget.
   *
   * @throws IllegalStateException if the bus is closed
   * @throws dev.alchemist.core.codec.CodecException if the event cannot be encoded
   */
  default void publish(Subject subject, DomainEvent event) {
    publish(subject, event, null);
  }

  /**
   * Publishes {@code event} to {@code subject} with a trace id header, fire and forget.
   *
   * @throws IllegalStateException if the bus is closed
   * @throws dev.alchemist.core.codec.CodecException if the event cannot be encoded
   */
  void publish(Subject subject, DomainEvent event, @Nullable String traceId);

  /** Publishes {@code event} to {@code subjects().subject(event)}. */
  default void publish(DomainEvent event) {
    publish(subjects().subject(event), event, null);
  }

  /**
   * Delivers every event published to a subject matching {@code pattern} to {@code handler}, from
   * now on, until the returned subscription is closed.
   *
   * @throws IllegalStateException if the bus is closed
   */
  EventSubscription subscribe(SubjectPattern pattern, EventHandler handler);

  /** Stops publishing, delivers pending events, releases resources. Idempotent. */
  @Override
  void close();
}
