package dev.alchemist.cache.internal;

import dev.alchemist.core.AlchemistException;
import java.io.Serial;
import org.jspecify.annotations.Nullable;

/**
 * A store operation did not complete: Redis is unreachable, too slow, refused it, or the circuit is
 * open. {@link #kind()} is a low-cardinality tag for metrics.
 */
public final class StoreException extends AlchemistException {
  @Serial private static final long serialVersionUID = 1L;

  /** Skipped because the circuit breaker is open; shared and without a stack trace. */
  static final StoreException CIRCUIT_OPEN =
      new StoreException("circuit_open", "skipped: the circuit breaker is open", null, false);

  private final String kind;

  StoreException(String kind, String message, @Nullable Throwable cause) {
    this(kind, message, cause, true);
  }

  private StoreException(
      String kind, String message, @Nullable Throwable cause, boolean stackTrace) {
    super(message, cause);
    this.kind = kind;
    if (!stackTrace) {
      setStackTrace(new StackTraceElement[0]);
    }
  }

  /** {@code timeout}, {@code unavailable}, {@code circuit_open} or {@code server}. */
  public String kind() {
    return kind;
  }
}
