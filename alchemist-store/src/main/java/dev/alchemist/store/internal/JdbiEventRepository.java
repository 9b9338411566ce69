package dev.alchemist.store.internal;

import dev.alchemist.core.Checks;
import dev.alchemist.core.DomainEvent;
import dev.alchemist.store.Dialect;
import dev.alchemist.store.EventRepository;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.jdbi.v3.core.statement.SqlStatement;
import org.jspecify.annotations.Nullable;

/** {@link EventRepository} on Jdbi. */
final class JdbiEventRepository implements EventRepository {
  static final String COLUMNS = "id, domain, entity, type, session_id, created_at, payload";
  private static final String INSERT =
      "INSERT INTO events (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?)";
  private static final String SELECT = "SELECT " + COLUMNS + " FROM events ";

  private final Sql sql;
  private final @Nullable CopyLoader copy;

  JdbiEventRepository(Sql sql, @Nullable CopyLoader copy) {
    this.sql = sql;
    this.copy = copy;
  }

  @Override
  public void append(DomainEvent event) {
    Checks.notNull("event", event);
    sql.withHandle("events.append", h -> bind(h.createUpdate(INSERT), event).execute());
  }

  @Override
  public int insertAll(Collection<DomainEvent> events) {
    List<DomainEvent> rows = Batches.copyNonNull("events", events);
    if (rows.isEmpty()) {
      return 0;
    }
    return sql.inTransaction(
        Batches.describe("events.insertAll", rows, DomainEvent::id), h -> insertChunked(h, rows));
  }

  private int insertChunked(Handle h, Iterable<DomainEvent> rows) {
    return Batches.chunked(
        rows, sql.chunkSize, () -> h.prepareBatch(INSERT), JdbiEventRepository::add);
  }

  private static void add(PreparedBatch batch, DomainEvent e) {
    bind(batch, e).add();
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
      return sql.inTransaction("events.bulkLoad", h -> copy.copyEvents(h, events));
    }
    return sql.inTransaction("events.bulkLoad", h -> insertChunked(h, events));
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
