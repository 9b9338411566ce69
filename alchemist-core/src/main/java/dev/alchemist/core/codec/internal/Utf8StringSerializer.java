package dev.alchemist.core.codec.internal;

import com.esotericsoftware.kryo.kryo5.Kryo;
import com.esotericsoftware.kryo.kryo5.KryoException;
import com.esotericsoftware.kryo.kryo5.Serializer;
import com.esotericsoftware.kryo.kryo5.io.Input;
import com.esotericsoftware.kryo.kryo5.io.Output;
import java.nio.charset.StandardCharsets;

/**
 * Strings as a varint header, then the text. The header is 0 for null, otherwise {@code (length <<
 * 1 | form) + 1}: form 0 is {@code length} bytes of UTF-8, form 1 is {@code length} UTF-16 chars,
 * used only for the rare string holding a lone surrogate (a model's token stream can cut an emoji
 * in half), which UTF-8 cannot carry losslessly.
 *
 * <p>Kryo's own format converts characters one by one into a {@code char[]} it allocates from the
 * declared count; this one lets the JDK's vectorized UTF-8 coders do the work (a plain copy for
 * ASCII text, which chat content mostly is), and checks the declared length exactly against the
 * bytes left, so a crafted length cannot allocate more than the input holds.
 */
final class Utf8StringSerializer extends Serializer<String> {
  private static final int UTF8 = 0;
  private static final int UTF16 = 1;

  Utf8StringSerializer() {
    super(true, true);
  }

  @Override
  public void write(Kryo kryo, Output output, String value) {
    if (value == null) {
      output.writeVarInt(0, true);
      return;
    }
    byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
    if (!replacedLoneSurrogate(value, utf8)) {
      output.writeVarInt((utf8.length << 1 | UTF8) + 1, true);
      output.writeBytes(utf8);
      return;
    }
    output.writeVarInt((value.length() << 1 | UTF16) + 1, true);
    for (int i = 0; i < value.length(); i++) {
      output.writeChar(value.charAt(i));
    }
  }

  @Override
  public String read(Kryo kryo, Input input, Class<? extends String> type) {
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

  /**
   * Whether UTF-8 encoding replaced a lone surrogate with '?'. When the byte and char counts are
   * equal every char became one byte, so only the '?' bytes need a look at their char; that keeps
   * ASCII text, the common case, to a scan of bytes.
   */
  private static boolean replacedLoneSurrogate(String value, byte[] utf8) {
    if (utf8.length != value.length()) {
      return hasLoneSurrogate(value);
    }
    for (int i = 0; i < utf8.length; i++) {
      if (utf8[i] == '?' && value.charAt(i) != '?') {
        return true;
      }
    }
    return false;
  }

  private static boolean hasLoneSurrogate(String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < value.length()
          && Character.isLowSurrogate(value.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return true;
      }
    }
    return false;
  }
}
