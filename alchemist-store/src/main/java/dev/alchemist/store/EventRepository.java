package dev.alchemist.store;

import dev.alchemist.core.DomainEvent;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Domain events: the rows {@code domain_stats} aggregates. Every write here also updates the {@code
 * domain_stats} rollups in the same transaction, for the rows it inserted. An event's key is its id
 * and {@code createdAt} (the partitioned table's primary key). For a projection that must skip
 * events it already stored, use {@link EventProjection} instead.
 *
 * <p>Thread-safe. Failures throw {@link DatabaseException} subclasses.
 */
public interface EventRepository {

  /**
   * Stores one event.
   *
   * @throws ConstraintViolationException ({@code UNIQUE}) if the event (id and {@code createdAt})
   *     exists, e.g. a redelivered event
   */
  void append(DomainEvent event);

  /** Inserts all events in one transaction, chunked: all or none. Returns how many. */
  int insertAll(Collection<DomainEvent> events);

  /** COPY on PostgreSQL, {@link #insertAll} on H2; see {@link MessageRepository#bulkLoad}. */
  long bulkLoad(Iterable<DomainEvent> events);

  /** The event with this id, if any. */
  Optional<DomainEvent> find(UUID id);

  /**
   * A domain's newest events, newest first (index {@code events(domain, created_at DESC)}).
   *
   * @param limit 1 to 10 000
   */
  List<DomainEvent> recent(String domain, int limit);

  /**
   * Deletes events created before {@code cutoff}. The maintenance already drops whole days past
   * {@link DatabaseSettings#eventRetention()}; the rollups are not decremented, so a cutoff inside
   * the last hour leaves {@code domain_stats} counting the deleted rows until they leave the
   * window.
   *
   * @return how many were deleted
   */
  int deleteOlderThan(Instant cutoff);
}
