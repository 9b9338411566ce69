package dev.alchemist.examples.dialogserver;

import dev.alchemist.nats.EventBus;
import dev.alchemist.nats.NatsEvents;
import org.springframework.beans.factory.ObjectProvider;

/**
 * The event bus to use. With {@code alchemist.nats.servers} set, the starter (as of this version)
 * defines both its NATS bus and the in-process one, so a plain {@code EventBus} injection is
 * ambiguous: prefer the NATS bus, else the only one.
 */
final class EventBuses {
  private EventBuses() {}

  static EventBus pick(ObjectProvider<EventBus> buses) {
    return buses
        .orderedStream()
        .filter(NatsEvents.class::isInstance)
        .findFirst()
        .orElseGet(buses::getObject);
  }
}
