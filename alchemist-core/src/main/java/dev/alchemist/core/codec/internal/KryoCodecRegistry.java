package dev.alchemist.core.codec.internal;

import com.esotericsoftware.kryo.kryo5.io.Output;
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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The Kryo {@link CodecRegistry}: registrations, schema ids, and a pool of {@link KryoWorker}s. The
 * envelope layout lives in {@link Envelope}, the JDK types in {@link JdkRegistrations}, and the
 * mapping of Kryo's exceptions in {@link CodecFailures}. See the {@code dev.alchemist.core.codec}
 * package docs for the envelope layout and the security rules.
 */
public final class KryoCodecRegistry implements CodecRegistry {

  /** The Alchemist model, registered in every registry below the application's ids. */
  private static final List<TypeEntry> MODEL =
      List.of(
          new TypeEntry(MessageRole.class, 64),
          new TypeEntry(Message.class, 65),
          new TypeEntry(Dialog.class, 66),
          new TypeEntry(DialogHistory.class, 67),
          new TypeEntry(DomainEvent.class, 68, DomainEventSerializer::new),
          new TypeEntry(DomainStats.class, 69));

  private final KryoCodecSettings settings;
  private final List<TypeEntry> entries;
  private final Map<Class<?>, Integer> schemaIds;
  private final Map<Integer, Class<?>> typesBySchemaId;
  private final SlotPool<KryoWorker> workers;

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
    List<Class<?>> codecTypes = new ArrayList<>(JdkRegistrations.VALUE_TYPES);
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
    KryoWorker worker = workers.obtain();
    boolean reusable = false;
    try {
      Output output = worker.output;
      output.setPosition(Envelope.HEADER_BYTES);
      worker.kryo.writeClassAndObject(output, value);
      byte[] buffer = output.getBuffer();
      int payloadBytes = output.position() - Envelope.HEADER_BYTES;
      byte[] result = null;
      if (settings.compressionThreshold() > 0 && payloadBytes >= settings.compressionThreshold()) {
        result = Envelope.compress(worker, buffer, payloadBytes, schemaId);
      }
      if (result == null) {
        result = Arrays.copyOf(buffer, output.position());
        Envelope.writeHeader(result, 0, schemaId);
      }
      reusable = true;
      return result;
    } catch (RuntimeException e) {
      throw CodecFailures.encodeFailure(type, e, settings.maxPayloadBytes());
    } finally {
      if (reusable) {
        worker.recycle();
        workers.release(worker);
      }
    }
  }

  <T> T decode(Class<T> type, int schemaId, byte[] bytes, int offset, int length) {
    Objects.checkFromIndexSize(offset, length, bytes.length);
    Envelope.checkHeader(type, schemaId, bytes, offset, length, typesBySchemaId);
    boolean compressed = Envelope.isCompressed(bytes, offset);
    if (!compressed && length - Envelope.HEADER_BYTES > settings.maxPayloadBytes()) {
      throw new CodecException(
          Reason.OVERSIZED,
          "cannot decode "
              + type.getName()
              + ": payload of "
              + (length - Envelope.HEADER_BYTES)
              + " bytes exceeds maxPayloadBytes "
              + settings.maxPayloadBytes());
    }
    KryoWorker worker = workers.obtain();
    boolean reusable = false;
    try {
      BoundedInput input = worker.input;
      if (compressed) {
        byte[] raw =
            Envelope.decompress(worker, type, bytes, offset, length, settings.maxPayloadBytes());
        input.setBuffer(raw, 0, Envelope.rawLength(bytes, offset));
      } else {
        input.setBuffer(bytes, offset + Envelope.HEADER_BYTES, length - Envelope.HEADER_BYTES);
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
      throw CodecFailures.decodeFailure(type, e);
    } finally {
      if (reusable) {
        worker.recycle();
        workers.release(worker);
      }
    }
  }

  private KryoWorker newWorker() {
    return KryoWorker.create(settings, entries);
  }
}
