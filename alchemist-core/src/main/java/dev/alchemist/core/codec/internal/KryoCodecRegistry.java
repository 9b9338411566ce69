package dev.alchemist.core.codec.internal;

import com.esotericsoftware.kryo.kryo5.Kryo;
import com.esotericsoftware.kryo.kryo5.KryoException;
import com.esotericsoftware.kryo.kryo5.Registration;
import com.esotericsoftware.kryo.kryo5.Serializer;
import com.esotericsoftware.kryo.kryo5.io.Output;
import com.esotericsoftware.kryo.kryo5.serializers.DefaultSerializers;
import com.esotericsoftware.kryo.kryo5.serializers.TimeSerializers;
import dev.alchemist.core.Dialog;
import dev.alchemist.core.DialogHistory;
import dev.alchemist.core.DomainEvent;
import dev.alchemist.core.DomainStats;
import dev.alchemist.core.Message;
import dev.alchemist.core.MessageRole;
import dev.alchemist.core.codec.Codec;
import dev.alchemist.core.codec.CodecException;
import dev.alchemist.core.codec.CodecException.Reason;
import dev.alchemist.core.codec.CodecRegistry;
import dev.alchemist.core.codec.KryoCodecSettings;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Exception;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;
import org.jspecify.annotations.Nullable;

/**
 * The Kryo {@link CodecRegistry}: registrations, schema ids, the envelope, and a pool of Kryo
 * instances with their buffers. See the {@code dev.alchemist.core.codec} package docs for the
 * envelope layout and the security rules.
 */
public final class KryoCodecRegistry implements CodecRegistry {

  static final byte MAGIC = (byte) 0xA7;
  static final byte FORMAT_VERSION = 1;
  static final byte CODEC_KRYO = 1;
  static final byte FLAG_LZ4 = 1;
  static final int HEADER_BYTES = 8;
  private static final int LENGTH_BYTES = 4;

  /** Output buffers that grew beyond this are not kept in the pool. */
  private static final int RETAINED_BUFFER_BYTES = 64 * 1024;

  private static final int INITIAL_BUFFER_BYTES = 4 * 1024;

  /** The Alchemist model, registered in every registry below the application's ids. */
  private static final List<TypeEntry> MODEL =
      List.of(
          new TypeEntry(MessageRole.class, 64),
          new TypeEntry(Message.class, 65),
          new TypeEntry(Dialog.class, 66),
          new TypeEntry(DialogHistory.class, 67),
          new TypeEntry(DomainEvent.class, 68, DomainEventSerializer::new),
          new TypeEntry(DomainStats.class, 69));

  /**
   * JDK types that may be a codec's own type, not only a part of one: {@code codec(String.class)}
   * works. Their serializers are fixed, so their schema id is a hash of the class name.
   */
  private static final List<Class<?>> JDK_VALUE_TYPES =
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

  private static final LZ4Factory LZ4 = LZ4Factory.fastestInstance();

  private final KryoCodecSettings settings;
  private final List<TypeEntry> entries;
  private final Map<Class<?>, Integer> schemaIds;
  private final Map<Integer, Class<?>> typesBySchemaId;
  private final SlotPool<Worker> workers;
  private final LZ4Compressor compressor = LZ4.fastCompressor();
  private final LZ4SafeDecompressor decompressor = LZ4.safeDecompressor();

  public KryoCodecRegistry(KryoCodecSettings settings) {
    this.settings = Objects.requireNonNull(settings, "settings");
    List<TypeEntry> all = new ArrayList<>(MODEL);
    for (KryoCodecSettings.Registration registration : settings.registrations()) {
      all.add(
          new TypeEntry(
              registration.type(),
              registration.id(),
              registration.version(),
              registration.serializerFactory()));
    }
    this.entries = List.copyOf(all);
    Map<Class<?>, TypeEntry> described = new HashMap<>();
    for (TypeEntry entry : entries) {
      described.put(entry.type(), entry);
    }
    Map<Class<?>, Integer> ids = new HashMap<>();
    Map<Integer, Class<?>> types = new HashMap<>();
    List<Class<?>> codecTypes = new ArrayList<>(JDK_VALUE_TYPES);
    for (TypeEntry entry : entries) {
      codecTypes.add(entry.type());
    }
    for (Class<?> type : codecTypes) {
      int schemaId = SchemaIds.of(type, described);
      ids.put(type, schemaId);
      types.put(schemaId, type);
    }
    this.schemaIds = Map.copyOf(ids);
    this.typesBySchemaId = Map.copyOf(types);
    this.workers = new SlotPool<>(settings.poolSize(), this::newWorker);
    // Fail at build time, not at the first encode, if a registration cannot be honoured.
    workers.release(newWorker());
  }

