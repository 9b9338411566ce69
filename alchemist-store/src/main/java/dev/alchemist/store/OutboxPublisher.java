package dev.alchemist.store;

import dev.alchemist.core.DomainEvent;
import java.util.concurrent.CompletionStage;

/**
 * Where an {@link OutboxRelay} sends events: usually a JetStream publisher, {@code event ->
 * publisher.publish(events.subjects().subject(event), event)}, whose {@code Nats-Msg-Id} (the event
 * id) lets the stream drop an event relayed twice. The stage completes when the event is stored
 * (acknowledged); completing exceptionally leaves it in the outbox for the next round.
 */
@FunctionalInterface
public interface OutboxPublisher {
  CompletionStage<?> publish(DomainEvent event);
}
