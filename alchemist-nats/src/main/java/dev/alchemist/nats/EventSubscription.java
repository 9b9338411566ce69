package dev.alchemist.nats;

/**
 * A live subscription of an {@link EventBus}.
 *
 * <p>Thread-safe. {@link #close()} stops new deliveries, waits (up to the bus's close timeout) for
 * the events already queued for the handler, and is idempotent.
 */
public interface EventSubscription extends AutoCloseable {

  /** The pattern subscribed to. */
  SubjectPattern pattern();

  /** Events handed to the handler so far (including ones whose handler threw). */
  long delivered();

  /** Events dropped because more than the bus's per-subscription queue limit were waiting. */
  long dropped();

  @Override
  void close();
}
