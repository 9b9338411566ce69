package dev.alchemist.core.codec;

/**
 * The set of types that may be encoded and decoded, and the {@link Codec} of each.
 *
 * <p>Thread-safe; build one per application (it pools its Kryo instances and buffers) and share it.
 */
public interface CodecRegistry {

  /**
   * The codec for {@code type}, which must be registered.
   *
   * @throws IllegalArgumentException if {@code type} is not registered
   */
  <T> Codec<T> codec(Class<T> type);

  /** Whether {@code type} is registered. */
  boolean isRegistered(Class<?> type);

  /**
   * The schema id of {@code type} that its envelopes carry (see the package docs).
   *
   * @throws IllegalArgumentException if {@code type} is not registered
   */
  int schemaId(Class<?> type);
}
