package dev.alchemist.core.codec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.alchemist.core.Message;
import dev.alchemist.core.MessageRole;
import java.time.Instant;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class KryoCodecCompressionTest {
  private static final UUID DIALOG = UUID.fromString("00000000-0000-0000-0000-000000000001");

  private static Message message(String content) {
    return new Message(DIALOG, DIALOG, MessageRole.ASSISTANT, content, Instant.EPOCH, 1);
  }

  @Test
  void compressibleValueAboveThreshold_isCompressedAndRoundTrips() {
    Codec<Message> codec =
        KryoCodecs.builder().compressionThreshold(1024).build().codec(Message.class);
    Message value = message("the quick brown fox jumps over the lazy dog. ".repeat(100));

    byte[] bytes = codec.encode(value);

    assertThat(bytes[3]).as("LZ4 flag").isEqualTo((byte) 1);
    assertThat(bytes.length).isLessThan(value.content().length() / 4);
    assertThat(codec.decode(bytes)).isEqualTo(value);
  }

  @Test
  void incompressibleValue_isStoredPlain() {
    Codec<Message> codec =
        KryoCodecs.builder().compressionThreshold(1024).build().codec(Message.class);
    Random random = new Random(7);
    StringBuilder noise = new StringBuilder();
    for (int i = 0; i < 4000; i++) {
      noise.append((char) (0x4e00 + random.nextInt(20_000)));
    }
    Message value = message(noise.toString());

    byte[] bytes = codec.encode(value);

    assertThat(bytes[3]).as("LZ4 flag").isZero();
    assertThat(codec.decode(bytes)).isEqualTo(value);
  }

  @Test
  void valueBelowThreshold_isStoredPlain() {
    Codec<Message> codec =
        KryoCodecs.builder().compressionThreshold(1024).build().codec(Message.class);
    byte[] bytes = codec.encode(message("aaaa".repeat(50)));
    assertThat(bytes[3]).isZero();
  }

  @Test
  void thresholdZero_turnsCompressionOff() {
    Codec<Message> codec =
        KryoCodecs.builder().compressionThreshold(0).build().codec(Message.class);
    byte[] bytes = codec.encode(message("aaaa".repeat(5000)));
    assertThat(bytes[3]).isZero();
    assertThat(bytes.length).isGreaterThan(20_000);
  }

  @Test
  void compressedBytes_areReadableByARegistryWithCompressionOff() {
    byte[] bytes =
        KryoCodecs.builder()
            .compressionThreshold(64)
            .build()
            .codec(Message.class)
            .encode(message("zzzz".repeat(500)));
    Codec<Message> reader =
        KryoCodecs.builder().compressionThreshold(0).build().codec(Message.class);
    assertThat(reader.decode(bytes).content()).isEqualTo("zzzz".repeat(500));
  }
}
