package dev.alchemist.core.codec.internal;

import com.esotericsoftware.kryo.kryo5.Kryo;
import com.esotericsoftware.kryo.kryo5.io.Input;
import com.esotericsoftware.kryo.kryo5.io.Output;
import com.esotericsoftware.kryo.kryo5.serializers.ImmutableSerializer;
import dev.alchemist.core.DomainEvent;
import java.time.Instant;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * {@link DomainEvent} written by hand, in exactly the bytes Kryo's record serializer gives it, so
 * the wire format and the schema id stay those of the record: the components in name order ({@code
 * createdAt, domain, entity, id, payload, sessionId, type}); the {@code Instant} and the {@code
 * UUID} each behind a not-null byte (1, or 0 for null), the {@code Instant} as a varint of its
 * seconds and a varint of its nanos, the {@code UUID} as two longs; the strings in {@link
 * Utf8StringSerializer}'s form, which has its own null.
 *
 * <p>Kryo's record serializer reads each component through reflection (an argument array per call)
 * and writes each through a registration lookup; events are the hottest value of the SDK, so they
 * skip both. Decoding still goes through the record's canonical constructor, so every check of the
 * model applies to bytes from the wire. {@code KryoCodecEventLayoutTest} pins the layout to the
 * record serializer's: a component added to the record fails it until this class follows.
 */
final class DomainEventSerializer extends ImmutableSerializer<DomainEvent> {
  private static final byte NOT_NULL = 1;

  @Override
  public void write(Kryo kryo, Output output, DomainEvent event) {
    Instant createdAt = event.createdAt();
    output.writeByte(NOT_NULL);
    output.writeVarLong(createdAt.getEpochSecond(), true);
    output.writeInt(createdAt.getNano(), true);
    Utf8StringSerializer.writeString(output, event.domain());
    Utf8StringSerializer.writeString(output, event.entity());
    UUID id = event.id();
    output.writeByte(NOT_NULL);
    output.writeLong(id.getMostSignificantBits());
    output.writeLong(id.getLeastSignificantBits());
    Utf8StringSerializer.writeString(output, event.payload());
    Utf8StringSerializer.writeString(output, event.sessionId());
    Utf8StringSerializer.writeString(output, event.type());
  }

  @Override
  public DomainEvent read(Kryo kryo, Input input, Class<? extends DomainEvent> type) {
    Instant createdAt = readInstant(input);
    String domain = Utf8StringSerializer.readString(input);
    String entity = Utf8StringSerializer.readString(input);
    UUID id = readUuid(input);
    String payload = Utf8StringSerializer.readString(input);
    String sessionId = Utf8StringSerializer.readString(input);
    String eventType = Utf8StringSerializer.readString(input);
    // The constructor refuses what the model does not allow, nulls included.
    return new DomainEvent(id, domain, entity, eventType, sessionId, createdAt, payload);
  }

  /** As Kryo reads a nullable component: 0 is null, any other byte announces a value. */
  private static @Nullable Instant readInstant(Input input) {
    if (input.readByte() == Kryo.NULL) {
      return null;
    }
    long seconds = input.readVarLong(true);
    int nanos = input.readInt(true);
    return Instant.ofEpochSecond(seconds, nanos);
  }

  private static @Nullable UUID readUuid(Input input) {
    if (input.readByte() == Kryo.NULL) {
      return null;
    }
    long high = input.readLong();
    long low = input.readLong();
    return new UUID(high, low);
  }
}
