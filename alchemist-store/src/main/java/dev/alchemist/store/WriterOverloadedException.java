package dev.alchemist.store;

import dev.alchemist.core.AlchemistException;
import java.io.Serial;

/**
 * A {@link BatchingWriter} refused a row because {@code maxPending} rows already wait for the
 * database: the caller keeps the row and decides (retry later, shed load). Nothing was queued.
 */
public final class WriterOverloadedException extends AlchemistException {
  @Serial private static final long serialVersionUID = 1L;

  private final int pending;
  private final int maxPending;

  public WriterOverloadedException(String writer, int pending, int maxPending) {
    super(
        "writer "
            + writer
            + " has "
            + pending
            + " rows pending, at its limit maxPending="
            + maxPending);
    this.pending = pending;
    this.maxPending = maxPending;
  }

  /** Rows waiting when the row was refused. */
  public int pending() {
    return pending;
  }

  /** The configured limit. */
  public int maxPending() {
    return maxPending;
  }
}
