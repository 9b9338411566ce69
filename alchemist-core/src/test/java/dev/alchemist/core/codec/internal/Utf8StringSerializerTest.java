package dev.alchemist.core.codec.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.esotericsoftware.kryo.kryo5.KryoException;
import com.esotericsoftware.kryo.kryo5.io.Input;
import com.esotericsoftware.kryo.kryo5.io.Output;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * The string form must not depend on which path wrote it: the in-place writes into the registry's
 * {@link DirectOutput} give the bytes the JDK's encoder gives, for every string, lone surrogates
 * included.
 */
class Utf8StringSerializerTest {

  /** The format as documented, built from the JDK's UTF-8 encoder and Kryo's varint. */
  private static byte[] reference(String value) {
    Output output = new Output(64, -1);
    byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
    if (new String(utf8, StandardCharsets.UTF_8).equals(value)) {
      output.writeVarInt((utf8.length << 1) + 1, true);
      output.writeBytes(utf8);
    } else {
      output.writeVarInt((value.length() << 1 | 1) + 1, true);
      for (int i = 0; i < value.length(); i++) {
        output.writeChar(value.charAt(i));
      }
    }
    return output.toBytes();
  }

  /** Written after a prefix into a buffer that starts too small, so the writes must grow it. */
  private static byte[] direct(String value) {
    DirectOutput output = new DirectOutput(4, -1);
    output.writeBytes(new byte[] {9, 9, 9});
    Utf8StringSerializer.writeString(output, value);
    byte[] all = output.toBytes();
    assertThat(Arrays.copyOf(all, 3)).containsExactly(9, 9, 9);
    return Arrays.copyOfRange(all, 3, all.length);
  }

  private static byte[] plain(String value) {
    Output output = new Output(4, -1);
    Utf8StringSerializer.writeString(output, value);
    return output.toBytes();
  }

  private static String read(byte[] bytes) {
    Input input = new Input(bytes);
    String value = Utf8StringSerializer.readString(input);
    assertThat(input.position()).as("every byte read").isEqualTo(bytes.length);
    return value;
  }

  @Provide
  Arbitrary<String> strings() {
    Arbitrary<String> surrogates =
        Arbitraries.strings()
            .withCharRange('a', 'c')
            .withCharRange('\u00e0', '\u00e2')
            .withCharRange('\u4e16', '\u4e18')
            .withCharRange('\ud800', '\ud801')
            .withCharRange('\udc00', '\udc01')
            .ofMaxLength(40);
    return Arbitraries.oneOf(
        Arbitraries.strings().all().ofMaxLength(300),
        Arbitraries.strings().ascii().ofMaxLength(300),
        surrogates);
  }

  @Property(tries = 3000)
  void directAndCopiedWrites_giveTheReferenceBytes(@ForAll("strings") String value) {
    byte[] expected = reference(value);
    assertThat(direct(value)).isEqualTo(expected);
    assertThat(plain(value)).isEqualTo(expected);
  }

  @Provide
  Arbitrary<String> longStrings() {
    Arbitrary<String> pairs = Arbitraries.of("\ud83d\ude00", "\ud800\udc00");
    Arbitrary<String> pieces =
        Arbitraries.oneOf(
            pairs,
            Arbitraries.strings().withCharRange('a', 'z').ofMaxLength(40),
            Arbitraries.of("\u00e9", "\u4e16"));
    return pieces.list().ofMinSize(100).ofMaxSize(600).map(list -> String.join("", list));
  }

  @Property(tries = 300)
  void longStrings_giveTheReferenceBytesAndRoundTrip(@ForAll("longStrings") String value) {
    byte[] bytes = direct(value);
    assertThat(bytes).isEqualTo(reference(value));
    assertThat(read(bytes)).isEqualTo(value);
  }

  @Test
  void surrogatePairAcrossAChunkBoundary_isOneCodePoint() {
    for (int before = 2040; before <= 2050; before++) {
      String value = "x".repeat(before) + "\ud83d\ude00" + "y".repeat(3000);
      assertThat(direct(value)).as("pair after %d chars", before).isEqualTo(reference(value));
    }
    String lone = "x".repeat(2047) + "\ud83d";
    assertThat(direct(lone)).isEqualTo(reference(lone));
    assertThat(read(direct(lone))).isEqualTo(lone);
  }

  @Test
  void utf8LengthNeedingALongerHeader_movesTheBytesUp() {
    for (int chars : new int[] {32, 40, 63, 64, 5000, 8191, 8192, 20000}) {
      String value = "\u00e9".repeat(chars);
      assertThat(direct(value)).as("%d chars of e-acute", chars).isEqualTo(reference(value));
    }
  }

  @Property(tries = 3000)
  void everyString_roundTrips(@ForAll("strings") String value) {
    assertThat(read(direct(value))).isEqualTo(value);
  }

  @Test
  void asciiThatEndsInAnotherScript_isRewrittenAsUtf8() {
    String value = "x".repeat(200) + "\u00e9";
    byte[] bytes = direct(value);
    assertThat(bytes).isEqualTo(reference(value));
    assertThat(bytes).hasSize(2 + 202); // a two-byte header: 202 UTF-8 bytes
  }

  @Test
  void surrogatePair_isFourUtf8Bytes_andALoneSurrogateIsUtf16() {
    assertThat(direct("\ud83d\ude00")).containsExactly(9, 0xf0, 0x9f, 0x98, 0x80);
    assertThat(direct("a\ud83d")).containsExactly(6, 'a', 0, 0x3d, 0xd8); // little-endian chars
    assertThat(direct("\ude00a")).isEqualTo(reference("\ude00a"));
  }

  @Test
  void nullAndEmpty_haveTheirOwnHeaders() {
    DirectOutput output = new DirectOutput(4, -1);
    Utf8StringSerializer.writeString(output, null);
    Utf8StringSerializer.writeString(output, "");
    assertThat(output.toBytes()).containsExactly(0, 1);
  }

  @Test
  void stringBeyondTheMaximumBuffer_isABufferOverflow() {
    for (String value : new String[] {"x".repeat(100), "\u00e9".repeat(40), "\ud800".repeat(40)}) {
      DirectOutput output = new DirectOutput(16, 64);
      assertThatThrownBy(() -> Utf8StringSerializer.writeString(output, value))
          .isInstanceOf(KryoException.class)
          .hasMessageStartingWith("Buffer overflow");
    }
  }

  @Test
  void loneSurrogates_areTold() {
    assertThat(Utf8StringSerializer.hasLoneSurrogate("a\u00e9\u4e16\ud83d\ude00")).isFalse();
    assertThat(Utf8StringSerializer.hasLoneSurrogate("\ud83d")).isTrue();
    assertThat(Utf8StringSerializer.hasLoneSurrogate("\ude00\ud83d")).isTrue();
    assertThat(Utf8StringSerializer.hasLoneSurrogate("\ud83d\ude00\ude00")).isTrue();
  }

  @Test
  void declaredLengthBeyondTheBytesLeft_isRefused() {
    byte[] bytes = {(byte) 0xff, (byte) 0xff, 0x03, 'a', 'b'}; // 32767 UTF-8 bytes declared
    assertThatThrownBy(() -> read(bytes))
        .isInstanceOf(KryoException.class)
        .hasMessage("string of 32767 bytes exceeds the 2 bytes left");
  }
}