  /** The settings this registry was built with. */
  public KryoCodecSettings settings() {
    return settings;
  }

  @Override
  public <T> Codec<T> codec(Class<T> type) {
    return new KryoCodec<>(this, type, schemaId(type));
  }

  @Override
  public boolean isRegistered(Class<?> type) {
    return schemaIds.containsKey(type);
  }

  @Override
  public int schemaId(Class<?> type) {
    Integer id = schemaIds.get(Objects.requireNonNull(type, "type"));
    if (id == null) {
      throw new IllegalArgumentException(
          type.getName()
              + " is not registered; register it with KryoCodecs.builder().register("
              + type.getSimpleName()
              + ".class, id)");
    }
    return id;
  }

  @Override
  public String toString() {
    return "KryoCodecRegistry{types=" + entries.size() + ", " + settings + "}";
  }

  byte[] encode(Class<?> type, int schemaId, Object value) {
    Worker worker = workers.obtain();
    boolean reusable = false;
    try {
      Output output = worker.output;
      output.setPosition(HEADER_BYTES);
      worker.kryo.writeClassAndObject(output, value);
      byte[] buffer = output.getBuffer();
      int payloadBytes = output.position() - HEADER_BYTES;
      byte[] result = null;
      if (settings.compressionThreshold() > 0 && payloadBytes >= settings.compressionThreshold()) {
        result = compress(worker, buffer, payloadBytes, schemaId);
      }
      if (result == null) {
        result = Arrays.copyOf(buffer, output.position());
        writeHeader(result, 0, schemaId);
      }
      reusable = true;
      return result;
    } catch (RuntimeException e) {
      throw encodeFailure(type, e);
    } finally {
      if (reusable) {
        worker.recycle();
        workers.release(worker);
      }
    }
  }

  /** The compressed envelope, or null when compression does not make the payload smaller. */
  private byte @Nullable [] compress(Worker worker, byte[] buffer, int payloadBytes, int schemaId) {
    int offset = HEADER_BYTES + LENGTH_BYTES;
    byte[] target = worker.scratch(offset + compressor.maxCompressedLength(payloadBytes));
    int compressed =
        compressor.compress(
            buffer, HEADER_BYTES, payloadBytes, target, offset, target.length - offset);
    if (compressed + LENGTH_BYTES >= payloadBytes) {
      return null;
    }
    byte[] result = Arrays.copyOf(target, offset + compressed);
    writeHeader(result, FLAG_LZ4, schemaId);
    writeInt(result, HEADER_BYTES, payloadBytes);
    return result;
  }

  <T> T decode(Class<T> type, int schemaId, byte[] bytes, int offset, int length) {
    Objects.checkFromIndexSize(offset, length, bytes.length);
    checkHeader(type, schemaId, bytes, offset, length);
    boolean compressed = (bytes[offset + 3] & FLAG_LZ4) != 0;
    if (!compressed && length - HEADER_BYTES > settings.maxPayloadBytes()) {
      throw new CodecException(
          Reason.OVERSIZED,
          "cannot decode "
              + type.getName()
              + ": payload of "
              + (length - HEADER_BYTES)
              + " bytes exceeds maxPayloadBytes "
              + settings.maxPayloadBytes());
    }
    Worker worker = workers.obtain();
    boolean reusable = false;
    try {
      BoundedInput input = worker.input;
      if (compressed) {
        byte[] raw = decompress(worker, type, bytes, offset, length);
        input.setBuffer(raw, 0, readInt(bytes, offset + HEADER_BYTES));
      } else {
        input.setBuffer(bytes, offset + HEADER_BYTES, length - HEADER_BYTES);
      }
      Object value = worker.kryo.readClassAndObject(input);
      if (input.remaining() != 0) {
        throw new CodecException(
            Reason.CORRUPT,
            "cannot decode "
                + type.getName()
                + ": "
                + input.remaining()
                + " bytes left over after the value");
      }
      if (!type.isInstance(value)) {
        throw new CodecException(
            Reason.WRONG_TYPE,
            "cannot decode "
                + type.getName()
                + ": the bytes hold "
                + (value == null ? "null" : value.getClass().getName()));
      }
      reusable = true;
      return type.cast(value);
    } catch (CodecException e) {
      reusable = true;
      throw e;
    } catch (RuntimeException e) {
      // Garbage input ends here often (an attacker can send a stream of it): keep the instance
      // once its per-call state is cleared, instead of building a new Kryo for every failure.
      reusable = worker.clearAfterFailure();
      throw decodeFailure(type, e);
    } finally {
      if (reusable) {
        worker.recycle();
        workers.release(worker);
      }
    }
  }

