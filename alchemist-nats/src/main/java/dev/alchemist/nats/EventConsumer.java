package dev.alchemist.nats;

/**
 * A running JetStream durable pull consumer (see {@link NatsEvents#consume}). The handler runs on
 * the bus's executor, one message at a time; a normal return acknowledges the message, a throw naks
 * it with the configured backoff, and after {@code maxDeliver} deliveries the message is published
 * to the dead-letter subject (if any) and terminated.
 *
 * <p>Its lag is published as the gauges {@code alchemist.nats.consumer.pending} and {@code
 * alchemist.nats.consumer.ack.pending} (tags {@code stream}, {@code consumer}).
 *
 * <p>Thread-safe. {@link #close()} stops pulling, lets the handler finish the messages already
 * received (up to the bus's close timeout) and leaves the durable consumer on the server.
 */
public interface EventConsumer extends AutoCloseable {

  /** The settings. */
  ConsumerSettings settings();

  /** The lag as last read (every {@code lagInterval}). */
  ConsumerLag lag();

  /** Reads the lag from the server now. */
  ConsumerLag refreshLag();

  /** Messages acknowledged after the handler returned normally. */
  long acknowledged();

  /** Messages moved to the dead-letter subject or terminated after {@code maxDeliver}. */
  long deadLettered();

  @Override
  void close();
}
