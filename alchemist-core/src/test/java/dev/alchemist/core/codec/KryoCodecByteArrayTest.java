package dev.alchemist.core.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.alchemist.core.codec.CodecException.Reason;
import java.util.Arrays;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/** {@code byte[]} is a value type of its own (cached blobs) and may be a part of a record. */
class KryoCodecByteArrayTest {
  private static final int MAX_PAYLOAD = 64 * 1024;
  private static final CodecRegistry CODECS =
      KryoCodecs.builder().register(Blob.class, 300).maxPayloadBytes(MAX_PAYLOAD).build();
  private static final Codec<byte[]> BYTES = CODECS.codec(byte[].class);

  record Blob(String name, byte[] data) {}

  @Property
  void roundTrip_anyBytes_isEqual(@ForAll @Size(max = 4096) byte[] value) {
    assertThat(BYTES.decode(BYTES.encode(value))).isEqualTo(value);
  }

  @Test
  void codec_byteArray_isRegisteredWithItsOwnSchemaId() {
    assertThat(CODECS.isRegistered(byte[].class)).isTrue();
    assertThat(CODECS.schemaId(byte[].class)).isNotEqualTo(CODECS.schemaId(String.class));
    assertThat(BYTES.decode(BYTES.encode(new byte[0]))).isEmpty();
  }

  @Test
  void roundTrip_compressibleBlob_isCompressedAndEqual() {
    byte[] value = new byte[20_000];
    Arrays.fill(value, (byte) 7);
    byte[] encoded = BYTES.encode(value);
    assertThat(encoded.length).isLessThan(value.length / 10);
    assertThat(BYTES.decode(encoded)).isEqualTo(value);
  }

  @Test
  void roundTrip_recordWithBytes_isEqual() {
    byte[] data = new byte[300];
    new SplittableRandom(1).nextBytes(data);
    Codec<Blob> blobs = CODECS.codec(Blob.class);
    Blob back = blobs.decode(blobs.encode(new Blob("avatar", data)));
    assertThat(back.name()).isEqualTo("avatar");
    assertThat(back.data()).isEqualTo(data);
  }

  @Test
  void decode_lengthBeyondBytesLeft_isCorruptWithoutAllocating() {
    byte[] encoded = BYTES.encode(new byte[] {1, 2, 3});
    // Envelope (8 bytes), the class id (one byte), then the length varint: replace it with a
    // five-byte varint of about two billion, followed by the three bytes.
    byte[] hostile = new byte[encoded.length + 4];
    System.arraycopy(encoded, 0, hostile, 0, 9);
    byte[] huge = {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x07};
    System.arraycopy(huge, 0, hostile, 9, huge.length);
    System.arraycopy(encoded, 10, hostile, 14, encoded.length - 10);

    CodecException e = catchThrowableOfType(CodecException.class, () -> BYTES.decode(hostile));

    assertThat(e).isNotNull();
    assertThat(e.reason()).isIn(Reason.CORRUPT, Reason.TRUNCATED);
    assertThat(e).hasMessageContaining("exceeds the");
  }

  @Test
  void encode_beyondMaxPayload_isOversized() {
    CodecException e =
        catchThrowableOfType(CodecException.class, () -> BYTES.encode(new byte[MAX_PAYLOAD + 1]));
    assertThat(e.reason()).isEqualTo(Reason.OVERSIZED);
  }
}
