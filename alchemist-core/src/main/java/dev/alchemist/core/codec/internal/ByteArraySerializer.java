package dev.alchemist.core.codec.internal;

import com.esotericsoftware.kryo.kryo5.Kryo;
import com.esotericsoftware.kryo.kryo5.KryoException;
import com.esotericsoftware.kryo.kryo5.Serializer;
import com.esotericsoftware.kryo.kryo5.io.Input;
import com.esotericsoftware.kryo.kryo5.io.Output;

/**
 * {@code byte[]} as a varint header (0 for null, otherwise length + 1), then the bytes: the format
 * of Kryo's own byte array serializer. Unlike Kryo's, the read checks the declared length against
 * the bytes left before it allocates, so a crafted length cannot cost more memory than the input
 * holds.
 */
final class ByteArraySerializer extends Serializer<byte[]> {

  ByteArraySerializer() {
    super(true, true);
  }

  @Override
  public void write(Kryo kryo, Output output, byte[] value) {
    if (value == null) {
      output.writeVarInt(0, true);
      return;
    }
    output.writeVarInt(value.length + 1, true);
    output.writeBytes(value);
  }

  @Override
  public byte[] read(Kryo kryo, Input input, Class<? extends byte[]> type) {
    int header = input.readVarInt(true);
    if (header == 0) {
      return null;
    }
    long length = (header & 0xffffffffL) - 1;
    int remaining = input.limit() - input.position();
    if (length > remaining) {
      throw new KryoException(
          "byte array of " + length + " bytes exceeds the " + remaining + " bytes left");
    }
    // Our inputs are always whole byte arrays, never streams, so the bytes are all in the buffer.
    return input.readBytes((int) length);
  }

  @Override
  public byte[] copy(Kryo kryo, byte[] original) {
    return original.clone();
  }
}
