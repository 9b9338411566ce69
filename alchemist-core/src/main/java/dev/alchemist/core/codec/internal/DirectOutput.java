package dev.alchemist.core.codec.internal;

import com.esotericsoftware.kryo.kryo5.io.Output;

/**
 * Kryo's array-backed output with its room-making exposed, so that a serializer can encode straight
 * into the buffer instead of into a temporary array it then copies (a {@code String.getBytes} per
 * string was most of what an encode allocated).
 */
final class DirectOutput extends Output {

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
}
