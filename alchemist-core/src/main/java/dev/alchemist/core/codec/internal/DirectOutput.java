package dev.alchemist.core.codec.internal;

import com.esotericsoftware.kryo.kryo5.io.Output;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Kryo's array-backed output with its room-making exposed and a UTF-8 encoder of its own, so that
 * serializers encode straight into the buffer instead of into a temporary array they then copy (a
 * {@code String.getBytes} per string was most of what an encode allocated). Used by one thread at a
 * time, like the Kryo instance it belongs to.
 */
final class DirectOutput extends Output {
  /** Chars copied out of a string at a time: bounds the scratch array whatever the string. */
  private static final int CHUNK_CHARS = 2048;

  private final CharsetEncoder utf8 =
      StandardCharsets.UTF_8
          .newEncoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT);
  private final char[] chunk = new char[CHUNK_CHARS];
  private final CharBuffer chars = CharBuffer.wrap(chunk);
  private static final ByteBuffer NO_BYTES = ByteBuffer.allocate(0);
  private ByteBuffer bytes = NO_BYTES;

  DirectOutput(int bufferSize, int maxBufferSize) {
    super(bufferSize, maxBufferSize);
  }

  /**
   * Makes room for {@code count} more bytes after the position, growing the buffer if needed: then
   * {@link #getBuffer()} may be written from {@link #position()} to {@code position() + count}.
   *
   * @throws com.esotericsoftware.kryo.kryo5.KryoException "Buffer overflow" beyond the maximum
   *     size, as every other write does
   */
  void reserve(int count) {
    require(count);
  }

  /**
   * Writes {@code value} as UTF-8 at the position and moves past it. The JDK's encoder does the
   * work: for array-backed buffers its ASCII loop is vectorized, several times faster than a loop
   * over {@code charAt}. The string is copied out a chunk at a time; a surrogate pair split by a
   * chunk's end waits in the char buffer for its second half.
   *
   * @return the number of bytes written, or -1, with the position unchanged, if {@code value} holds
   *     a lone surrogate, which UTF-8 cannot carry
   */
  int writeUtf8(String value) {
    int start = position;
    int length = value.length();
    utf8.reset();
    chars.clear();
    int carried = 0; // a high surrogate left over from the last chunk, or none
    int next = 0;
    while (next < length) {
      int take = Math.min(CHUNK_CHARS - carried, length - next);
      value.getChars(next, next + take, chunk, carried);
      next += take;
      chars.limit(carried + take).position(0);
      if (!encode(next == length)) {
        position = start;
        return -1;
      }
      carried = chars.remaining();
      if (carried > 0) {
        chunk[0] = chunk[chars.position()];
      }
    }
    return position - start;
  }

  /** Also forgets the old buffer, so that a large one is not kept alive by the encoder's view. */
  @Override
  public void setBuffer(byte[] buffer, int maxBufferSize) {
    super.setBuffer(buffer, maxBufferSize);
    bytes = NO_BYTES;
  }

  /** Encodes the char buffer, growing the output as needed; false on a lone surrogate. */
  private boolean encode(boolean endOfInput) {
    while (true) {
      if (bytes.array() != buffer) {
        bytes = ByteBuffer.wrap(buffer);
      }
      bytes.limit(capacity).position(position);
      CoderResult result = utf8.encode(chars, bytes, endOfInput);
      position = bytes.position();
      if (result.isUnderflow()) {
        return true;
      }
      if (!result.isOverflow()) {
        return false;
      }
      // The chars left need at most 3 bytes each, more than the space left (or the encoder would
      // not have stopped). Below the maximum, grow by that much or up to the maximum, which is
      // more than the space left either way; at the maximum, asking for it is the overflow.
      int wanted = 3 * chars.remaining();
      require(capacity < maxCapacity ? Math.min(wanted, maxCapacity - position) : wanted);
    }
  }
}
