package dev.alchemist.nats;

/**
 * Receives the events of a subscription. Runs on the bus's executor, one event at a time per
 * subscription. A thrown exception is reported to the {@link EventBusListener} and counted; for a
 * JetStream consumer it also makes the message be redelivered (and dead-lettered after the last
 * delivery).
 */
@FunctionalInterface
public interface EventHandler {

  /** Handles one event. */
  void onEvent(ReceivedEvent event) throws Exception;
}