  private void checkHeader(Class<?> type, int schemaId, byte[] bytes, int offset, int length) {
    String what = "cannot decode " + type.getName() + ": ";
    if (length < HEADER_BYTES) {
      throw new CodecException(
          Reason.TRUNCATED,
          what + length + " bytes are fewer than the " + HEADER_BYTES + "-byte envelope header");
    }
    if (bytes[offset] != MAGIC) {
      throw new CodecException(
          Reason.NOT_AN_ENVELOPE,
          what
              + String.format(
                  "first byte 0x%02x is not the envelope magic 0x%02x", bytes[offset], MAGIC));
    }
    if (bytes[offset + 1] != FORMAT_VERSION) {
      throw new CodecException(
          Reason.NOT_AN_ENVELOPE,
          what
              + "envelope format "
              + bytes[offset + 1]
              + " is not supported (this codec reads "
              + FORMAT_VERSION
              + ")");
    }
    if (bytes[offset + 2] != CODEC_KRYO) {
      throw new CodecException(
          Reason.NOT_AN_ENVELOPE,
          what + "codec id " + bytes[offset + 2] + " is not Kryo (" + CODEC_KRYO + ")");
    }
    if ((bytes[offset + 3] & ~FLAG_LZ4) != 0) {
      throw new CodecException(
          Reason.NOT_AN_ENVELOPE, what + String.format("unknown flags 0x%02x", bytes[offset + 3]));
    }
    int written = readInt(bytes, offset + 4);
    if (written != schemaId) {
      Class<?> other = typesBySchemaId.get(written);
      if (other != null) {
        throw new CodecException(Reason.WRONG_TYPE, what + "the bytes hold a " + other.getName());
      }
      throw new CodecException(
          Reason.SCHEMA_MISMATCH,
          what
              + String.format(
                  "the bytes were written with schema id %08x but this codec reads schema id %08x;"
                      + " the type's shape or declared version changed since",
                  written, schemaId));
    }
  }

  /** Decompresses into the worker's scratch buffer, which then holds the payload from 0. */
  private byte[] decompress(Worker worker, Class<?> type, byte[] bytes, int offset, int length) {
    String what = "cannot decode " + type.getName() + ": ";
    if (length < HEADER_BYTES + LENGTH_BYTES) {
      throw new CodecException(
          Reason.TRUNCATED, what + "compressed envelope of " + length + " bytes has no length");
    }
    int rawBytes = readInt(bytes, offset + HEADER_BYTES);
    if (rawBytes < 0 || rawBytes > settings.maxPayloadBytes()) {
      throw new CodecException(
          Reason.OVERSIZED,
          what
              + "compressed payload declares "
              + rawBytes
              + " bytes, beyond maxPayloadBytes "
              + settings.maxPayloadBytes());
    }
    byte[] raw = worker.scratch(rawBytes);
    int start = offset + HEADER_BYTES + LENGTH_BYTES;
    int decompressed;
    try {
      decompressed =
          decompressor.decompress(
              bytes, start, length - HEADER_BYTES - LENGTH_BYTES, raw, 0, rawBytes);
    } catch (LZ4Exception | ArrayIndexOutOfBoundsException e) {
      throw new CodecException(
          Reason.CORRUPT, what + "compressed payload is damaged (" + e.getMessage() + ")", e);
    }
    if (decompressed != rawBytes) {
      throw new CodecException(
          Reason.CORRUPT,
          what + "compressed payload holds " + decompressed + " bytes, not " + rawBytes);
    }
    return raw;
  }

  private CodecException encodeFailure(Class<?> type, RuntimeException e) {
    String what = "cannot encode " + type.getName() + ": ";
    UnregisteredClassException unregistered = find(e, UnregisteredClassException.class);
    if (unregistered != null) {
      return new CodecException(
          Reason.UNREGISTERED_CLASS, what + firstLine(unregistered.getMessage()), e);
    }
    String message = rootMessage(e);
    if (e instanceof KryoException && message.startsWith("Buffer overflow")) {
      return new CodecException(
          Reason.OVERSIZED,
          what + "the value exceeds maxPayloadBytes " + settings.maxPayloadBytes(),
          e);
    }
    return new CodecException(Reason.ENCODE_FAILED, what + message, e);
  }

