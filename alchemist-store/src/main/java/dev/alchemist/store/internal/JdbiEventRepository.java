package dev.alchemist.store.internal;

import dev.alchemist.core.Checks;
import dev.alchemist.core.DomainEvent;
import dev.alchemist.store.Dialect;
import dev.alchemist.store.EventRepository;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.statement.SqlStatement;
import org.jspecify.annotations.Nullable;

/** {@link EventRepository} on Jdbi. */
final class JdbiEventRepository implements EventRepository {
  static final String COLUMNS = "id, domain, entity, type, session_id, created_at, payload";
  private static final String SELECT = "SELECT " + COLUMNS + " FROM events ";

  private final Sql sql;
  private final EventWrites writes;
  private final @Nullable CopyLoader copy;

  JdbiEventRepository(Sql sql, EventWrites writes, @Nullable CopyLoader copy) {
    this.sql = sql;
    this.writes = writes;
    this.copy = copy;
  }

  @Override
  public void append(DomainEvent event) {
    Checks.notNull("event", event);
    List<DomainEvent> row = List.of(event);
    // One transaction (or the caller's): the row and its rollup counts commit together.
    sql.inTransaction(
        "events.append",
        h -> {
          writes.ensurePartitions(h, row);
          return writes.insert(h, row, false);
        });
  }

  @Override
  public int insertAll(Collection<DomainEvent> events) {
    List<DomainEvent> rows = Batches.copyNonNull("events", events);
    if (rows.isEmpty()) {
      return 0;
    }
    return sql.inTransaction(
        Batches.describe("events.insertAll", rows, DomainEvent::id),
        h -> {
          writes.ensurePartitions(h, rows);
          return writes.insert(h, rows, false);
        });
  }

  static <S extends SqlStatement<S>> S bind(S statement, DomainEvent e) {
    return statement
        .bind(0, e.id())
        .bind(1, e.domain())
        .bind(2, e.entity())
        .bind(3, e.type())
        .bind(4, e.sessionId())
        .bind(5, e.createdAt())
        .bind(6, e.payload());
  }

  @Override
  public long bulkLoad(Iterable<DomainEvent> events) {
    Checks.notNull("events", events);
    if (copy != null && sql.dialect == Dialect.POSTGRESQL) {
      return sql.inTransaction("events.bulkLoad", h -> writes.bulkLoadPg(h, copy, events));
    }
    List<DomainEvent> rows = new ArrayList<>();
    for (DomainEvent e : events) {
      rows.add(Checks.notNull("row", e));
    }
    return sql.inTransaction("events.bulkLoad", h -> writes.insert(h, rows, false));
  }

  @Override
  public Optional<DomainEvent> find(UUID id) {
    Checks.notNull("id", id);
    return sql.read(
        "events.find",
        h -> h.createQuery(SELECT + "WHERE id = ?").bind(0, id).mapTo(DomainEvent.class).findOne());
  }

  @Override
  public List<DomainEvent> recent(String domain, int limit) {
    Checks.token("domain", domain);
    Sql.checkLimit("limit", limit);
    return sql.read(
        "events.recent",
        h ->
            h.createQuery(SELECT + "WHERE domain = ? ORDER BY created_at DESC, id DESC LIMIT ?")
                .bind(0, domain)
                .bind(1, limit)
                .mapTo(DomainEvent.class)
                .list());
  }

  @Override
  public int deleteOlderThan(Instant cutoff) {
    Checks.notNull("cutoff", cutoff);
    return sql.withHandle(
        "events.deleteOlderThan",
        h -> h.createUpdate("DELETE FROM events WHERE created_at < ?").bind(0, cutoff).execute());
  }
}
