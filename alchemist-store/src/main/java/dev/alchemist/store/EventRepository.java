package dev.alchemist.store;

import dev.alchemist.core.DomainEvent;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Domain events: the rows {@code domain_stats} aggregates.
 *
 * <p>Thread-safe. Failures throw {@link DatabaseException} subclasses.
 */
public interface EventRepository {

  /**
   * Stores one event.
   *
   * @throws ConstraintViolationException ({@code UNIQUE}) if the id exists, e.g. a redelivered
   *     event
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
   * Deletes events created before {@code cutoff}, for retention.
   *
   * @return how many were deleted
   */
  int deleteOlderThan(Instant cutoff);
}
