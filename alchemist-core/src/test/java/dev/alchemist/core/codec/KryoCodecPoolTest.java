package dev.alchemist.core.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.esotericsoftware.kryo.kryo5.Kryo;
import com.esotericsoftware.kryo.kryo5.SerializerFactory;
import com.esotericsoftware.kryo.kryo5.serializers.RecordSerializer;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The pool of Kryo instances behind a registry keeps its instances across failed decodes. */
class KryoCodecPoolTest {

  record Box(String label, List<Integer> numbers) {}

  /** Counts Kryo instances: a registry builds every registered serializer once per instance. */
  @SuppressWarnings("rawtypes") // Kryo declares the raw type
  private static final class CountingFactory
      extends SerializerFactory.BaseSerializerFactory<RecordSerializer<Box>> {
    final AtomicInteger instances = new AtomicInteger();

    @Override
    public RecordSerializer<Box> newSerializer(Kryo kryo, Class type) {
      instances.incrementAndGet();
      return new RecordSerializer<>(Box.class);
    }
  }

  @Test
  void decode_manyGarbagePayloads_reusesPooledKryoInstances() {
    CountingFactory factory = new CountingFactory();
    CodecRegistry registry = KryoCodecs.builder().register(Box.class, 300, 1, factory).build();
    Codec<Box> codec = registry.codec(Box.class);
    byte[] valid = codec.encode(new Box("hello", List.of(1, 2, 3)));
    assertThat(codec.decode(valid)).isEqualTo(new Box("hello", List.of(1, 2, 3)));
    int before = factory.instances.get();

    for (int i = 0; i < 500; i++) {
      byte[] garbage = valid.clone();
      // Past the 8-byte envelope: an unregistered class id, or a string length past the end.
      garbage[8 + (i % 3)] = (byte) (0x70 + i % 7);
      assertThatThrownBy(() -> codec.decode(garbage)).isInstanceOf(CodecException.class);
    }

    assertThat(factory.instances.get() - before)
        .as("Kryo instances built for 500 failed decodes on one thread")
        .isZero();
    assertThat(codec.decode(valid)).isEqualTo(new Box("hello", List.of(1, 2, 3)));
  }
}
