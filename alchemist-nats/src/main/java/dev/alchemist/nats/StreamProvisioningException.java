package dev.alchemist.nats;

import dev.alchemist.core.AlchemistException;
import java.io.Serial;
import org.jspecify.annotations.Nullable;

/**
 * Provisioning could not bring a stream in line with its {@link StreamSpec}: an immutable field
 * (storage, retention) differs, or the server refused the change (e.g. 3 replicas on a single
 * server, placement no server satisfies).
 */
public class StreamProvisioningException extends AlchemistException {
  @Serial private static final long serialVersionUID = 1L;

  private final transient @Nullable StreamDiff diff;

  public StreamProvisioningException(
      String message, @Nullable StreamDiff diff, @Nullable Throwable cause) {
    super(message, cause);
    this.diff = diff;
  }

  /** The differences found, or null if the stream could not even be read. */
  public @Nullable StreamDiff diff() {
    return diff;
  }
}
