package dev.alchemist.examples.dialog;

import java.io.Serial;
import org.jspecify.annotations.Nullable;

/**
 * A turn refused at once instead of queued: the dialog server answers it with HTTP 429 (Too Many
 * Requests) and a client retries later. Nothing of the turn was stored or published; the user's
 * message is still the caller's.
 *
 * <p>Counted in {@link DialogStats#turnsRejected()} and in the meter {@link
 * DialogService#REJECTED_COUNTER}, tagged with the {@link #reason()}.
 */
public final class TurnRejectedException extends RuntimeException {
  @Serial private static final long serialVersionUID = 1L;

  /** The HTTP status a server maps this rejection to. */
  public static final int HTTP_STATUS = 429;

  /** Why the turn was refused. */
  public enum Reason {
    /**
     * More than {@link DialogOptions#maxStoreWaiting()} turns were already waiting for the commit
     * of their user's message.
     */
    STORE_BUSY,
    /** The message writer's queue was full ({@code WriterOverloadedException}). */
    WRITER_FULL;

    /** The meter tag value: {@code store_busy}, {@code writer_full}. */
    public String tag() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  private final Reason reason;
  private final int waiting;
  private final int limit;

  /**
   * @param waiting turns (or rows) waiting when this one was refused
   * @param limit the bound they reached
   */
  public TurnRejectedException(Reason reason, int waiting, int limit, @Nullable Throwable cause) {
    super(
        "turn rejected ("
            + reason.tag()
            + "): "
            + waiting
            + " waiting for the store, limit "
            + limit
            + "; retry later (HTTP "
            + HTTP_STATUS
            + ")",
        cause);
    this.reason = reason;
    this.waiting = waiting;
    this.limit = limit;
  }

  /** Why it was refused. */
  public Reason reason() {
    return reason;
  }

  /** Turns (or writer rows) waiting when it was refused. */
  public int waiting() {
    return waiting;
  }

  /** The bound they had reached. */
  public int limit() {
    return limit;
  }

  /** {@value #HTTP_STATUS}. */
  public int httpStatus() {
    return HTTP_STATUS;
  }
}
