package dev.alchemist.core.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.alchemist.core.DialogHistory;
import dev.alchemist.core.Message;
import dev.alchemist.core.MessageRole;
import dev.alchemist.core.codec.CodecException.Reason;
import java.io.ByteArrayOutputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/**
 * Bytes under a cache key or in an event may come from an attacker or a bug. Every malformed input
 * must end in a {@link CodecException}: never another exception, an out-of-memory error or a hang.
 * The build's default test timeout guards against hangs; nothing here measures speed.
 */
class KryoCodecHostileInputTest {
  private static final int MAX_PAYLOAD = 64 * 1024;
  private static final CodecRegistry CODECS =
      KryoCodecs.builder()
          .register(Holder.class, 300)
          .register(Node.class, 301)
          .maxPayloadBytes(MAX_PAYLOAD)
          .maxDepth(32)
          .build();
  private static final Codec<Message> MESSAGES = CODECS.codec(Message.class);
  private static final Codec<DialogHistory> HISTORIES = CODECS.codec(DialogHistory.class);
  private static final Codec<Holder> HOLDERS = CODECS.codec(Holder.class);

  /** Holds anything: the place an attacker would put an unexpected class. */
  record Holder(Object value) {}

  record Node(Node next) {}

  private static final UUID DIALOG = UUID.fromString("00000000-0000-0000-0000-0000000000aa");
  private static final Message MESSAGE =
      new Message(
          UUID.fromString("00000000-0000-0000-0000-0000000000bb"),
          DIALOG,
          MessageRole.ASSISTANT,
          "Hello, how can I help?",
          Instant.parse("2026-11-26T10:00:00Z"),
          7);

  private static Reason reasonOf(Codec<?> codec, byte[] bytes) {
    CodecException e = catchThrowableOfType(CodecException.class, () -> codec.decode(bytes));
    assertThat(e).as("decoding %s must fail", Arrays.toString(bytes)).isNotNull();
    return e.reason();
  }

  @Test
  void everyTruncation_ofAValidEnvelope_isACodecException() {
    byte[] valid = HISTORIES.encode(history(5));
    for (int length = 0; length < valid.length; length++) {
      byte[] truncated = Arrays.copyOf(valid, length);
      assertThat(reasonOf(HISTORIES, truncated))
          .as("truncated to %d of %d bytes", length, valid.length)
          .isIn(Reason.TRUNCATED, Reason.CORRUPT);
    }
  }

  @Test
  void emptyInput_isTruncated() {
    assertThatThrownBy(() -> MESSAGES.decode(new byte[0]))
        .isInstanceOf(CodecException.class)
        .hasMessage(
            "cannot decode dev.alchemist.core.Message: 0 bytes are fewer than the 8-byte envelope"
                + " header");
  }

  @Property(tries = 2000)
  void garbage_isACodecException(@ForAll @Size(max = 200) byte[] garbage) {
    assertThat(reasonOf(MESSAGES, garbage)).isNotNull();
  }

  @Property(tries = 2000)
  void garbageAfterAValidHeader_isACodecException(@ForAll @Size(max = 300) byte[] garbage) {
    byte[] header = Arrays.copyOf(MESSAGES.encode(MESSAGE), 8);
    byte[] bytes = concat(header, garbage);
    try {
      Message decoded = MESSAGES.decode(bytes);
      // Random bytes may, rarely, spell a valid message; then it must be a whole, valid one.
      assertThat(decoded.content()).isNotNull();
    } catch (CodecException expected) {
      assertThat(expected.reason()).isNotNull();
    }
  }

  @Property(tries = 1000)
  void flippedByte_isACodecExceptionOrAnEqualOrValidValue(
      @ForAll int position, @ForAll byte replacement) {
    byte[] bytes = HISTORIES.encode(history(3));
    int index = Math.floorMod(position, bytes.length);
    bytes[index] = replacement;
    try {
      DialogHistory decoded = HISTORIES.decode(bytes);
      assertThat(decoded.dialogId()).isNotNull();
    } catch (CodecException expected) {
      assertThat(expected.reason()).isNotNull();
    }
  }

