package dev.alchemist.core.codec.internal;

import com.esotericsoftware.kryo.kryo5.Kryo;
import com.esotericsoftware.kryo.kryo5.Serializer;
import com.esotericsoftware.kryo.kryo5.SerializerFactory;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * One registered type, from the Alchemist model or from the application.
 *
 * @param factory makes its serializer, or null for Kryo's default for its kind; a factory is part
 *     of the schema id, since it decides the bytes
 * @param sameLayout for a model type only: a hand-written serializer that writes exactly the bytes
 *     of Kryo's default for the type, only faster. It is not part of the schema id, since the bytes
 *     and the shape they follow are unchanged; a test of its own pins the layout.
 */
record TypeEntry(
    Class<?> type,
    int id,
    int version,
    @Nullable SerializerFactory<?> factory,
    @Nullable Supplier<? extends Serializer<?>> sameLayout) {

  TypeEntry(Class<?> type, int id) {
    this(type, id, 0, null, null);
  }

  TypeEntry(Class<?> type, int id, Supplier<? extends Serializer<?>> sameLayout) {
    this(type, id, 0, null, sameLayout);
  }

  TypeEntry(Class<?> type, int id, int version, @Nullable SerializerFactory<?> factory) {
    this(type, id, version, factory, null);
  }

  void register(Kryo kryo) {
    if (factory != null) {
      kryo.register(type, factory.newSerializer(kryo, type), id);
    } else if (sameLayout != null) {
      kryo.register(type, sameLayout.get(), id);
    } else {
      kryo.register(type, id);
    }
  }
}
