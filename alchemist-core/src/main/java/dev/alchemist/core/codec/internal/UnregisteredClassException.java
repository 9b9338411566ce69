package dev.alchemist.core.codec.internal;

import com.esotericsoftware.kryo.kryo5.KryoException;
import java.io.Serial;

/** Kryo met a class, class id or class name that was not registered. */
final class UnregisteredClassException extends KryoException {
  @Serial private static final long serialVersionUID = 1L;

  UnregisteredClassException(String message) {
    super(message);
  }
}