  @Test
  void jsonUnderAKey_isNotAnEnvelope() {
    byte[] json = "{\"content\":\"hi\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    assertThatThrownBy(() -> MESSAGES.decode(json))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("first byte 0x7b is not the envelope magic 0xa7")
        .extracting(e -> ((CodecException) e).reason())
        .isEqualTo(Reason.NOT_AN_ENVELOPE);
  }

  @Test
  void unknownFormatCodecOrFlags_isNotAnEnvelope() {
    byte[] valid = MESSAGES.encode(MESSAGE);
    for (int index = 1; index <= 3; index++) {
      byte[] bytes = valid.clone();
      bytes[index] = (byte) 0x70;
      assertThat(reasonOf(MESSAGES, bytes)).isEqualTo(Reason.NOT_AN_ENVELOPE);
    }
  }

  @Test
  void trailingBytes_areCorrupt() {
    byte[] bytes = concat(MESSAGES.encode(MESSAGE), new byte[] {1, 2, 3});
    assertThatThrownBy(() -> MESSAGES.decode(bytes))
        .hasMessageContaining("3 bytes left over after the value");
  }

  @Test
  void payloadLargerThanTheLimit_isOversizedOnDecode() {
    byte[] header = Arrays.copyOf(MESSAGES.encode(MESSAGE), 8);
    byte[] bytes = concat(header, new byte[MAX_PAYLOAD + 1]);
    assertThat(reasonOf(MESSAGES, bytes)).isEqualTo(Reason.OVERSIZED);
  }

  @Test
  void valueLargerThanTheLimit_isOversizedOnEncode() {
    Message big =
        Message.of(DIALOG, MessageRole.USER, randomText(MAX_PAYLOAD + 10), Instant.EPOCH, 0);
    assertThatThrownBy(() -> MESSAGES.encode(big))
        .isInstanceOf(CodecException.class)
        .extracting(e -> ((CodecException) e).reason())
        .isEqualTo(Reason.OVERSIZED);
  }

