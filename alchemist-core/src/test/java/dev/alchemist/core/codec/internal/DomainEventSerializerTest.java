package dev.alchemist.core.codec.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.esotericsoftware.kryo.kryo5.Kryo;
import com.esotericsoftware.kryo.kryo5.io.Output;
import com.esotericsoftware.kryo.kryo5.serializers.DefaultSerializers;
import com.esotericsoftware.kryo.kryo5.serializers.TimeSerializers;
import dev.alchemist.core.DomainEvent;
import dev.alchemist.core.ModelArbitraries;
import dev.alchemist.core.codec.Codec;
import dev.alchemist.core.codec.CodecRegistry;
import dev.alchemist.core.codec.KryoCodecs;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.UUID;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * The hand-written event serializer writes the bytes Kryo's record serializer wrote for {@link
 * DomainEvent}, so events published before it are read after it and the other way round, and the
 * schema id does not move.
 */
class DomainEventSerializerTest {
  private static final CodecRegistry CODECS = KryoCodecs.builder().build();
  private static final Codec<DomainEvent> EVENTS = CODECS.codec(DomainEvent.class);

  private static final DomainEvent SAMPLE =
      new DomainEvent(
          UUID.fromString("00112233-4455-6677-8899-aabbccddeeff"),
          "dialog",
          "message",
          "created",
          "s-1",
          Instant.parse("2026-11-26T10:00:00.123456789Z"),
          "{\"text\":\"h\u00e9llo \u4e16\u754c \ud83d\ude00\"}");

  /**
   * The registry's Kryo as it was: events registered with Kryo's default, its record serializer.
   */
  private static Kryo recordKryo() {
    Kryo kryo = new Kryo();
    kryo.setRegistrationRequired(true);
    kryo.setReferences(false);
    kryo.register(String.class, new Utf8StringSerializer());
    kryo.register(UUID.class, new DefaultSerializers.UUIDSerializer(), 10);
    kryo.register(Instant.class, new TimeSerializers.InstantSerializer(), 11);
    kryo.register(DomainEvent.class, 68);
    return kryo;
  }

  private static final Kryo RECORD_KRYO = recordKryo();

  /** The record serializer's payload of {@code event} (it writes into a plain output). */
  private static byte[] recordPayload(DomainEvent event) {
    Output output = new Output(256, -1);
    RECORD_KRYO.writeClassAndObject(output, event);
    return output.toBytes();
  }

  private static byte[] payload(byte[] envelope) {
    return Arrays.copyOfRange(envelope, 8, envelope.length);
  }

  @Provide
  Arbitrary<DomainEvent> events() {
    return ModelArbitraries.events();
  }

  @Property(tries = 1000)
  void encodedEvent_hasTheRecordSerializersBytes(@ForAll("events") DomainEvent event) {
    assertThat(payload(EVENTS.encode(event))).isEqualTo(recordPayload(event));
  }

  @Property(tries = 1000)
  void bytesOfTheRecordSerializer_decodeToTheSameEvent(@ForAll("events") DomainEvent event) {
    byte[] envelope = EVENTS.encode(event);
    byte[] old = recordPayload(event);
    byte[] oldEnvelope = Arrays.copyOf(envelope, 8 + old.length);
    System.arraycopy(old, 0, oldEnvelope, 8, old.length);
    assertThat(EVENTS.decode(oldEnvelope)).isEqualTo(event);
  }

  /** The envelope of format 1 as the codec wrote it before the hand-written serializer. */
  @Test
  void sampleEvent_encodesToTheBytesOfFormatOne() {
    assertThat(CODECS.schemaId(DomainEvent.class)).isEqualTo(0x2543bf79);
    assertThat(HexFormat.of().formatHex(EVENTS.encode(SAMPLE)))
        .isEqualTo(
            "a70101002543bf794601a086a0d806959aef3a0d6469616c6f670f6d657373616765017766554433221100"
                + "ffeeddccbbaa99883b7b2274657874223a2268c3a96c6c6f20e4b896e7958c20f09f9880227d07732d"
                + "310f63726561746564");
  }

  @Test
  void eventWithoutSessionAndWithALoneSurrogate_encodesToTheBytesOfFormatOne() {
    DomainEvent event = new DomainEvent(SAMPLE.id(), "d", "e", "t", null, Instant.EPOCH, "\ud83d");
    assertThat(HexFormat.of().formatHex(EVENTS.encode(event)))
        .isEqualTo(
            "a70101002543bf794601000003640365017766554433221100ffeeddccbbaa9988043dd8000374");
    assertThat(EVENTS.decode(EVENTS.encode(event))).isEqualTo(event);
  }
}
