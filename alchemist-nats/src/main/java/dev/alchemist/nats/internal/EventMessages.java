package dev.alchemist.nats.internal;

import dev.alchemist.core.DomainEvent;
import dev.alchemist.core.codec.Codec;
import dev.alchemist.nats.EventHeaders;
import dev.alchemist.nats.ReceivedEvent;
import dev.alchemist.nats.Subject;
import io.nats.client.Message;
import io.nats.client.impl.Headers;
import org.jspecify.annotations.Nullable;

/** Builds the headers of published events and decodes received messages. */
public final class EventMessages {
  private EventMessages() {}

  /** The headers of a published event; the message id and expected stream only when given. */
  public static Headers headers(
      Subject subject,
      @Nullable String traceId,
      @Nullable String messageId,
      @Nullable String expectedStream) {
    Headers headers = new Headers();
    headers.put(EventHeaders.CONTENT_TYPE, EventHeaders.DOMAIN_EVENT_KRYO);
    headers.put(EventHeaders.EVENT_TYPE, subject.eventType());
    if (traceId != null) {
      headers.put(EventHeaders.TRACE_ID, traceId);
    }
    if (messageId != null) {
      headers.put(EventHeaders.MSG_ID, messageId);
    }
    if (expectedStream != null) {
      headers.put(EventHeaders.EXPECTED_STREAM, expectedStream);
    }
    return headers;
  }

  /**
   * Decodes a received message.
   *
   * @throws dev.alchemist.core.codec.CodecException if the payload is not an encoded event
   * @throws IllegalArgumentException if the content type names another encoding
   */
  public static ReceivedEvent decode(Message message, Codec<DomainEvent> codec, long deliveries) {
    Headers headers = message.getHeaders();
    @Nullable String traceId = null;
    if (headers != null) {
      String contentType = headers.getFirst(EventHeaders.CONTENT_TYPE);
      if (contentType != null && !contentType.equals(EventHeaders.DOMAIN_EVENT_KRYO)) {
        throw new IllegalArgumentException(
            "message on "
                + message.getSubject()
                + " has content type '"
                + contentType
                + "', expected '"
                + EventHeaders.DOMAIN_EVENT_KRYO
                + "'");
      }
      traceId = headers.getFirst(EventHeaders.TRACE_ID);
    }
    byte[] data = message.getData();
    DomainEvent event = codec.decode(data == null ? new byte[0] : data);
    return new ReceivedEvent(message.getSubject(), event, traceId, deliveries);
  }
}
