package dev.alchemist.store;

import dev.alchemist.core.DomainEvent;
import java.util.Collection;

/**
 * Stores events idempotently, in batches, and keeps the {@code domain_stats} rollups in step: the
 * writer of record for a projection consumer that acks a batch only after {@link #store} returned.
 * At-least-once delivery plus this = each event stored and counted exactly once.
 *
 * <p>An event is identified by its id and {@code createdAt} (the key of the partitioned {@code
 * events} table): a redelivered event carries both unchanged and is skipped.
 *
 * <p>Thread-safe: concurrent calls with overlapping batches store and count each event once.
 * Metered as {@code alchemist.store.projection.events} (tag {@code outcome}: {@code stored}, {@code
 * duplicate}, {@code expired}, {@code future}) and the timer {@code
 * alchemist.store.projection.store}.
 */
public interface EventProjection {

  /** The largest batch {@link #store} accepts. */
  int MAX_BATCH = 10_000;

  /**
   * Stores the events that are not stored yet and adds exactly those to the rollups, all in one
   * transaction: either every new event and its counts commit, or nothing does. Events older than
   * {@link DatabaseSettings#eventRetention()} are skipped (their partition is gone or about to go)
   * and counted as {@code expired}; events dated more than 366 days ahead (a broken clock) are
   * skipped and counted as {@code future}, so that one of them cannot fail every batch after it. A
   * day without a partition gets one created first.
   *
   * @param events 0 to {@value #MAX_BATCH} events, none null; duplicates within the batch are
   *     stored once
   * @return how many events were new (stored now)
   * @throws IllegalArgumentException if {@code events} is null, holds a null or is too large
   * @throws DatabaseException if the transaction failed; nothing of the batch was stored, so the
   *     caller may retry it (or leave it unacked for redelivery)
   */
  int store(Collection<DomainEvent> events);
}
