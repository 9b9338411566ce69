package dev.alchemist.core.codec.internal;

import com.esotericsoftware.kryo.kryo5.KryoException;
import com.esotericsoftware.kryo.kryo5.io.Input;

/**
 * A Kryo input over a byte array that refuses string lengths the remaining bytes cannot hold.
 * Strings normally go through {@link Utf8StringSerializer}; this guards Kryo's own string format,
 * which a serializer a host registers might still use. Kryo allocates a {@code char[]} of the
 * declared length before it reads such a string, so a crafted length of two billion would otherwise
 * cost gigabytes. Every UTF-8 character takes at least one byte, so a genuine length never exceeds
 * the bytes left.
 */
final class BoundedInput extends Input {

  BoundedInput() {
    super();
  }

  /** Bytes between the position and the limit. */
  int remaining() {
    return limit - position;
  }

  @Override
  public String readString() {
    checkStringLength();
    return super.readString();
  }

  @Override
  public StringBuilder readStringBuilder() {
    checkStringLength();
    return super.readStringBuilder();
  }

  /**
   * A string starts with a byte whose high bit marks a UTF-8 length (otherwise it is ASCII, read up
   * to a terminating byte, which bounds itself). Peek the length and rewind.
   */
  private void checkStringLength() {
    if (!readVarIntFlag()) {
      return;
    }
    int start = position;
    int charCount = readVarIntFlag(true) - 1;
    if (charCount > limit - position) {
      throw new KryoException(
          "string length " + charCount + " exceeds the " + (limit - position) + " bytes left");
    }
    position = start;
  }
}
