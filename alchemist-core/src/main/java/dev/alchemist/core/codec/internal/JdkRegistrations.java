package dev.alchemist.core.codec.internal;

import com.esotericsoftware.kryo.kryo5.Kryo;
import com.esotericsoftware.kryo.kryo5.Serializer;
import com.esotericsoftware.kryo.kryo5.serializers.DefaultSerializers;
import com.esotericsoftware.kryo.kryo5.serializers.TimeSerializers;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * The JDK types every Kryo registry accepts, with their fixed serializers and Kryo ids. Separate
 * from {@link KryoCodecRegistry} because this list is wire format (ids are append only) and is
 * reviewed on its own, apart from how the registry uses it.
 */
final class JdkRegistrations {

  /**
   * JDK types that may be a codec's own type, not only a part of one: {@code codec(String.class)}
   * works. Their serializers are fixed, so their schema id is a hash of the class name.
   */
  static final List<Class<?>> VALUE_TYPES =
      List.of(
          String.class,
          byte[].class,
          Integer.class,
          Long.class,
          Double.class,
          Float.class,
          Boolean.class,
          Short.class,
          Byte.class,
          Character.class,
          UUID.class,
          Instant.class,
          Duration.class,
          LocalDate.class,
          ArrayList.class,
          LinkedList.class,
          HashMap.class,
          LinkedHashMap.class,
          HashSet.class,
          LinkedHashSet.class);

  private JdkRegistrations() {}

  /** Registers the JDK types with ids 10 to 63. Ids are wire format: append only. */
  static void register(Kryo kryo) {
    kryo.register(String.class, new Utf8StringSerializer());
    kryo.register(UUID.class, new DefaultSerializers.UUIDSerializer(), 10);
    kryo.register(Instant.class, new TimeSerializers.InstantSerializer(), 11);
    kryo.register(Duration.class, new TimeSerializers.DurationSerializer(), 12);
    kryo.register(LocalDate.class, new TimeSerializers.LocalDateSerializer(), 13);
    kryo.register(ArrayList.class, BoundedCollectionSerializers.collection(ArrayList::new), 14);
    kryo.register(LinkedList.class, BoundedCollectionSerializers.collection(LinkedList::new), 15);
    kryo.register(HashMap.class, BoundedCollectionSerializers.map(HashMap::new), 16);
    kryo.register(LinkedHashMap.class, BoundedCollectionSerializers.map(LinkedHashMap::new), 17);
    kryo.register(HashSet.class, BoundedCollectionSerializers.collection(HashSet::new), 18);
    kryo.register(
        LinkedHashSet.class, BoundedCollectionSerializers.collection(LinkedHashSet::new), 19);
    Serializer<List<Object>> immutableList =
        BoundedCollectionSerializers.collection(BoundedCollectionSerializers::immutableList);
    kryo.register(List.of().getClass(), immutableList, 20);
    kryo.register(List.of(1).getClass(), immutableList, 21);
    Serializer<Set<Object>> immutableSet = BoundedCollectionSerializers.collection(Set::copyOf);
    kryo.register(Set.of().getClass(), immutableSet, 22);
    kryo.register(Set.of(1).getClass(), immutableSet, 23);
    Serializer<Map<Object, Object>> immutableMap = BoundedCollectionSerializers.map(Map::copyOf);
    kryo.register(Map.of().getClass(), immutableMap, 24);
    kryo.register(Map.of(1, 1).getClass(), immutableMap, 25);
    kryo.register(byte[].class, new ByteArraySerializer(), 27);
    Class<?> streamList = Stream.of(1).toList().getClass();
    if (kryo.getClassResolver().getRegistration(streamList) == null) {
      kryo.register(streamList, immutableList, 26);
    }
  }
}
