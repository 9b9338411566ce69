package dev.alchemist.store;

import java.io.Serial;
import org.jspecify.annotations.Nullable;

/**
 * The database could not be reached or refused the login. The message names the URL with any
 * password removed (both {@code password=} parameters and {@code user:password@} user info).
 */
public final class DatabaseUnavailableException extends DatabaseException {
  @Serial private static final long serialVersionUID = 1L;

  private final String url;

  public DatabaseUnavailableException(
      String url, String detail, @Nullable String sqlState, @Nullable Throwable cause) {
    super("database unavailable at " + url + ": " + detail, sqlState, cause);
    this.url = url;
  }

  /** The URL that failed, without its password. */
  public String url() {
    return url;
  }
}
