package dev.alchemist.testing;

/**
 * A service a test needs does not answer at its configured address. The message names the address,
 * what went wrong, and how to fix it ({@code scripts/services.sh} or the variable that points
 * elsewhere). Tests let it propagate: a missing service fails the run, it never skips.
 */
public final class ServiceUnavailableException extends IllegalStateException {

  private static final long serialVersionUID = 1L;

  private final String address;

  ServiceUnavailableException(String address, String message, Throwable cause) {
    super(message, cause);
    this.address = address;
  }

  /** The address that did not answer, such as {@code redis://127.0.0.1:6379} (no password). */
  public String address() {
    return address;
  }
}
