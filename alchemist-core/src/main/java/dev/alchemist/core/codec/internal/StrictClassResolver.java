package dev.alchemist.core.codec.internal;

import com.esotericsoftware.kryo.kryo5.Kryo;
import com.esotericsoftware.kryo.kryo5.Registration;
import com.esotericsoftware.kryo.kryo5.io.Input;
import com.esotericsoftware.kryo.kryo5.util.DefaultClassResolver;
import org.jspecify.annotations.Nullable;

/**
 * Resolves classes by registered id only. Kryo's default resolver also accepts a class name in the
 * stream (and loads that class) before it checks registration; this one refuses names outright, so
 * hostile bytes can never make it load a class.
 */
final class StrictClassResolver extends DefaultClassResolver {

  @Override
  public @Nullable Registration readClass(Input input) {
    int classId = input.readVarInt(true);
    if (classId == Kryo.NULL) {
      return null;
    }
    if (classId == NAME + 2) {
      throw new UnregisteredClassException(
          "the bytes name a class; only registered class ids are accepted");
    }
    Registration registration = idToRegistration.get(classId - 2);
    if (registration == null) {
      throw new UnregisteredClassException("the bytes hold unregistered class id " + (classId - 2));
    }
    return registration;
  }

  @Override
  protected Registration readName(Input input) {
    throw new UnregisteredClassException(
        "the bytes name a class; only registered class ids are accepted");
  }
}
