package dev.alchemist.core.codec.internal;

import com.esotericsoftware.kryo.kryo5.KryoException;
import dev.alchemist.core.codec.CodecException;
import dev.alchemist.core.codec.CodecException.Reason;
import java.lang.reflect.InvocationTargetException;
import org.jspecify.annotations.Nullable;

/**
 * Maps what Kryo throws to a {@link CodecException} with a {@link Reason} and a one-line message.
 * Separate from {@link KryoCodecRegistry} because reading Kryo's exception chains (reflection
 * wrappers, multi-line serialization traces) has nothing to do with pooling or the envelope.
 */
final class CodecFailures {

  private CodecFailures() {}

  static CodecException encodeFailure(Class<?> type, RuntimeException e, int maxPayloadBytes) {
    String what = "cannot encode " + type.getName() + ": ";
    CodecException unregistered = unregistered(what, e);
    if (unregistered != null) {
      return unregistered;
    }
    String message = rootMessage(e);
    if (e instanceof KryoException && message.startsWith("Buffer overflow")) {
      return new CodecException(
          Reason.OVERSIZED, what + "the value exceeds maxPayloadBytes " + maxPayloadBytes, e);
    }
    return new CodecException(Reason.ENCODE_FAILED, what + message, e);
  }

  static CodecException decodeFailure(Class<?> type, RuntimeException e) {
    String what = "cannot decode " + type.getName() + ": ";
    CodecException unregistered = unregistered(what, e);
    if (unregistered != null) {
      return unregistered;
    }
    String message = rootMessage(e);
    if (message.startsWith("Buffer underflow")) {
      return new CodecException(Reason.TRUNCATED, what + "the payload ends too early", e);
    }
    return new CodecException(Reason.CORRUPT, what + message, e);
  }

  /** The failure to report when a class in the value or the bytes is not registered, else null. */
  private static @Nullable CodecException unregistered(String what, RuntimeException e) {
    UnregisteredClassException unregistered = find(e, UnregisteredClassException.class);
    return unregistered == null
        ? null
        : new CodecException(
            Reason.UNREGISTERED_CLASS, what + firstLine(unregistered.getMessage()), e);
  }

  /**
   * The first line of the innermost message: Kryo wraps the real reason (a record constructor's
   * validation message, say) in reflection exceptions and appends a serialization trace.
   */
  private static String rootMessage(Throwable e) {
    String message = e.toString();
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t.getMessage() != null && !(t instanceof InvocationTargetException)) {
        message = t.getMessage();
      }
    }
    return firstLine(message);
  }

  /** Kryo appends a multi-line serialization trace to its messages; ours stay one line. */
  private static String firstLine(@Nullable String message) {
    String text = String.valueOf(message);
    int newline = text.indexOf('\n');
    return newline < 0 ? text : text.substring(0, newline);
  }

  private static <X extends Throwable> @Nullable X find(Throwable e, Class<X> type) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return type.cast(t);
      }
    }
    return null;
  }
}