  @Test
  void stringLengthOfTwoBillion_isRefusedWithoutAllocatingIt() {
    // A Message whose content (its first component in Kryo's name order) claims 2^30-1 bytes.
    ByteArrayOutputStream payload = new ByteArrayOutputStream();
    payload.writeBytes(Arrays.copyOf(MESSAGES.encode(MESSAGE), 8));
    payload.write(65 + 2); // class id of Message
    payload.writeBytes(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x07});
    payload.writeBytes(new byte[16]);
    assertThatThrownBy(() -> MESSAGES.decode(payload.toByteArray()))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("string of 1073741823 bytes exceeds the 16 bytes left");
  }

  @Test
  void collectionSizeOfTwoBillion_isRefusedWithoutAllocatingIt() {
    // A Holder whose value is an ArrayList claiming 2^31-1 elements.
    ByteArrayOutputStream payload = new ByteArrayOutputStream();
    payload.writeBytes(Arrays.copyOf(HOLDERS.encode(new Holder(1)), 8));
    payload.write(300 + 2 & 0x7f | 0x80); // varint class id of Holder (302)
    payload.write((300 + 2) >>> 7);
    payload.write(14 + 2); // class id of ArrayList
    payload.writeBytes(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x07});
    payload.writeBytes(new byte[8]);
    assertThatThrownBy(() -> HOLDERS.decode(payload.toByteArray()))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("collection size 2147483647 cannot fit in the 8 bytes left");
  }

  @Test
  void classNameInTheStream_isRefusedBeforeAnyClassIsLoaded() {
    // Kryo's wire format allows "class id 1 = a class name follows"; ours never reads one.
    ByteArrayOutputStream payload = new ByteArrayOutputStream();
    payload.writeBytes(Arrays.copyOf(HOLDERS.encode(new Holder(1)), 8));
    payload.write(300 + 2 & 0x7f | 0x80);
    payload.write((300 + 2) >>> 7);
    payload.write(1); // NAME marker
    payload.write(0); // name id
    payload.writeBytes(
        "java.lang.ProcessBuilde\u00f2".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
    CodecException e =
        catchThrowableOfType(CodecException.class, () -> HOLDERS.decode(payload.toByteArray()));
    assertThat(e.reason()).isEqualTo(Reason.UNREGISTERED_CLASS);
    assertThat(e).hasMessageContaining("only registered class ids are accepted");
  }

  @Test
  void unregisteredClassId_isRefused() {
    ByteArrayOutputStream payload = new ByteArrayOutputStream();
    payload.writeBytes(Arrays.copyOf(HOLDERS.encode(new Holder(1)), 8));
    payload.write(300 + 2 & 0x7f | 0x80);
    payload.write((300 + 2) >>> 7);
    payload.write(99 + 2); // id 99: in our reserved range, registered to nothing
    CodecException e =
        catchThrowableOfType(CodecException.class, () -> HOLDERS.decode(payload.toByteArray()));
    assertThat(e.reason()).isEqualTo(Reason.UNREGISTERED_CLASS);
    assertThat(e).hasMessageContaining("unregistered class id 99");
  }

  @Test
  void nestingBeyondMaxDepth_isRefusedOnEncodeAndDecode() {
    Node deep = null;
    for (int i = 0; i < 100; i++) {
      deep = new Node(deep);
    }
    Node value = deep;
    assertThatThrownBy(() -> CODECS.codec(Node.class).encode(value))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("Max depth exceeded");

    CodecRegistry permissive =
        KryoCodecs.builder().register(Node.class, 301).maxDepth(1000).build();
    byte[] bytes = permissive.codec(Node.class).encode(value);
    assertThatThrownBy(() -> CODECS.codec(Node.class).decode(bytes))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("Max depth exceeded");
  }

  @Test
  void compressedPayload_damaged_isCorrupt() {
    byte[] bytes = MESSAGES.encode(compressibleMessage());
    assertThat(bytes[3]).as("LZ4 flag").isEqualTo((byte) 1);
    for (int i = 12; i < bytes.length; i += 7) {
      bytes[i] ^= 0x5a;
    }
    assertThat(reasonOf(MESSAGES, bytes)).isIn(Reason.CORRUPT, Reason.TRUNCATED);
  }

  @Test
  void compressedPayload_declaringAHugeLength_isOversizedBeforeAllocating() {
    byte[] bytes = MESSAGES.encode(compressibleMessage());
    bytes[8] = 0x7f; // uncompressed length 0x7fxxxxxx: about two billion
    assertThatThrownBy(() -> MESSAGES.decode(bytes))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("beyond maxPayloadBytes " + MAX_PAYLOAD);
  }

  @Test
  void compressedPayload_truncated_isACodecException() {
    byte[] bytes = MESSAGES.encode(compressibleMessage());
    for (int length : new int[] {9, 11, 12, 20, bytes.length - 1}) {
      assertThat(reasonOf(MESSAGES, Arrays.copyOf(bytes, length))).isNotNull();
    }
  }

  @Test
  void bytesThatBreakARecordsInvariant_areCorrupt_becauseDecodingRunsItsConstructor() {
    byte[] seven = MESSAGES.encode(MESSAGE);
    byte[] eight =
        MESSAGES.encode(
            new Message(
                MESSAGE.id(), DIALOG, MESSAGE.role(), MESSAGE.content(), MESSAGE.timestamp(), 8));
    int tokenCountAt = -1;
    for (int i = 0; i < seven.length; i++) {
      if (seven[i] != eight[i]) {
        tokenCountAt = i;
      }
    }
    seven[tokenCountAt] = 1; // zig-zag varint of -1
    assertThatThrownBy(() -> MESSAGES.decode(seven))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("tokenCount must not be negative but was -1")
        .extracting(e -> ((CodecException) e).reason())
        .isEqualTo(Reason.CORRUPT);
  }

  private static Message compressibleMessage() {
    return Message.of(
        DIALOG, MessageRole.USER, "all work and no play ".repeat(400), Instant.EPOCH, 1);
  }

  private static DialogHistory history(int size) {
    List<Message> messages = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      messages.add(
          Message.of(DIALOG, MessageRole.USER, "message " + i, Instant.EPOCH.plusSeconds(i), i));
    }
    return new DialogHistory(DIALOG, messages);
  }

  private static String randomText(int length) {
    StringBuilder text = new StringBuilder(length);
    java.util.Random random = new java.util.Random(42);
    while (text.length() < length) {
      text.append((char) ('a' + random.nextInt(26)));
    }
    return text.toString();
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] joined = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, joined, a.length, b.length);
    return joined;
  }
}
