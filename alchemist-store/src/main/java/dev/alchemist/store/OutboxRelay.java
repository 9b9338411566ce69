package dev.alchemist.store;

import dev.alchemist.store.internal.DefaultOutboxRelay;
import java.time.Duration;

/**
 * Publishes the {@link Outbox} in rounds: it reads up to {@code batchSize} rows in {@code seq}
 * order, publishes them all (pipelined), waits for their acks and deletes the acknowledged rows, in
 * one transaction. Start one per process; any number may run against one database.
 *
 * <ul>
 *   <li><b>One relay at a time.</b> On PostgreSQL each round first takes a transaction-scoped
 *       advisory lock for the store's schema ({@code pg_try_advisory_xact_lock}); a relay that does
 *       not get it waits a poll interval and tries again, so instances never publish the same rows
 *       at once, and one that dies mid-round (its transaction rolls back) is replaced at the next
 *       poll of another.
 *   <li><b>At least once.</b> A row is deleted only after its ack. A relay killed after publishing
 *       and before its commit leaves the rows, and the next round publishes them again: the
 *       stream's duplicate window (by {@code Nats-Msg-Id} = event id, 2 minutes by default) drops
 *       them. A round later than that window stores them twice in the stream, so consumers must be
 *       idempotent by event id, as the store's projection is.
 *   <li><b>Order.</b> Rows are published in {@code seq} order, which for one session is its commit
 *       order. If a publish fails, the rows after it in the same round may already be stored when
 *       it is retried, so a failure can reorder one session's events within a round; readers of the
 *       {@code events} table order by {@code created_at}, which is unaffected.
 * </ul>
 *
 * <p>Meters, on the registry of the database's builder, tagged with its {@code pool} and {@code
 * dialect} and {@code relay} = {@link OutboxRelaySettings#name()}: {@code
 * alchemist.store.outbox.relayed}, {@code alchemist.store.outbox.round.failures} (by {@code
 * reason}), {@code alchemist.store.outbox.round} (a timer by {@code outcome}) and the gauges {@code
 * alchemist.store.outbox.backlog} and {@code alchemist.store.outbox.oldest.age}, which read what
 * the last round saw (NaN while another instance leads). Two live relays of one name on one
 * database and registry are refused with {@link IllegalStateException}; {@link #close()} removes
 * the meters.
 *
 * <p>{@link #close()} lets the round in progress finish (its acks, at most {@code publishTimeout})
 * and stops; rows not relayed stay in the outbox for the next start.
 */
public interface OutboxRelay extends AutoCloseable {

  /**
   * Starts relaying {@code db}'s outbox to {@code publisher}.
   *
   * @throws IllegalStateException if a live relay of the same name on {@code db} reports its meters
   *     on the same registry
   */
  static OutboxRelay start(
      AlchemistDatabase db, OutboxPublisher publisher, OutboxRelaySettings settings) {
    return DefaultOutboxRelay.start(db, publisher, settings);
  }

  /** Events published and deleted so far by this relay. */
  long relayed();

  /** Rounds that failed (the database or the publisher), each retried after {@code retryDelay}. */
  long failedRounds();

  /**
   * Relays until the outbox is empty or {@code timeout} passes, on the calling thread (for tests
   * and shutdown); returns whether it is empty (also when another process's relay emptied it).
   */
  boolean drain(Duration timeout);

  @Override
  void close();
}
