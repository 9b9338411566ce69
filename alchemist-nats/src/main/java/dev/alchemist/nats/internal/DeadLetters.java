package dev.alchemist.nats.internal;

import dev.alchemist.nats.ConsumerSettings;
import dev.alchemist.nats.EventHeaders;
import io.micrometer.core.instrument.Counter;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.Message;
import io.nats.client.impl.Headers;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * Where one {@link PullConsumer} puts the messages it gives up on: republished to the dead-letter
 * subject with headers saying why, then terminated. Separate from the consumer because it has its
 * own outlet (a stream or core NATS, decided once), its own count and its own failure rule: a
 * message that cannot be dead-lettered stays in the stream rather than being lost.
 */
final class DeadLetters {
  private final ConsumerSettings settings;
  private final @Nullable String target;
  private final boolean stored;
  private final Connection connection;
  private final JetStream jetStream;
  private final ConsumerReplies replies;
  private final Reporter reporter;
  private final Counter counter;
  private final AtomicLong count = new AtomicLong();

  /**
   * @param stored whether the dead-letter subject is in a stream (then a dead letter needs an ack
   *     from it; a core publish cannot have one)
   */
  DeadLetters(
      ConsumerSettings settings,
      boolean stored,
      Connection connection,
      JetStream jetStream,
      ConsumerReplies replies,
      Reporter reporter,
      Counter counter) {
    this.settings = settings;
    this.target = settings.deadLetterSubject();
    this.stored = stored;
    this.connection = connection;
    this.jetStream = jetStream;
    this.replies = replies;
    this.reporter = reporter;
    this.counter = counter;
  }

  /** Messages dead-lettered so far. */
  long count() {
    return count.get();
  }

  /**
   * Dead-letters {@code message} after {@code deliveries} deliveries that ended in {@code cause}.
   */
  void deadLetter(Message message, long deliveries, Throwable cause) {
    String target = this.target;
    if (target != null) {
      Headers headers = new Headers();
      Headers original = message.getHeaders();
      if (original != null) {
        for (String key : original.keySet()) {
          if (!key.equals(EventHeaders.EXPECTED_STREAM)) {
            headers.put(key, original.get(key));
          }
        }
      }
      headers.put(EventHeaders.ORIGINAL_SUBJECT, message.getSubject());
      headers.put(EventHeaders.DELIVERIES, Long.toString(deliveries));
      String error = cause.getClass().getName() + ": " + cause.getMessage();
      headers.put(
          EventHeaders.LAST_ERROR,
          (error.length() > 200 ? error.substring(0, 200) : error).replaceAll("[\\r\\n]", " "));
      byte[] data = message.getData() == null ? new byte[0] : message.getData();
      try {
        if (stored) {
          jetStream.publish(target, headers, data);
        } else {
          connection.publish(target, headers, data);
        }
      } catch (IOException | JetStreamApiException | RuntimeException e) {
        keepForLater(message, target, e);
        return;
      }
    }
    replies.reply(message, "term", Message::term);
    count.incrementAndGet();
    counter.increment();
    reporter.report(
        "dead-letter",
        "consumer "
            + settings.durableName()
            + " gave up on "
            + message.getSubject()
            + " after "
            + deliveries
            + " deliveries"
            + (target == null ? " (no dead-letter subject)" : ""),
        cause,
        l ->
            l.onDeadLettered(
                message.getSubject(), target == null ? "" : target, deliveries, cause));
  }

  private void keepForLater(Message message, String target, Exception e) {
    // Not terminated: the message stays in the stream rather than being lost.
    reporter.report(
        "dead-letter-failed",
        "cannot publish to dead-letter subject "
            + target
            + "; "
            + message.getSubject()
            + " stays unacknowledged in the stream: "
            + e.getMessage(),
        e,
        l -> {});
  }
}
