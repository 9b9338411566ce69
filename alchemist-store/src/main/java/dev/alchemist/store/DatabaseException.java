package dev.alchemist.store;

import dev.alchemist.core.AlchemistException;
import java.io.Serial;
import org.jspecify.annotations.Nullable;

/**
 * A database operation failed. Subclasses name the failures a caller can act on: {@link
 * PoolExhaustedException}, {@link ConstraintViolationException}, {@link
 * DatabaseUnavailableException}. Messages never contain passwords or bound values.
 */
public class DatabaseException extends AlchemistException {
  @Serial private static final long serialVersionUID = 1L;

  private final @Nullable String sqlState;

  public DatabaseException(String message, @Nullable String sqlState, @Nullable Throwable cause) {
    super(message, cause);
    this.sqlState = sqlState;
  }

  /** The SQLState the driver reported, or null when the failure did not come from the driver. */
  public @Nullable String sqlState() {
    return sqlState;
  }
}
