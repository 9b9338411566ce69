package dev.alchemist.core.codec;

import com.esotericsoftware.kryo.kryo5.SerializerFactory;
import dev.alchemist.core.Checks;
import dev.alchemist.core.codec.internal.KryoCodecRegistry;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Builds a Kryo-backed {@link CodecRegistry}.
 *
 * <pre>{@code
 * CodecRegistry codecs = KryoCodecs.builder()
 *     .register(Order.class, 200)
 *     .register(OrderLine.class, 201)
 *     .build();
 * Codec<Order> orders = codecs.codec(Order.class);
 * byte[] bytes = orders.encode(order);
 * }</pre>
 *
 * <p>Every class that is encoded, including those inside a value (a record's components, a list's
 * elements), must be registered with an explicit id. Ids below {@value #FIRST_USER_ID} are ours:
 * the JDK types below are registered from 10 to 63, the Alchemist model ({@code Dialog}, {@code
 * Message}, {@code MessageRole}, {@code DialogHistory}, {@code DomainEvent}, {@code DomainStats})
 * from 64. Ids are part of the wire format: never reuse one for another class.
 *
 * <p>Registered by default: primitives and their boxes, {@code String}, {@code byte[]} (also as a
 * codec's own type: {@code codec(byte[].class)}), {@code UUID}, {@code Instant}, {@code Duration},
 * {@code LocalDate}, {@code ArrayList}, {@code LinkedList}, {@code HashMap}, {@code LinkedHashMap},
 * {@code HashSet}, {@code LinkedHashSet}, and the immutable collections of {@code List.of}, {@code
 * Set.of}, {@code Map.of} and {@code Stream.toList()} (decoded as {@code List.copyOf}-style
 * immutable collections).
 *
 * <p>A builder is not thread-safe; {@link Builder#build()} copies its state, so it may be reused.
 */
public final class KryoCodecs {

  /** The smallest id an application may register. */
  public static final int FIRST_USER_ID = 128;

  /**
   * The smallest id of the range 96 to 127 that other Alchemist modules register their own types in
   * (alchemist-ai: 96 to 99), through {@link Builder#registerModuleType}.
   */
  public static final int FIRST_MODULE_ID = 96;

  /** The largest id an application may register. */
  public static final int MAX_ID = 1 << 20;

  private KryoCodecs() {}

  /** A new builder with the defaults of {@link KryoCodecSettings}. */
  public static Builder builder() {
    return new Builder();
  }

  /** Collects registrations and limits; see {@link KryoCodecSettings} for their meaning. */
  public static final class Builder {
    private final List<KryoCodecSettings.Registration> registrations = new ArrayList<>();
    private int compressionThreshold = KryoCodecSettings.DEFAULT_COMPRESSION_THRESHOLD;
    private int maxPayloadBytes = KryoCodecSettings.DEFAULT_MAX_PAYLOAD_BYTES;
    private int maxDepth = KryoCodecSettings.DEFAULT_MAX_DEPTH;
    private int poolSize = KryoCodecSettings.defaultPoolSize();

    private Builder() {}

    /** Registers {@code type} under {@code id}, serialized by Kryo's default for its kind. */
    public Builder register(Class<?> type, int id) {
      return add(type, userId(type, id), 0, null);
    }

    /**
     * Registers a type of an Alchemist module under an id of the range reserved for modules
     * ({@value #FIRST_MODULE_ID} to 127), so that it never collides with an application's ids.
     * Applications use {@link #register(Class, int)}.
     */
    public Builder registerModuleType(Class<?> type, int id) {
      Checks.notNull("type", type);
      Checks.inRange("id of " + type.getName(), id, FIRST_MODULE_ID, FIRST_USER_ID - 1);
      return add(type, id, 0, null);
    }

    private static int userId(Class<?> type, int id) {
      Checks.notNull("type", type);
      return (int) Checks.inRange("id of " + type.getName(), id, FIRST_USER_ID, MAX_ID);
    }

    /**
     * Registers {@code type} under {@code id} with a declared {@code version}: bump it when the
     * meaning of the type changes but its shape does not, so old bytes are refused.
     */
    public Builder register(Class<?> type, int id, int version) {
      return add(type, userId(type, id), version, null);
    }

    /**
     * Registers {@code type} under {@code id}, serialized by the serializers that {@code factory}
     * makes (one per pooled Kryo instance). The serializer then owns compatibility: the schema id
     * covers the class name, the factory's class and {@code version}, not the type's shape.
     */
    public Builder register(Class<?> type, int id, int version, SerializerFactory<?> factory) {
      return add(type, userId(type, id), version, Checks.notNull("factory", factory));
    }

    private Builder add(
        Class<?> type, int id, int version, @Nullable SerializerFactory<?> factory) {
      List<KryoCodecSettings.Registration> next = new ArrayList<>(registrations);
      next.add(new KryoCodecSettings.Registration(type, id, version, factory));
      KryoCodecSettings.requireUnique(next);
      registrations.add(next.get(next.size() - 1));
      return this;
    }

    /**
     * Payloads of at least this many bytes are LZ4-compressed when that makes them smaller; 0 turns
     * compression off. Default {@value KryoCodecSettings#DEFAULT_COMPRESSION_THRESHOLD}.
     */
    public Builder compressionThreshold(int bytes) {
      this.compressionThreshold = (int) Checks.notNegative("compressionThreshold", bytes);
      return this;
    }

    /**
     * The largest payload, before compression, that is encoded or decoded. Default {@value
     * KryoCodecSettings#DEFAULT_MAX_PAYLOAD_BYTES} (16 MiB).
     */
    public Builder maxPayloadBytes(int bytes) {
      this.maxPayloadBytes =
          (int) Checks.inRange("maxPayloadBytes", bytes, 64, KryoCodecSettings.MAX_PAYLOAD_LIMIT);
      return this;
    }

    /**
     * The deepest object nesting that is encoded or decoded, which keeps crafted input from
     * overflowing the stack. Default {@value KryoCodecSettings#DEFAULT_MAX_DEPTH}.
     */
    public Builder maxDepth(int depth) {
      this.maxDepth = (int) Checks.inRange("maxDepth", depth, 4, 10_000);
      return this;
    }

    /**
     * How many Kryo instances (each with its buffers) are kept for reuse. More concurrent callers
     * than this still work; the surplus instances are made and dropped. Default: 4 per processor,
     * at least 16.
     */
    public Builder poolSize(int size) {
      this.poolSize = (int) Checks.inRange("poolSize", size, 1, 4096);
      return this;
    }

    /** The immutable settings this builder holds. */
    public KryoCodecSettings settings() {
      return new KryoCodecSettings(
          registrations, compressionThreshold, maxPayloadBytes, maxDepth, poolSize);
    }

    /** A registry with the registrations and limits of this builder. */
    public CodecRegistry build() {
      return new KryoCodecRegistry(settings());
    }
  }
}
