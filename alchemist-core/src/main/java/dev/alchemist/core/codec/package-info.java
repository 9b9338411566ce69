/**
 * Binary codecs for values that cross a process boundary: cache entries in Redis, event payloads on
 * NATS.
 *
 * <p>{@link dev.alchemist.core.codec.KryoCodecs} builds a {@link
 * dev.alchemist.core.codec.CodecRegistry} over Kryo 5 in which every class is registered with an
 * explicit id. Bytes from Redis or NATS may have been written by an attacker, so decoding never
 * instantiates a class that was not registered, never reads a class name, and never allocates more
 * than the input can justify.
 *
 * <h2>Envelope</h2>
 *
 * Every encoded value starts with an 8-byte header:
 *
 * <pre>
 * offset size field
 *   0     1   magic 0xA7
 *   1     1   format version (1)
 *   2     1   codec id (1 = Kryo)
 *   3     1   flags (bit 0: LZ4-compressed; other bits must be 0)
 *   4     4   schema id of the encoded type (big-endian)
 *  [8     4   uncompressed payload length, only when compressed]
 * </pre>
 *
 * followed by the Kryo payload (class id, then the object). Strings are a varint header {@code
 * (length << 1 | form) + 1} (0 for null) and then {@code length} bytes of UTF-8 (form 0) or, for
 * the rare string with a lone surrogate, {@code length} UTF-16 chars (form 1). A {@code
 * DomainEvent} is written by a serializer of its own, in exactly the layout Kryo's record
 * serializer gives it (components in name order), so its bytes and schema id are those of the
 * record.
 *
 * <h2>Schema evolution</h2>
 *
 * Kryo writes records positionally, so bytes written before a record changed cannot be read after.
 * Rather than guess, the codec refuses them: each registered type has a <em>schema id</em>, a hash
 * of its shape (record components or fields, their names and generic types, enum constants,
 * recursively over the registered types it contains) and of an optional declared version. A change
 * of shape, or a bump of the declared version when the meaning changes but the shape does not,
 * changes the schema id, and bytes of another schema id fail with a {@link
 * dev.alchemist.core.codec.CodecException} of reason {@code SCHEMA_MISMATCH}. A cache treats that
 * as a miss and reloads; an event consumer sees exactly which type and ids disagree. Types that
 * must read old bytes (long-lived events) register a tagged serializer (for example Kryo's {@code
 * TaggedFieldSerializer}) through a serializer factory: then the schema id covers only the class
 * name, the factory and the declared version, and the serializer owns compatibility.
 */
@NullMarked
package dev.alchemist.core.codec;

import org.jspecify.annotations.NullMarked;
