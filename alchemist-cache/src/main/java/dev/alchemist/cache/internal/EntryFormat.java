package dev.alchemist.cache.internal;

import dev.alchemist.core.codec.CodecException;

/**
 * The bytes stored under a cache key: a 10-byte header, then (for a value) the codec's envelope.
 *
 * <pre>
 * offset size field
 *   0     1   magic 0xAC
 *   1     1   kind: 1 value, 2 remembered null, 3 tombstone
 *   2     8   expiry, epoch milliseconds, big-endian (lets a near cache and refresh-ahead know
 *             how long the entry lives without asking Redis for its PTTL)
 *  10     n   the codec's envelope (kind 1 only); 8 random bytes (kind 3)
 * </pre>
 *
 * <p>A tombstone is what an invalidation leaves: it reads as a miss, and because each one is
 * unique, a load that read the key before the invalidation cannot write its (old) value over it
 * (see {@link Store#setIfEquals}).
 */
final class EntryFormat {
  static final int HEADER = 10;
  private static final byte MAGIC = (byte) 0xAC;
  private static final byte VALUE = 1;
  private static final byte NULL = 2;
  private static final byte TOMBSTONE = 3;
  private static final int TOMBSTONE_SIZE = HEADER + 8;

  private EntryFormat() {}

  static byte[] value(byte[] payload, long expiresAtMillis) {
    byte[] bytes = new byte[HEADER + payload.length];
    header(bytes, VALUE, expiresAtMillis);
    System.arraycopy(payload, 0, bytes, HEADER, payload.length);
    return bytes;
  }

  static byte[] nullMarker(long expiresAtMillis) {
    byte[] bytes = new byte[HEADER];
    header(bytes, NULL, expiresAtMillis);
    return bytes;
  }

  static byte[] tombstone(long expiresAtMillis) {
    byte[] bytes = new byte[TOMBSTONE_SIZE];
    header(bytes, TOMBSTONE, expiresAtMillis);
    long nonce = java.util.concurrent.ThreadLocalRandom.current().nextLong();
    for (int i = TOMBSTONE_SIZE - 1; i >= HEADER; i--) {
      bytes[i] = (byte) nonce;
      nonce >>>= 8;
    }
    return bytes;
  }

  /** Whether the bytes are a tombstone (checked before {@link #checkIsNull}). */
  static boolean isTombstone(byte[] bytes) {
    return bytes.length == TOMBSTONE_SIZE && bytes[0] == MAGIC && bytes[1] == TOMBSTONE;
  }

  /**
   * Checks the header.
   *
   * @return whether the entry is a remembered null
   * @throws CodecException if the bytes are not a cache entry
   */
  static boolean checkIsNull(byte[] bytes) {
    if (bytes.length < HEADER) {
      throw new CodecException(
          CodecException.Reason.TRUNCATED,
          "cache entry has " + bytes.length + " bytes, fewer than its " + HEADER + "-byte header");
    }
    if (bytes[0] != MAGIC || (bytes[1] != VALUE && bytes[1] != NULL)) {
      throw new CodecException(
          CodecException.Reason.NOT_AN_ENVELOPE,
          String.format(
              "cache entry starts with 0x%02X 0x%02X, not a cache entry header",
              bytes[0] & 0xFF, bytes[1] & 0xFF));
    }
    if (bytes[1] == NULL) {
      if (bytes.length != HEADER) {
        throw new CodecException(
            CodecException.Reason.CORRUPT, "remembered null has " + bytes.length + " bytes");
      }
      return true;
    }
    return false;
  }

  static long expiresAt(byte[] bytes) {
    long value = 0;
    for (int i = 2; i < HEADER; i++) {
      value = (value << 8) | (bytes[i] & 0xFF);
    }
    return value;
  }

  private static void header(byte[] bytes, byte kind, long expiresAtMillis) {
    bytes[0] = MAGIC;
    bytes[1] = kind;
    for (int i = HEADER - 1; i >= 2; i--) {
      bytes[i] = (byte) expiresAtMillis;
      expiresAtMillis >>>= 8;
    }
  }
}
