package dev.alchemist.core.codec.internal;

import com.esotericsoftware.kryo.kryo5.Kryo;
import com.esotericsoftware.kryo.kryo5.KryoException;
import com.esotericsoftware.kryo.kryo5.Serializer;
import com.esotericsoftware.kryo.kryo5.io.Input;
import com.esotericsoftware.kryo.kryo5.io.Output;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Serializers for JDK collections whose reads are bounded by the input. Kryo's own collection
 * serializers presize the collection with the length read from the stream, so one crafted varint
 * would allocate gigabytes; these check that every declared element can have at least one byte. One
 * mechanism covers mutable and immutable collections: elements are read into a list (or a map) and
 * a finisher makes the target type.
 */
final class BoundedCollectionSerializers {

  private BoundedCollectionSerializers() {}

  static <C extends Collection<Object>> Serializer<C> collection(
      Function<List<Object>, C> finisher) {
    return new CollectionSerializer<>(finisher);
  }

  static <M extends Map<Object, Object>> Serializer<M> map(
      Function<Map<Object, Object>, M> finisher) {
    return new MapSerializer<>(finisher);
  }

  /** {@code List.copyOf}, or an unmodifiable list when an element is null. */
  static List<Object> immutableList(List<Object> elements) {
    return elements.contains(null) ? Collections.unmodifiableList(elements) : List.copyOf(elements);
  }

  private static int readSize(Input input, int bytesPerElement) {
    int size = input.readVarInt(true);
    int remaining = input.limit() - input.position();
    if (size < 0 || (long) size * bytesPerElement > remaining) {
      throw new KryoException(
          "collection size " + size + " cannot fit in the " + remaining + " bytes left");
    }
    return size;
  }

  private static final class CollectionSerializer<C extends Collection<Object>>
      extends Serializer<C> {
    private final Function<List<Object>, C> finisher;

    CollectionSerializer(Function<List<Object>, C> finisher) {
      super(false, true);
      this.finisher = finisher;
    }

    @Override
    public void write(Kryo kryo, Output output, C collection) {
      output.writeVarInt(collection.size(), true);
      for (Object element : collection) {
        kryo.writeClassAndObject(output, element);
      }
    }

    @Override
    public C read(Kryo kryo, Input input, Class<? extends C> type) {
      int size = readSize(input, 1);
      List<Object> elements = new ArrayList<>(size);
      for (int i = 0; i < size; i++) {
        elements.add(kryo.readClassAndObject(input));
      }
      return finisher.apply(elements);
    }
  }

  private static final class MapSerializer<M extends Map<Object, Object>> extends Serializer<M> {
    private final Function<Map<Object, Object>, M> finisher;

    MapSerializer(Function<Map<Object, Object>, M> finisher) {
      super(false, true);
      this.finisher = finisher;
    }

    @Override
    public void write(Kryo kryo, Output output, M map) {
      output.writeVarInt(map.size(), true);
      for (Map.Entry<Object, Object> entry : map.entrySet()) {
        kryo.writeClassAndObject(output, entry.getKey());
        kryo.writeClassAndObject(output, entry.getValue());
      }
    }

    @Override
    public M read(Kryo kryo, Input input, Class<? extends M> type) {
      int size = readSize(input, 2);
      Map<Object, Object> entries = new LinkedHashMap<>(Math.max(16, size * 2));
      for (int i = 0; i < size; i++) {
        Object key = kryo.readClassAndObject(input);
        entries.put(key, kryo.readClassAndObject(input));
      }
      if (entries.size() != size) {
        throw new KryoException("map of " + size + " entries holds duplicate keys");
      }
      return finisher.apply(entries);
    }
  }
}
