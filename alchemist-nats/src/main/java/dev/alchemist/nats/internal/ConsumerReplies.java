package dev.alchemist.nats.internal;

import dev.alchemist.nats.ConsumerSettings;
import io.nats.client.Message;
import java.util.function.Consumer;

/**
 * Sends the acks, naks, terms and in-progress signals of one {@link PullConsumer}, each guarded.
 * Separate because the consumer, its ack deadlines and its dead letters all reply, and a reply that
 * cannot go out must be reported the same way wherever it is sent from.
 */
final class ConsumerReplies {
  private final ConsumerSettings settings;
  private final Reporter reporter;

  ConsumerReplies(ConsumerSettings settings, Reporter reporter) {
    this.settings = settings;
    this.reporter = reporter;
  }

  /**
   * Sends an ack, nak, term or in-progress; returns whether it went out. jnats throws when the
   * connection is closed, draining or its reconnect buffer is full: the server then redelivers the
   * message after the ack wait, so it is reported and consuming goes on.
   */
  boolean reply(Message message, String action, Consumer<Message> send) {
    try {
      send.accept(message);
      return true;
    } catch (RuntimeException e) {
      reporter.report(
          "consumer-" + action,
          "consumer "
              + settings.durableName()
              + " could not send "
              + action
              + " for a message of "
              + message.getSubject()
              + " (the server redelivers it after the ack wait of "
              + settings.ackWait()
              + "): "
              + e.getMessage(),
          e,
          l -> l.onConsumerFailed(settings.durableName(), action, e));
      return false;
    }
  }
}
