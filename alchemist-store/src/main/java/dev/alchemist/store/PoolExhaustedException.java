package dev.alchemist.store;

import java.io.Serial;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * No connection became free within the connection timeout while the database itself answered: the
 * pool is too small for the load, or connections are held too long (enable leak detection to find
 * where). Carries the pool's state at the moment of the timeout.
 */
public final class PoolExhaustedException extends DatabaseException {
  @Serial private static final long serialVersionUID = 1L;

  private final PoolState state;
  private final Duration timeout;

  public PoolExhaustedException(
      String poolName, PoolState state, Duration timeout, @Nullable Throwable cause) {
    super(
        "pool "
            + poolName
            + " had no free connection within "
            + timeout.toMillis()
            + " ms ("
            + state
            + ")",
        null,
        cause);
    this.state = state;
    this.timeout = timeout;
  }

  /** The pool when the timeout hit: total, active, idle, waiting. */
  public PoolState state() {
    return state;
  }

  /** How long the caller waited. */
  public Duration timeout() {
    return timeout;
  }
}
