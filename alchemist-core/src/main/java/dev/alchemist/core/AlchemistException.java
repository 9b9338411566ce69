package dev.alchemist.core;

import java.io.Serial;
import org.jspecify.annotations.Nullable;

/**
 * Root of the one unchecked exception family that every Alchemist module throws. Messages carry the
 * state that explains the failure (sizes, counts, names), never secrets.
 */
public class AlchemistException extends RuntimeException {
  @Serial private static final long serialVersionUID = 1L;

  public AlchemistException(String message) {
    super(message);
  }

  public AlchemistException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
