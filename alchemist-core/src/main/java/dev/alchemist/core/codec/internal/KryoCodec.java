package dev.alchemist.core.codec.internal;

import dev.alchemist.core.codec.Codec;
import dev.alchemist.core.codec.CodecException;

/** The {@link Codec} of one registered type; a view of its {@link KryoCodecRegistry}. */
final class KryoCodec<T> implements Codec<T> {
  private final KryoCodecRegistry registry;
  private final Class<T> type;
  private final int schemaId;

  KryoCodec(KryoCodecRegistry registry, Class<T> type, int schemaId) {
    this.registry = registry;
    this.type = type;
    this.schemaId = schemaId;
  }

  @Override
  public Class<T> type() {
    return type;
  }

  @Override
  public byte[] encode(T value) {
    if (!type.isInstance(value)) {
      throw new CodecException(
          CodecException.Reason.ENCODE_FAILED,
          "cannot encode "
              + type.getName()
              + ": value is "
              + (value == null ? "null" : "a " + value.getClass().getName()));
    }
    return registry.encode(type, schemaId, value);
  }

  @Override
  public T decode(byte[] bytes, int offset, int length) {
    return registry.decode(type, schemaId, bytes, offset, length);
  }

  @Override
  public String toString() {
    return String.format("KryoCodec{type=%s, schemaId=%08x}", type.getName(), schemaId);
  }
}
