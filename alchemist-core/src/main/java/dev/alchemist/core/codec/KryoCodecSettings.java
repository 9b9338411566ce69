package dev.alchemist.core.codec;

import com.esotericsoftware.kryo.kryo5.SerializerFactory;
import dev.alchemist.core.Checks;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The settings of a Kryo {@link CodecRegistry}; built by {@link KryoCodecs#builder()}.
 *
 * @param registrations the application's registrations, in the order they were made
 * @param compressionThreshold payloads of at least this many bytes are LZ4-compressed when that
 *     makes them smaller; 0 turns compression off
 * @param maxPayloadBytes the largest payload, before compression, that is encoded or decoded
 * @param maxDepth the deepest object nesting that is encoded or decoded
 * @param poolSize how many Kryo instances are kept for reuse
 */
public record KryoCodecSettings(
    List<Registration> registrations,
    int compressionThreshold,
    int maxPayloadBytes,
    int maxDepth,
    int poolSize) {

  /** Default {@link #compressionThreshold}: 2 KiB. */
  public static final int DEFAULT_COMPRESSION_THRESHOLD = 2048;

  /** Default {@link #maxPayloadBytes}: 16 MiB. */
  public static final int DEFAULT_MAX_PAYLOAD_BYTES = 16 << 20;

  /** Upper bound of {@link #maxPayloadBytes}: 512 MiB, Redis' largest string. */
  public static final int MAX_PAYLOAD_LIMIT = 512 << 20;

  /** Default {@link #maxDepth}. */
  public static final int DEFAULT_MAX_DEPTH = 64;

  public KryoCodecSettings {
    registrations = List.copyOf(registrations);
    requireUnique(registrations);
    Checks.notNegative("compressionThreshold", compressionThreshold);
    Checks.inRange("maxPayloadBytes", maxPayloadBytes, 64, MAX_PAYLOAD_LIMIT);
    Checks.inRange("maxDepth", maxDepth, 4, 10_000);
    Checks.inRange("poolSize", poolSize, 1, 4096);
  }

  /** 4 per available processor, at least 16. */
  public static int defaultPoolSize() {
    return Math.max(16, 4 * Runtime.getRuntime().availableProcessors());
  }

  /** Throws if two registrations share a class or an id. */
  static void requireUnique(List<Registration> registrations) {
    for (int i = 0; i < registrations.size(); i++) {
      Registration a = registrations.get(i);
      for (int j = 0; j < i; j++) {
        Registration b = registrations.get(j);
        if (a.type() == b.type()) {
          throw new IllegalArgumentException(
              a.type().getName() + " is already registered with id " + b.id());
        }
        if (a.id() == b.id()) {
          throw new IllegalArgumentException(
              "id " + a.id() + " is already registered to " + b.type().getName());
        }
      }
    }
  }

  /**
   * One registered class.
   *
   * @param type the class
   * @param id its wire id
   * @param version its declared version, part of its schema id
   * @param serializerFactory makes its serializer, or null for Kryo's default for its kind
   */
  public record Registration(
      Class<?> type, int id, int version, @Nullable SerializerFactory<?> serializerFactory) {

    public Registration {
      Checks.notNull("type", type);
      Checks.inRange("id of " + type.getName(), id, KryoCodecs.FIRST_MODULE_ID, KryoCodecs.MAX_ID);
      Checks.notNegative("version of " + type.getName(), version);
      if (type.isPrimitive() || type.isArray() || type.isInterface()) {
        throw new IllegalArgumentException(
            "type must be a concrete class, not a primitive, array or interface, but was "
                + type.getTypeName());
      }
    }
  }
}
