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
 * <p>Writing allocates nothing into a {@link DirectOutput} (the registry's): short ASCII strings
 * are copied into the buffer in one pass that also checks they are ASCII; other strings are encoded
 * in place by the JDK's UTF-8 encoder. Into any other output the UTF-8 bytes come from {@code
 * getBytes}. Every path produces the same bytes.
 */
final class Utf8StringSerializer extends Serializer<String> {
  private static final int UTF8 = 0;
  private static final int UTF16 = 1;

  /**
   * Strings shorter than this (tokens, ids) are copied char by char; longer ones go through the
   * JDK's encoder, whose setup costs more than such a copy but whose ASCII loop is vectorized.
   */
  static final int SHORT_STRING = 32;

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
      if (value.length() >= SHORT_STRING || !writeShortAscii(direct, value)) {
        writeEncoded(direct, value);
      }
    } else {
      writeCopied(output, value);
    }
  }

  /**
   * Copies a short {@code value} as ASCII: the header assumes one byte per char, and the copy ORs
   * every char it stores, so one pass both copies and tells whether the guess held. If it did not,
   * the position goes back and the caller encodes properly; the bytes written are overwritten.
   */
  private static boolean writeShortAscii(DirectOutput output, String value) {
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

  /**
   * Encodes {@code value} in place behind a header that assumes one byte per char, the length of
   * ASCII text. Other text is longer: then the header is rewritten, and in the rare case that the
   * longer length needs a longer varint, the bytes move up to make room for it.
   */
  private static void writeEncoded(DirectOutput output, String value) {
    int length = value.length();
    int start = output.position();
    output.writeVarInt((length << 1 | UTF8) + 1, true);
    int assumedHeaderBytes = output.position() - start;
    int written = output.writeUtf8(value);
    if (written < 0) {
      output.setPosition(start);
      writeUtf16(output, value);
      return;
    }
    if (written == length) {
      return;
    }
    int header = (written << 1 | UTF8) + 1;
    int headerBytes = Output.varIntLength(header, true);
    int end = output.position();
    if (headerBytes != assumedHeaderBytes) {
      int shift = headerBytes - assumedHeaderBytes;
      output.reserve(shift);
      byte[] buffer = output.getBuffer();
      System.arraycopy(
          buffer, start + assumedHeaderBytes, buffer, start + assumedHeaderBytes + shift, written);
      end += shift;
    }
    output.setPosition(start);
    output.writeVarInt(header, true);
    output.setPosition(end);
  }

  private static void writeCopied(Output output, String value) {
    if (hasLoneSurrogate(value)) {
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

  /** Whether {@code value} holds a lone surrogate, which the JDK's encoder would replace by '?'. */
  static boolean hasLoneSurrogate(String value) {
    int length = value.length();
    for (int i = 0; i < length; i++) {
      char c = value.charAt(i);
      if (!Character.isSurrogate(c)) {
        continue;
      }
      if (Character.isHighSurrogate(c)
          && i + 1 < length
          && Character.isLowSurrogate(value.charAt(i + 1))) {
        i++;
      } else {
        return true;
      }
    }
    return false;
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
