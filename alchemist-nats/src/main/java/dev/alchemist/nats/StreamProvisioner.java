package dev.alchemist.nats;

/**
 * Creates JetStream streams and keeps them in line with their {@link StreamSpec}, idempotently: run
 * {@link #provision} at every start.
 *
 * <ul>
 *   <li>a missing stream is created;
 *   <li>drifted mutable fields (subjects, limits, duplicate window, replicas, placement, discard)
 *       are updated;
 *   <li>drift in an immutable field ({@code storage}, {@code retention}) fails with a {@link
 *       StreamProvisioningException} naming the fields, and nothing is changed;
 *   <li>{@link #diff} reports the differences without changing anything (a dry run).
 * </ul>
 *
 * <p>Thread-safe; it uses the {@link NatsEvents} connection and has nothing to close.
 */
public interface StreamProvisioner {

  /** The differences between the server's stream and {@code spec}; changes nothing. */
  StreamDiff diff(StreamSpec spec);

  /**
   * Creates or updates the stream.
   *
   * @throws StreamProvisioningException if an immutable field drifted or the server refused
   */
  ProvisionResult provision(StreamSpec spec);

  /** Deletes the stream if it exists; returns whether it did. */
  boolean delete(String streamName);
}
