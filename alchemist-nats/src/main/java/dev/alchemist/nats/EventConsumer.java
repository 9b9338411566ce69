package dev.alchemist.nats;

/**
 * A running JetStream durable pull consumer (see {@link NatsEvents#consume}, and {@link
 * NatsEvents#consumeBatches} for a handler of batches, which acks a batch after it returns). The
 * handler runs on the bus's executor, one message at a time; a normal return acknowledges the
 * message, a throw (any {@link Throwable}) naks it with the backoff step as the delay, and after
 * {@code maxDeliver} deliveries the message is published to the dead-letter subject (if any) and
 * terminated.
 *
 * <p>It pulls only as fast as the handler takes messages: at most {@code batchSize} wait for the
 * handler and at most {@code batchSize} more are pulled ahead. Every message it holds gets
 * in-progress before its ack wait can run out, so a backlog is never redelivered while it waits. A
 * failed ack, nak or in-progress (connection closed, draining, reconnect buffer full) goes to
 * {@link EventBusListener#onConsumerFailed} and the consumer goes on; after a reconnect it pulls
 * anew at once.
 *
 * <p>Its lag is published as the gauges {@code alchemist.nats.consumer.pending} and {@code
 * alchemist.nats.consumer.ack.pending}, its queue as {@code alchemist.nats.consumer.buffered} (tags
 * {@code stream}, {@code consumer}).
 *
 * <p>Thread-safe. {@link #close()} stops pulling, lets the handler finish the messages already
 * queued (up to the bus's close timeout), naks those pulled ahead so the server redelivers them at
 * once, and leaves the durable consumer on the server.
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
