package dev.alchemist.store;

import dev.alchemist.core.DomainEvent;

/**
 * The transactional outbox: events stored in the same transaction as the rows that caused them, so
 * that a committed change always has its event, and an event never exists without its change. An
 * {@link OutboxRelay} publishes them (to JetStream, with {@code Nats-Msg-Id} = the event id) and
 * deletes each once it is acknowledged.
 *
 * <pre>{@code
 * db.useTransaction(tx -> {
 *   tx.messages().append(message);
 *   tx.outbox().add(DomainEvent.of("dialog", "message", "created", session, now, json));
 * });
 * }</pre>
 *
 * <p>Order: the relay publishes rows in the order of their {@code seq}. Events of one session
 * ({@link DomainEvent#sessionId()}, or the domain for events without one) get their {@code seq} in
 * commit order: {@link #add} first takes a transaction lock for that session on PostgreSQL, so a
 * second transaction adding to the same session waits until the first commits or rolls back.
 */
public interface Outbox {

  /**
   * Adds {@code event}; inside {@link AlchemistDatabase#useTransaction} it commits or rolls back
   * with the rest of the transaction, outside it commits at once.
   *
   * @throws ConstraintViolationException if an event with the same id is already in the outbox
   */
  void add(DomainEvent event);

  /**
   * Adds {@code events} as {@link #add} does, in one statement batch: the session locks of the
   * batch are taken at once and in one order (so two batches of the same sessions wait for each
   * other instead of deadlocking), then the rows are inserted in the collection's order. Inside
   * {@link AlchemistDatabase#useTransaction} (or a transactional writer's batch) they commit or
   * roll back with the rest; outside, in a transaction of their own. An empty collection does
   * nothing.
   *
   * @throws IllegalArgumentException if {@code events} is null or holds a null
   * @throws ConstraintViolationException if an event id is already in the outbox (none is added)
   */
  default void addAll(java.util.Collection<DomainEvent> events) {
    java.util.Objects.requireNonNull(events, "events");
    for (DomainEvent e : events) {
      add(e);
    }
  }

  /** Events waiting to be relayed (a count over the table: for tests and dashboards, not hot). */
  long size();
}
