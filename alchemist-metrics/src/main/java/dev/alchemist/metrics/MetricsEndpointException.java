package dev.alchemist.metrics;

import dev.alchemist.core.AlchemistException;
import java.net.InetSocketAddress;

/** Thrown when a {@link MetricsEndpoint} cannot bind its address; carries that address. */
public final class MetricsEndpointException extends AlchemistException {
  private static final long serialVersionUID = 1L;

  private final transient InetSocketAddress address;

  /** Creates an exception for a failure to bind {@code address}. */
  public MetricsEndpointException(InetSocketAddress address, Throwable cause) {
    super("metrics endpoint cannot bind " + address + ": " + cause.getMessage(), cause);
    this.address = address;
  }

  /** Returns the address that could not be bound. */
  public InetSocketAddress address() {
    return address;
  }
}
