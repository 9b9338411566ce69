package dev.alchemist.nats;

import dev.alchemist.core.Checks;
import dev.alchemist.core.DomainEvent;
import org.jspecify.annotations.Nullable;

/**
 * An event as a handler receives it.
 *
 * @param subject the subject it was published to
 * @param event the decoded event
 * @param traceId the trace id header, or null if the publisher sent none
 * @param deliveries how often it has been delivered: 1 for core NATS and the in-process bus, 1 or
 *     more for JetStream consumers
 */
public record ReceivedEvent(
    String subject, DomainEvent event, @Nullable String traceId, long deliveries) {

  public ReceivedEvent {
    Checks.notNull("subject", subject);
    Checks.notNull("event", event);
    Checks.positive("deliveries", deliveries);
  }
}
