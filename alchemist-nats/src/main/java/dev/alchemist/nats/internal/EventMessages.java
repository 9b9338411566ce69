package dev.alchemist.nats.internal;

import dev.alchemist.core.DomainEvent;
import dev.alchemist.core.codec.Codec;
import dev.alchemist.nats.EventHeaders;
import dev.alchemist.nats.ReceivedEvent;
import dev.alchemist.nats.Subject;
import io.nats.client.Message;
import io.nats.client.impl.Headers;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/** Builds the headers of published events and decodes received messages. */
public final class EventMessages {
  private EventMessages() {}

  /**
   * The headers of a published event, built afresh; the message id and expected stream only when
   * given. The hot paths use a {@link HeaderCache} instead.
   */
  public static Headers headers(
      Subject subject,
      @Nullable String traceId,
      @Nullable String messageId,
      @Nullable String expectedStream) {
    Headers headers = base(subject, expectedStream);
    return variable(headers, traceId, messageId);
  }

  private static Headers base(Subject subject, @Nullable String expectedStream) {
    Headers headers = new Headers();
    headers.put(EventHeaders.CONTENT_TYPE, EventHeaders.DOMAIN_EVENT_KRYO);
    headers.put(EventHeaders.EVENT_TYPE, subject.eventType());
    if (expectedStream != null) {
      headers.put(EventHeaders.EXPECTED_STREAM, expectedStream);
    }
    return headers;
  }

  private static Headers variable(
      Headers headers, @Nullable String traceId, @Nullable String messageId) {
    if (traceId != null) {
      headers.put(EventHeaders.TRACE_ID, traceId);
    }
    if (messageId != null) {
      headers.put(EventHeaders.MSG_ID, messageId);
    }
    return headers;
  }

  /**
   * Headers per subject, built once. The values that repeat (content type, event type, expected
   * stream) live in one read-only {@link Headers} per subject: jnats sends a read-only instance as
   * it is, where it copies a mutable one into a read-only one per message, and read-only instances
   * are safe to share between threads. A message with nothing of its own (a core publish without a
   * trace id) sends the shared instance; one with a message id or trace id sends a copy of it with
   * those added, which skips validating and inserting the repeated entries again.
   *
   * <p>Holds at most {@value #MAX_SUBJECTS} subjects; beyond that, headers are built per message.
   * Thread-safe.
   */
  public static final class HeaderCache {
    static final int MAX_SUBJECTS = 4096;

    private final @Nullable String expectedStream;
    private final ConcurrentHashMap<Subject, Headers> bases = new ConcurrentHashMap<>();

    /** Headers that carry {@code expectedStream} (if not null) besides the event's own. */
    public HeaderCache(@Nullable String expectedStream) {
      this.expectedStream = expectedStream;
    }

    /** The headers of one message to {@code subject}; read-only if nothing varies. */
    public Headers headers(Subject subject, @Nullable String traceId, @Nullable String messageId) {
      Headers shared = bases.get(subject);
      if (shared == null) {
        if (bases.size() >= MAX_SUBJECTS) {
          return EventMessages.headers(subject, traceId, messageId, expectedStream);
        }
        shared = bases.computeIfAbsent(subject, s -> new Serialized(base(s, expectedStream)));
      }
      if (traceId == null && messageId == null) {
        return shared;
      }
      return variable(new Headers(shared), traceId, messageId);
    }
  }

  /**
   * Read-only headers whose wire form is computed once: jnats' writer calls {@link
   * #serializeToArray} for every message, which otherwise walks the map and encodes every key and
   * value again. The content is that of a plain read-only copy, so every other method behaves the
   * same.
   */
  static final class Serialized extends Headers {
    private final byte[] wire;

    Serialized(Headers headers) {
      super(headers, true);
      this.wire = new byte[super.serializedLength()];
      super.serializeToArray(0, wire);
    }

    @Override
    public int serializeToArray(int destPosition, byte[] dest) {
      System.arraycopy(wire, 0, dest, destPosition, wire.length);
      return wire.length;
    }

    @Override
    public byte[] getSerialized() {
      return wire.clone();
    }
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
