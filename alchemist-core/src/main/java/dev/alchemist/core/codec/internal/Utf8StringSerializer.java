package dev.alchemist.core.codec.internal;

import com.esotericsoftware.kryo.kryo5.Kryo;
import com.esotericsoftware.kryo.kryo5.KryoException;
import com.esotericsoftware.kryo.kryo5.Serializer;
import com.esotericsoftware.kryo.kryo5.io.Input;
import com.esotericsoftware.kryo.kryo5.io.Output;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * Strings as a varint header, then the text. The header is 0 for null, otherwise {@code (length <<
 * 1 | form) + 1}: form 0 is {@code length} bytes of UTF-8, form 1 is {@code length} UTF-16 chars,
 * used only for the rare string holding a lone surrogate (a model's token stream can cut an emoji
 * in half), which UTF-8 cannot carry losslessly.
 *
 * <p>Kryo's own format converts characters one by one into a {@code char[]} it allocates from the
 * declared count; this one decodes with the JDK's UTF-8 decoder (a plain copy for ASCII text, which
 * chat content mostly is), and checks the declared length exactly against the bytes left, so a
 * crafted length cannot allocate more than the input holds.
 *
 * <p>Writing allocates nothing into a {@link DirectOutput} (the registry's): ASCII text, the common
 * case, is copied into the buffer in one pass that also checks it is ASCII; other text is measured,
 * then encoded in place. Into any other output the UTF-8 bytes come from {@code getBytes}. Both
 * produce the same bytes.
 */
final class Utf8StringSerializer extends Serializer<String> {
  private static final int UTF8 = 0;
  private static final int UTF16 = 1;

  Utf8StringSerializer() {
    super(true, true);
  }

  @Override
  public void write(Kryo kryo, Output output, @Nullable String value) {
    writeString(output, value);
  }

  @Override
  public @Nullable String read(Kryo kryo, Input input, Class<? extends String> type) {
    return readString(input);
  }

  /** Writes {@code value} in this serializer's form; for serializers that embed strings. */
  static void writeString(Output output, @Nullable String value) {
    if (value == null) {
      output.writeVarInt(0, true);
    } else if (output instanceof DirectOutput direct) {
      if (!writeAscii(direct, value)) {
        writeEncoded(direct, value);
      }
    } else {
      writeCopied(output, value);
    }
  }

  /**
   * Copies {@code value} as ASCII: the header assumes one byte per char, and the copy ORs every
   * char it stores, so one branch-free pass both copies and tells whether the guess held. If it did
   * not, the position goes back and the caller encodes properly; the bytes written are overwritten.
   */
  private static boolean writeAscii(DirectOutput output, String value) {
    int length = value.length();
    int start = output.position();
    output.writeVarInt((length << 1 | UTF8) + 1, true);
    output.reserve(length);
    byte[] buffer = output.getBuffer();
    int position = output.position();
    int seen = 0;
    for (int i = 0; i < length; i++) {
      char c = value.charAt(i);
      seen |= c;
      buffer[position + i] = (byte) c;
    }
    if (seen < 0x80) {
      output.setPosition(position + length);
      return true;
    }
    output.setPosition(start);
    return false;
  }

  private static void writeEncoded(DirectOutput output, String value) {
    int utf8Length = utf8Length(value);
    if (utf8Length < 0) {
      writeUtf16(output, value);
      return;
    }
    output.writeVarInt((utf8Length << 1 | UTF8) + 1, true);
    output.reserve(utf8Length);
    int end = encodeUtf8(value, output.getBuffer(), output.position());
    output.setPosition(end);
  }

  private static void writeCopied(Output output, String value) {
    if (utf8Length(value) < 0) {
      writeUtf16(output, value);
      return;
    }
    byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
    output.writeVarInt((utf8.length << 1 | UTF8) + 1, true);
    output.writeBytes(utf8);
  }

  private static void writeUtf16(Output output, String value) {
    output.writeVarInt((value.length() << 1 | UTF16) + 1, true);
    for (int i = 0; i < value.length(); i++) {
      output.writeChar(value.charAt(i));
    }
  }

  /**
   * The number of UTF-8 bytes of {@code value}, or -1 if it holds a lone surrogate (which the JDK's
   * encoder would replace with '?', losing it). Counted in a long so that no string wraps it; a
   * count beyond the int range saturates, and the reserve that follows refuses it as too large.
   */
  static int utf8Length(String value) {
    int length = value.length();
    long bytes = 0;
    for (int i = 0; i < length; i++) {
      char c = value.charAt(i);
      if (c < 0x80) {
        bytes++;
      } else if (c < 0x800) {
        bytes += 2;
      } else if (!Character.isSurrogate(c)) {
        bytes += 3;
      } else if (Character.isHighSurrogate(c)
          && i + 1 < length
          && Character.isLowSurrogate(value.charAt(i + 1))) {
        bytes += 4;
        i++;
      } else {
        return -1;
      }
    }
    return (int) Math.min(bytes, Integer.MAX_VALUE);
  }

  /** Encodes {@code value}, which holds no lone surrogate, at {@code offset}; returns the end. */
  private static int encodeUtf8(String value, byte[] target, int offset) {
    int p = offset;
    int length = value.length();
    for (int i = 0; i < length; i++) {
      char c = value.charAt(i);
      if (c < 0x80) {
        target[p++] = (byte) c;
      } else if (c < 0x800) {
        target[p++] = (byte) (0xc0 | c >> 6);
        target[p++] = (byte) (0x80 | c & 0x3f);
      } else if (!Character.isSurrogate(c)) {
        target[p++] = (byte) (0xe0 | c >> 12);
        target[p++] = (byte) (0x80 | c >> 6 & 0x3f);
        target[p++] = (byte) (0x80 | c & 0x3f);
      } else {
        int codePoint = Character.toCodePoint(c, value.charAt(++i));
        target[p++] = (byte) (0xf0 | codePoint >> 18);
        target[p++] = (byte) (0x80 | codePoint >> 12 & 0x3f);
        target[p++] = (byte) (0x80 | codePoint >> 6 & 0x3f);
        target[p++] = (byte) (0x80 | codePoint & 0x3f);
      }
    }
    return p;
  }

  /** Reads a string of this serializer's form; for serializers that embed strings. */
  static @Nullable String readString(Input input) {
    int header = input.readVarInt(true);
    if (header == 0) {
      return null;
    }
    int length = (header - 1) >>> 1;
    boolean utf16 = ((header - 1) & 1) == UTF16;
    int position = input.position();
    long bytes = utf16 ? 2L * length : length;
    int remaining = input.limit() - position;
    if (header < 0 || bytes > remaining) {
      throw new KryoException(
          "string of " + bytes + " bytes exceeds the " + remaining + " bytes left");
    }
    if (utf16) {
      char[] chars = new char[length];
      for (int i = 0; i < length; i++) {
        chars[i] = input.readChar();
      }
      return new String(chars);
    }
    // Our inputs are always whole byte arrays, never streams, so the bytes are all in the buffer.
    String value = new String(input.getBuffer(), position, length, StandardCharsets.UTF_8);
    input.setPosition(position + length);
    return value;
  }
}