  private static CodecException decodeFailure(Class<?> type, RuntimeException e) {
    String what = "cannot decode " + type.getName() + ": ";
    UnregisteredClassException unregistered = find(e, UnregisteredClassException.class);
    if (unregistered != null) {
      return new CodecException(
          Reason.UNREGISTERED_CLASS, what + firstLine(unregistered.getMessage()), e);
    }
    String message = rootMessage(e);
    if (message.startsWith("Buffer underflow")) {
      return new CodecException(Reason.TRUNCATED, what + "the payload ends too early", e);
    }
    return new CodecException(Reason.CORRUPT, what + message, e);
  }

  /**
   * The first line of the innermost message: Kryo wraps the real reason (a record constructor's
   * validation message, say) in reflection exceptions and appends a serialization trace.
   */
  private static String rootMessage(Throwable e) {
    String message = e.toString();
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t.getMessage() != null && !(t instanceof java.lang.reflect.InvocationTargetException)) {
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

  private static void writeHeader(byte[] target, int flags, int schemaId) {
    target[0] = MAGIC;
    target[1] = FORMAT_VERSION;
    target[2] = CODEC_KRYO;
    target[3] = (byte) flags;
    writeInt(target, 4, schemaId);
  }

  private static void writeInt(byte[] target, int offset, int value) {
    target[offset] = (byte) (value >>> 24);
    target[offset + 1] = (byte) (value >>> 16);
    target[offset + 2] = (byte) (value >>> 8);
    target[offset + 3] = (byte) value;
  }

  private static int readInt(byte[] source, int offset) {
    return (source[offset] & 0xff) << 24
        | (source[offset + 1] & 0xff) << 16
        | (source[offset + 2] & 0xff) << 8
        | (source[offset + 3] & 0xff);
  }

  private Worker newWorker() {
    Kryo kryo = new StrictKryo();
    kryo.setRegistrationRequired(true);
    kryo.setReferences(false);
    kryo.setMaxDepth(settings.maxDepth());
    registerJdkTypes(kryo);
    for (TypeEntry entry : entries) {
      entry.register(kryo);
    }
    return new Worker(kryo, settings.maxPayloadBytes() + HEADER_BYTES);
  }

  /** JDK types every registry accepts, with ids 10 to 63. Ids are wire format: append only. */
  private static void registerJdkTypes(Kryo kryo) {
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

  /** Kryo that reports an unregistered class on write as our exception, so we can tell it. */
  private static final class StrictKryo extends Kryo {
    StrictKryo() {
      super(new StrictClassResolver(), null);
    }

    @Override
    @SuppressWarnings("rawtypes") // Kryo declares the raw type
    public Registration getRegistration(Class type) {
      try {
        return super.getRegistration(type);
      } catch (IllegalArgumentException e) {
        throw new UnregisteredClassException(
            type.getName()
                + " is not registered; register it with KryoCodecs.builder().register("
                + type.getSimpleName()
                + ".class, id)");
      }
    }
  }

  /** A Kryo instance with the buffers it reads and writes; used by one thread at a time. */
  private static final class Worker {
    final Kryo kryo;
    final BoundedInput input = new BoundedInput();
    final DirectOutput output;
    private final int maxOutputBytes;

    Worker(Kryo kryo, int maxOutputBytes) {
      this.kryo = kryo;
      this.maxOutputBytes = maxOutputBytes;
      this.output = new DirectOutput(INITIAL_BUFFER_BYTES, maxOutputBytes);
    }

    private byte[] scratch = EMPTY;

    /** A buffer of at least {@code size} bytes for compression, reused between calls. */
    byte[] scratch(int size) {
      if (scratch.length < size) {
        scratch = new byte[Math.max(size, Math.min(2 * scratch.length, maxOutputBytes))];
      }
      return scratch;
    }

    /**
     * Clears what a failed read leaves behind in Kryo: the depth and graph state (reset) and the
     * generic-type stacks, which FieldSerializer pushes and does not pop when a field throws.
     * Returns whether the instance is clean enough to pool; registrations are never touched by a
     * read.
     */
    boolean clearAfterFailure() {
      kryo.reset();
      kryo.setOptimizedGenerics(true); // a fresh, empty generics stack (true is Kryo's default)
      return kryo.getDepth() == 0 && kryo.getGenerics().getGenericTypesSize() == 0;
    }

    /** Forgets the caller's bytes and sheds buffers that grew large, before pooling. */
    void recycle() {
      input.setBuffer(EMPTY);
      if (scratch.length > RETAINED_BUFFER_BYTES) {
        scratch = EMPTY;
      }
      if (output.getBuffer().length > RETAINED_BUFFER_BYTES) {
        output.setBuffer(new byte[INITIAL_BUFFER_BYTES], maxOutputBytes);
      }
      output.reset();
    }
  }

  private static final byte[] EMPTY = new byte[0];
}
