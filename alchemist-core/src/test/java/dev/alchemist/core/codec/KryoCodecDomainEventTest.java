package dev.alchemist.core.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.alchemist.core.DomainEvent;
import dev.alchemist.core.ModelArbitraries;
import dev.alchemist.core.codec.CodecException.Reason;
import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.util.Arrays;
import java.util.UUID;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/**
 * Events have a hand-written serializer (the hottest value of the SDK): it must round-trip, refuse
 * what the model refuses, and fail on hostile bytes with a {@link CodecException} only.
 */
class KryoCodecDomainEventTest {
  private static final int MAX_PAYLOAD = 64 * 1024;
  private static final CodecRegistry CODECS =
      KryoCodecs.builder().register(Other.class, 300).maxPayloadBytes(MAX_PAYLOAD).build();
  private static final Codec<DomainEvent> EVENTS = CODECS.codec(DomainEvent.class);

  record Other(String text) {}

  private static final DomainEvent EVENT =
      new DomainEvent(
          new UUID(1, 2),
          "dialog",
          "message",
          "created",
          "s-1",
          Instant.parse("2026-11-26T10:00:00.5Z"),
          "{\"text\":\"" + "x".repeat(150) + "\"}");

  private static Reason reasonOf(byte[] bytes) {
    CodecException e = catchThrowableOfType(CodecException.class, () -> EVENTS.decode(bytes));
    assertThat(e).as("decoding %s must fail", Arrays.toString(bytes)).isNotNull();
    return e.reason();
  }

