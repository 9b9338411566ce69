package dev.alchemist.core.codec;

/**
 * Turns values of one type into bytes and back.
 *
 * <p>Implementations are thread-safe and hold no per-thread state, so one instance serves any
 * number of platform or virtual threads.
 *
 * @param <T> the type of value
 */
public interface Codec<T> {

  /** The type this codec reads and writes. */
  Class<T> type();

  /**
   * Encodes {@code value}.
   *
   * @throws CodecException if the value (or something it holds) cannot be encoded, for example an
   *     unregistered class, or if the result would exceed the configured maximum size
   */
  byte[] encode(T value);

  /**
   * Decodes bytes that {@link #encode} wrote.
   *
   * @throws CodecException if the bytes are truncated, oversized, corrupt, of another schema, or
   *     hold something other than a {@code T}; never an {@link OutOfMemoryError} or a hang
   */
  default T decode(byte[] bytes) {
    return decode(bytes, 0, bytes.length);
  }

  /**
   * Decodes {@code length} bytes of {@code bytes} from {@code offset}.
   *
   * @throws CodecException as {@link #decode(byte[])}
   * @throws IndexOutOfBoundsException if the range lies outside {@code bytes}
   */
  T decode(byte[] bytes, int offset, int length);
}
