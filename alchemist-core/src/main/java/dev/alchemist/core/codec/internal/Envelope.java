package dev.alchemist.core.codec.internal;

import dev.alchemist.core.codec.CodecException;
import dev.alchemist.core.codec.CodecException.Reason;
import java.util.Arrays;
import java.util.Map;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Exception;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;
import org.jspecify.annotations.Nullable;

/**
 * The envelope around every encoded value: the 8-byte header (magic, format, codec id, flags,
 * schema id), its checks on read, and the optional LZ4 body with its length prefix. Separate from
 * {@link KryoCodecRegistry} because the layout is wire format, documented in the {@code
 * dev.alchemist.core.codec} package docs, and independent of Kryo itself.
 */
final class Envelope {

  static final byte MAGIC = (byte) 0xA7;
  static final byte FORMAT_VERSION = 1;
  static final byte CODEC_KRYO = 1;
  static final byte FLAG_LZ4 = 1;
  static final int HEADER_BYTES = 8;
  private static final int LENGTH_BYTES = 4;

  private static final LZ4Factory LZ4 = LZ4Factory.fastestInstance();
  private static final LZ4Compressor COMPRESSOR = LZ4.fastCompressor();
  private static final LZ4SafeDecompressor DECOMPRESSOR = LZ4.safeDecompressor();

  private Envelope() {}

  /** Writes the header into the first {@link #HEADER_BYTES} of {@code target}. */
  static void writeHeader(byte[] target, int flags, int schemaId) {
    target[0] = MAGIC;
    target[1] = FORMAT_VERSION;
    target[2] = CODEC_KRYO;
    target[3] = (byte) flags;
    writeInt(target, 4, schemaId);
  }

  /** Whether the envelope at {@code offset}, whose header was checked, holds an LZ4 body. */
  static boolean isCompressed(byte[] bytes, int offset) {
    return (bytes[offset + 3] & FLAG_LZ4) != 0;
  }

  /** The uncompressed payload length of a compressed envelope at {@code offset}. */
  static int rawLength(byte[] bytes, int offset) {
    return readInt(bytes, offset + HEADER_BYTES);
  }

  /**
   * Checks the header at {@code offset} against the codec of {@code type}; {@code typesBySchemaId}
   * names the other type when the bytes hold one this registry knows.
   */
  static void checkHeader(
      Class<?> type,
      int schemaId,
      byte[] bytes,
      int offset,
      int length,
      Map<Integer, Class<?>> typesBySchemaId) {
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

  /**
   * The compressed envelope of the payload that follows the header room in {@code buffer}, or null
   * when compression does not make the payload smaller.
   */
  static byte @Nullable [] compress(
      KryoWorker worker, byte[] buffer, int payloadBytes, int schemaId) {
    int offset = HEADER_BYTES + LENGTH_BYTES;
    byte[] target = worker.scratch(offset + COMPRESSOR.maxCompressedLength(payloadBytes));
    int compressed =
        COMPRESSOR.compress(
            buffer, HEADER_BYTES, payloadBytes, target, offset, target.length - offset);
    if (compressed + LENGTH_BYTES >= payloadBytes) {
      return null;
    }
    byte[] result = Arrays.copyOf(target, offset + compressed);
    writeHeader(result, FLAG_LZ4, schemaId);
    writeInt(result, HEADER_BYTES, payloadBytes);
    return result;
  }

  /** Decompresses into the worker's scratch buffer, which then holds the payload from 0. */
  static byte[] decompress(
      KryoWorker worker, Class<?> type, byte[] bytes, int offset, int length, int maxPayloadBytes) {
    String what = "cannot decode " + type.getName() + ": ";
    if (length < HEADER_BYTES + LENGTH_BYTES) {
      throw new CodecException(
          Reason.TRUNCATED, what + "compressed envelope of " + length + " bytes has no length");
    }
    int rawBytes = rawLength(bytes, offset);
    if (rawBytes < 0 || rawBytes > maxPayloadBytes) {
      throw new CodecException(
          Reason.OVERSIZED,
          what
              + "compressed payload declares "
              + rawBytes
              + " bytes, beyond maxPayloadBytes "
              + maxPayloadBytes);
    }
    byte[] raw = worker.scratch(rawBytes);
    int start = offset + HEADER_BYTES + LENGTH_BYTES;
    int decompressed;
    try {
      decompressed =
          DECOMPRESSOR.decompress(
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
}
