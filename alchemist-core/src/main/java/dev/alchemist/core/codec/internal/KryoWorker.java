package dev.alchemist.core.codec.internal;

import com.esotericsoftware.kryo.kryo5.Kryo;
import com.esotericsoftware.kryo.kryo5.Registration;
import dev.alchemist.core.codec.KryoCodecSettings;
import java.util.List;

/**
 * A Kryo instance with the buffers it reads and writes; used by one thread at a time. Separate from
 * {@link KryoCodecRegistry} because this is the pooled unit: how it is built, cleared after a
 * failed read, and trimmed before it goes back to the pool is its own concern.
 */
final class KryoWorker {

  /** Output buffers that grew beyond this are not kept in the pool. */
  private static final int RETAINED_BUFFER_BYTES = 64 * 1024;

  private static final int INITIAL_BUFFER_BYTES = 4 * 1024;

  private static final byte[] EMPTY = new byte[0];

  final Kryo kryo;
  final BoundedInput input = new BoundedInput();
  final DirectOutput output;
  private final int maxOutputBytes;
  private byte[] scratch = EMPTY;

  private KryoWorker(Kryo kryo, int maxOutputBytes) {
    this.kryo = kryo;
    this.maxOutputBytes = maxOutputBytes;
    this.output = new DirectOutput(INITIAL_BUFFER_BYTES, maxOutputBytes);
  }

  /** A worker whose Kryo knows the JDK types and {@code entries}, bounded by {@code settings}. */
  static KryoWorker create(KryoCodecSettings settings, List<TypeEntry> entries) {
    Kryo kryo = new StrictKryo();
    kryo.setRegistrationRequired(true);
    kryo.setReferences(false);
    kryo.setMaxDepth(settings.maxDepth());
    JdkRegistrations.register(kryo);
    for (TypeEntry entry : entries) {
      entry.register(kryo);
    }
    return new KryoWorker(kryo, settings.maxPayloadBytes() + Envelope.HEADER_BYTES);
  }

  /** A buffer of at least {@code size} bytes for compression, reused between calls. */
  byte[] scratch(int size) {
    if (scratch.length < size) {
      scratch = new byte[Math.max(size, Math.min(2 * scratch.length, maxOutputBytes))];
    }
    return scratch;
  }

  /**
   * Clears what a failed read leaves behind in Kryo: the depth and graph state (reset) and the
   * generic-type stacks, which FieldSerializer pushes and does not pop when a field throws. Returns
   * whether the instance is clean enough to pool; registrations are never touched by a read.
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
}
