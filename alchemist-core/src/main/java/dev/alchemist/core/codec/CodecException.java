package dev.alchemist.core.codec;

import dev.alchemist.core.AlchemistException;
import java.io.Serial;
import org.jspecify.annotations.Nullable;

/**
 * A value could not be encoded, or bytes could not be decoded. The {@link #reason()} is stable and
 * low-cardinality, so callers can count failures by it (a cache counts a decode failure as a miss
 * and deletes the entry); the message explains the particular case.
 */
public final class CodecException extends AlchemistException {
  @Serial private static final long serialVersionUID = 1L;

  /** Why encoding or decoding failed. */
  public enum Reason {
    /** Fewer bytes than the envelope header or the payload needs. */
    TRUNCATED,
    /** More bytes than the configured maximum payload size. */
    OVERSIZED,
    /** The bytes do not start with the Alchemist envelope (magic, format, codec, flags). */
    NOT_AN_ENVELOPE,
    /** The envelope was written for another schema id of the type: see the package docs. */
    SCHEMA_MISMATCH,
    /** A class that is not registered, by class on encode or by id or name on decode. */
    UNREGISTERED_CLASS,
    /** The bytes decode to a value of another type than the codec's. */
    WRONG_TYPE,
    /** The payload is damaged: it does not decode, or decodes with bytes left over. */
    CORRUPT,
    /** The value could not be written. */
    ENCODE_FAILED
  }

  private final Reason reason;

  public CodecException(Reason reason, String message) {
    this(reason, message, null);
  }

  public CodecException(Reason reason, String message, @Nullable Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  /** Why it failed. */
  public Reason reason() {
    return reason;
  }
}
