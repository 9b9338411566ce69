package dev.alchemist.store.internal;

import dev.alchemist.core.Checks;
import dev.alchemist.core.DomainEvent;
import dev.alchemist.store.Dialect;
import dev.alchemist.store.Outbox;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;
import org.jdbi.v3.core.Handle;
import org.jspecify.annotations.Nullable;

/** {@link Outbox} on Jdbi, and the reads and deletes of {@link DefaultOutboxRelay}. */
final class JdbiOutbox implements Outbox {
  /**
   * The first key of the two-key advisory locks that order one session's outbox rows ("ALCH").
   * PostgreSQL keeps two-key and one-key advisory locks apart, so this never meets the relay's.
   */
  private static final int SESSION_LOCK_SPACE = 0x414c4348;

  private static final String INSERT =
      "INSERT INTO outbox (" + JdbiEventRepository.COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?)";

  private static final String INSERT_LOCKED_PG =
      "INSERT INTO outbox ("
          + JdbiEventRepository.COLUMNS
          + ") SELECT "
          + JdbiEventRepository.COLUMNS
          + " FROM "
          + EventWrites.PG_UNNEST_ARRAYS
          + " WITH ORDINALITY AS u("
          + JdbiEventRepository.COLUMNS
          + ", ord) WHERE (SELECT count(*) FROM (SELECT pg_advisory_xact_lock(?, k)"
          + " FROM unnest(?::integer[]) AS l(k) ORDER BY k) AS session_locks) >= 0 ORDER BY ord";

  /** One outbox row: its place in the relay order and its event. */
  record Row(long seq, DomainEvent event) {}

  private final Sql sql;

  /**
   * Keeps the rounds of every relay of this database apart (other processes: the advisory lock).
   */
  final ReentrantLock relayRounds = new ReentrantLock();

  JdbiOutbox(Sql sql) {
    this.sql = sql;
  }

  @Override
  public void add(DomainEvent event) {
    Checks.notNull("event", event);
    // In a transaction of its own when called outside one, so that the session lock is held
    // until the row commits either way (a nested call joins the caller's transaction).
    sql.inTransaction(
        "outbox.add",
        h ->
            sql.dialect == Dialect.POSTGRESQL
                ? insertLockedPg(h, List.of(event))
                : JdbiEventRepository.bind(h.createUpdate(INSERT), event).execute());
  }

  @Override
  public void addAll(Collection<DomainEvent> events) {
    List<DomainEvent> rows = Batches.copyNonNull("events", events);
    if (rows.isEmpty()) {
      return;
    }
    sql.inTransaction(
        Batches.describe("outbox.addAll", rows, DomainEvent::id),
        h ->
            sql.dialect == Dialect.POSTGRESQL
                ? insertLockedPg(h, rows)
                : Batches.chunked(
                    rows,
                    sql.chunkSize,
                    () -> h.prepareBatch(INSERT),
                    (batch, e) -> JdbiEventRepository.bind(batch, e).add()));
  }

  /**
   * One statement, one round trip: takes the transaction-scoped advisory lock of every session of
   * {@code rows}, in key order, then inserts the rows in list order. The locks are an uncorrelated
   * subquery in {@code WHERE}, which PostgreSQL evaluates once before the first row (a one-time
   * filter), so every lock is held before any row takes its {@code seq}: a second transaction
   * adding to one of these sessions waits there, and its rows get the larger seqs only once this
   * one has committed or rolled back. The lock function is volatile, so PostgreSQL evaluates it
   * after the sort; {@code seq}'s default after the outer sort, in list order.
   */
  private static int insertLockedPg(Handle h, List<DomainEvent> rows) throws SQLException {
    Integer[] keys =
        rows.stream()
            .map(e -> sessionKey(e).hashCode())
            .distinct()
            .sorted()
            .toArray(Integer[]::new);
    return EventWrites.bindColumnArrays(h.createUpdate(INSERT_LOCKED_PG), rows)
        .bind(7, SESSION_LOCK_SPACE)
        .bind(8, EventWrites.array(h.getConnection(), "integer", keys))
        .execute();
  }

  private static String sessionKey(DomainEvent event) {
    String session = event.sessionId();
    return session != null ? session : event.domain();
  }

  @Override
  public long size() {
    return sql.read(
        "outbox.size", h -> h.createQuery("SELECT count(*) FROM outbox").mapTo(Long.class).one());
  }

  /**
   * The first {@code limit} rows in relay order; in the caller's transaction. Mapped by column
   * position: the record mapper, called row by row, matched the columns by name again for each row,
   * which was half of a 2,000-row round.
   */
  static List<Row> head(Handle h, int limit) {
    return h.createQuery(
            "SELECT seq, " + JdbiEventRepository.COLUMNS + " FROM outbox ORDER BY seq LIMIT ?")
        .bind(0, limit)
        .map(
            (rs, ctx) ->
                new Row(
                    rs.getLong(1),
                    new DomainEvent(
                        rs.getObject(2, UUID.class),
                        rs.getString(3),
                        rs.getString(4),
                        rs.getString(5),
                        rs.getString(6),
                        rs.getTimestamp(7).toInstant(),
                        rs.getString(8))))
        .list();
  }

  /** Beyond a batch: the newest row's {@code seq} and the first row's {@code created_at}. */
  record Tail(long maxSeq, Instant firstAt) {}

  /**
   * What follows {@code seq}: the first row's {@code created_at} and the largest {@code seq}, or
   * null if no row follows. Two look-ups on the primary key, never a count; in the caller's
   * transaction.
   */
  static @Nullable Tail after(Handle h, long seq) {
    Long max =
        h.createQuery("SELECT max(seq) FROM outbox").mapTo(Long.class).findOne().orElse(null);
    if (max == null || max <= seq) {
      return null;
    }
    Instant first =
        h.createQuery("SELECT created_at FROM outbox WHERE seq > ? ORDER BY seq LIMIT 1")
            .bind(0, seq)
            .mapTo(Instant.class)
            .findOne()
            .orElse(null);
    return first == null ? null : new Tail(max, first);
  }

  /**
   * Deletes the rows with these {@code seqs}, in one statement with the seqs bound as one array (a
   * batch of one-row deletes costs a statement per row: about half the relay's time at 2,000 rows a
   * round); in the caller's transaction.
   */
  static void delete(Handle h, List<Long> seqs) {
    if (seqs.isEmpty()) {
      return;
    }
    h.createUpdate("DELETE FROM outbox WHERE seq = ANY(?)")
        .bindArray(0, Long.class, seqs)
        .execute();
  }
}
