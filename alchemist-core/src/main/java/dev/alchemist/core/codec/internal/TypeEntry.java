package dev.alchemist.core.codec.internal;

import com.esotericsoftware.kryo.kryo5.Kryo;
import com.esotericsoftware.kryo.kryo5.SerializerFactory;
import org.jspecify.annotations.Nullable;

/**
 * One registered type, from the Alchemist model or from the application.
 *
 * @param factory makes its serializer, or null for Kryo's default for its kind
 */
record TypeEntry(Class<?> type, int id, int version, @Nullable SerializerFactory<?> factory) {

  TypeEntry(Class<?> type, int id) {
    this(type, id, 0, null);
  }

  void register(Kryo kryo) {
    if (factory == null) {
      kryo.register(type, id);
    } else {
      kryo.register(type, factory.newSerializer(kryo, type), id);
    }
  }
}