  /** The envelope header of an event, then {@code payload}. */
  private static byte[] eventEnvelope(byte[] payload) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(Arrays.copyOf(EVENTS.encode(EVENT), 8));
    out.writeBytes(payload);
    return out.toByteArray();
  }

  @Provide
  Arbitrary<DomainEvent> events() {
    return ModelArbitraries.events();
  }

  @Property(tries = 500)
  void anyEvent_roundTrips(@ForAll("events") DomainEvent event) {
    assertThat(EVENTS.decode(EVENTS.encode(event))).isEqualTo(event);
  }

  /**
   * The core publish path encodes one event per message; the record serializer's reflection and a
   * {@code getBytes} per string made that allocate about 400 B beyond the result. Allocation per
   * call does not depend on load, so this is not a timing assertion.
   */
  @Test
  void encodingAnEvent_allocatesNothingBeyondTheEncodedBytes() {
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    int encodedBytes = EVENTS.encode(EVENT).length;
    long sink = 0;
    for (int i = 0; i < 20_000; i++) {
      sink += EVENTS.encode(EVENT).length;
    }
    int calls = 10_000;
    long before = threads.getCurrentThreadAllocatedBytes();
    for (int i = 0; i < calls; i++) {
      sink += EVENTS.encode(EVENT).length;
    }
    long perCall = (threads.getCurrentThreadAllocatedBytes() - before) / calls;
    assertThat(sink).isPositive();
    // The result array: a 16-byte header and the bytes, rounded up to 8.
    long resultArray = 16 + (encodedBytes + 7) / 8 * 8;
    assertThat(perCall).isLessThanOrEqualTo(resultArray + 8);
  }

  @Test
  void everyTruncation_isACodecException() {
    byte[] valid = EVENTS.encode(EVENT);
    for (int length = 0; length < valid.length; length++) {
      assertThat(reasonOf(Arrays.copyOf(valid, length)))
          .as("truncated to %d of %d bytes", length, valid.length)
          .isIn(Reason.TRUNCATED, Reason.CORRUPT);
    }
  }

  @Property(tries = 2000)
  void garbageAfterAnEventHeader_isACodecExceptionOrAValidEvent(
      @ForAll @Size(max = 300) byte[] garbage) {
    byte[] bytes = eventEnvelope(concat(new byte[] {68 + 2}, garbage));
    try {
      assertThat(EVENTS.decode(bytes).payload()).isNotNull();
    } catch (CodecException expected) {
      assertThat(expected.reason()).isNotNull();
    }
  }

  @Property(tries = 2000)
  void flippedByte_isACodecExceptionOrAValidEvent(@ForAll int position, @ForAll byte value) {
    byte[] bytes = EVENTS.encode(EVENT);
    bytes[Math.floorMod(position, bytes.length)] = value;
    try {
      assertThat(EVENTS.decode(bytes).id()).isNotNull();
    } catch (CodecException expected) {
      assertThat(expected.reason()).isNotNull();
    }
  }

  @Test
  void nullId_isRefusedByTheModel() {
    byte[] bytes = EVENTS.encode(EVENT);
    // The id of UUID(1, 2): its not-null byte, then two little-endian longs, high bits first.
    byte[] id = {1, 1, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0};
    int at = indexOf(bytes, id);
    byte[] withoutId =
        concat(
            concat(Arrays.copyOf(bytes, at), new byte[] {0}),
            Arrays.copyOfRange(bytes, at + id.length, bytes.length));
    assertThatThrownBy(() -> EVENTS.decode(withoutId))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("id")
        .extracting(e -> ((CodecException) e).reason())
        .isEqualTo(Reason.CORRUPT);
  }

  @Test
  void invalidToken_isRefusedByTheModel() {
    byte[] bytes = EVENTS.encode(EVENT);
    int at = indexOf(bytes, "dialog".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    bytes[at] = 'D'; // tokens are [a-z0-9_-]
    assertThat(reasonOf(bytes)).isEqualTo(Reason.CORRUPT);
  }

  @Test
  void stringLengthOfABillion_isRefusedWithoutAllocatingIt() {
    // createdAt (not null, 0 s, 0 ns), then a domain that claims 2^30-1 bytes.
    byte[] payload = {68 + 2, 1, 0, 0, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x07};
    assertThatThrownBy(() -> EVENTS.decode(eventEnvelope(concat(payload, new byte[16]))))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("string of 1073741823 bytes exceeds the 16 bytes left");
  }

  @Test
  void unregisteredClassId_isRefused() {
    assertThat(reasonOf(eventEnvelope(new byte[] {(byte) (4000 & 0x7f | 0x80), 4000 >>> 7})))
        .isEqualTo(Reason.UNREGISTERED_CLASS);
  }

  @Test
  void classNameInTheStream_isRefused() {
    byte[] name =
        "java.lang.ProcessBuilde\u00f2".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    assertThat(reasonOf(eventEnvelope(concat(new byte[] {1, 0}, name))))
        .isEqualTo(Reason.UNREGISTERED_CLASS);
  }

  @Test
  void anotherRegisteredType_underAnEventHeader_isTheWrongType() {
    Codec<Other> others = CODECS.codec(Other.class);
    byte[] other = others.encode(new Other("x"));
    byte[] bytes = eventEnvelope(Arrays.copyOfRange(other, 8, other.length));
    assertThat(reasonOf(bytes)).isEqualTo(Reason.WRONG_TYPE);
  }

  @Test
  void eventBeyondMaxPayloadBytes_isOversized() {
    DomainEvent big =
        new DomainEvent(
            EVENT.id(),
            "dialog",
            "message",
            "created",
            null,
            EVENT.createdAt(),
            "x".repeat(70_000));
    CodecException e = catchThrowableOfType(CodecException.class, () -> EVENTS.encode(big));
    assertThat(e.reason()).isEqualTo(Reason.OVERSIZED);
  }

  private static int indexOf(byte[] bytes, byte[] part) {
    for (int i = 0; i + part.length <= bytes.length; i++) {
      if (Arrays.equals(bytes, i, i + part.length, part, 0, part.length)) {
        return i;
      }
    }
    throw new AssertionError("not found");
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] result = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, result, a.length, b.length);
    return result;
  }
}
