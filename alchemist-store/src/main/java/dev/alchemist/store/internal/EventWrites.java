package dev.alchemist.store.internal;

import dev.alchemist.core.DomainEvent;
import dev.alchemist.store.Dialect;
import java.sql.Array;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.argument.Argument;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.jdbi.v3.core.statement.SqlStatement;
import org.jspecify.annotations.Nullable;

/**
 * Every write of events goes through here, so that the {@code domain_stats} rollups count exactly
 * the rows that were inserted, in the same transaction: {@code domain_stats_minute} (per domain and
 * minute: count, newest, and the sessions whose newest event lies in it) and {@code
 * domain_sessions} (per domain and session: newest).
 *
 * <p>PostgreSQL: one statement per chunk, {@code INSERT ... SELECT FROM unnest(arrays)} whose
 * {@code RETURNING} rows feed the session upsert, whose {@code RETURNING} rows feed the minute
 * upsert. Rows are inserted in key order and the rollups upserted in key order, so concurrent
 * batches lock in the same order. H2: a JDBC batch of inserts, then the rollups from the rows whose
 * insert counted one, each session read {@code FOR UPDATE} before it is moved.
 */
final class EventWrites {
  static final String COLUMNS = JdbiEventRepository.COLUMNS;

  /** The {@link #COLUMNS} of a batch as arrays, bound by {@link #bindColumnArrays}. */
  static final String PG_UNNEST_ARRAYS =
      "unnest(?::uuid[], ?::text[], ?::text[], ?::text[], ?::text[], ?::timestamptz[], ?::text[])";

  private static final String PG_UNNEST =
      "SELECT * FROM " + PG_UNNEST_ARRAYS + " AS u(" + COLUMNS + ")";
  private static final String PG_LOAD_TABLE = "alchemist_events_load";

  private static final String H2_INSERT =
      "INSERT INTO events (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?)";
  private static final String H2_INSERT_NEW =
      "INSERT INTO events ("
          + COLUMNS
          + ") SELECT CAST(? AS UUID), CAST(? AS VARCHAR(64)), CAST(? AS VARCHAR(64)),"
          + " CAST(? AS VARCHAR(64)), CAST(? AS VARCHAR(256)),"
          + " CAST(? AS TIMESTAMP WITH TIME ZONE), CAST(? AS VARCHAR(524288)) FROM DUAL"
          + " WHERE NOT EXISTS (SELECT 1 FROM events WHERE id = ? AND created_at = ?)";
  private static final String H2_MINUTE =
      "MERGE INTO domain_stats_minute t USING (SELECT CAST(? AS VARCHAR(64)) AS domain,"
          + " CAST(? AS TIMESTAMP WITH TIME ZONE) AS minute_start, CAST(? AS BIGINT) AS n,"
          + " CAST(? AS TIMESTAMP WITH TIME ZONE) AS newest, CAST(? AS BIGINT) AS moved"
          + " FROM DUAL) s"
          + " ON t.domain = s.domain AND t.minute_start = s.minute_start"
          + " WHEN MATCHED THEN UPDATE SET event_count = t.event_count + s.n,"
          + " last_event_at = COALESCE(GREATEST(t.last_event_at, s.newest), t.last_event_at),"
          + " newest_sessions = t.newest_sessions + s.moved"
          + " WHEN NOT MATCHED THEN INSERT"
          + " (domain, minute_start, event_count, last_event_at, newest_sessions)"
          + " VALUES (s.domain, s.minute_start, s.n, s.newest, s.moved)";
  private static final String H2_SESSION_OLD =
      "SELECT last_seen FROM domain_sessions WHERE domain = ? AND session_id = ? FOR UPDATE";
  private static final String H2_SESSION_INSERT =
      "INSERT INTO domain_sessions (domain, session_id, last_seen) VALUES (?, ?, ?)";
  private static final String H2_SESSION_UPDATE =
      "UPDATE domain_sessions SET previous_seen = last_seen, last_seen = ?"
          + " WHERE domain = ? AND session_id = ?";

  private final Sql sql;
  private final @Nullable Partitions partitions;

  EventWrites(Sql sql, @Nullable Partitions partitions) {
    this.sql = sql;
    this.partitions = partitions;
  }

  /**
   * The statement that inserts from {@code source} and updates the rollups for what it inserted.
   * The session upsert returns, for each session it moved, the new newest event and the old one
   * ({@code previous_seen} is set from the row as locked, so concurrent batches see each other's
   * moves); the minute upsert then adds the events per minute and moves each session's count from
   * the minute of its old newest event to the minute of its new one.
   */
  static String pgStatement(String source, boolean skipDuplicates) {
    return "WITH input AS ("
        + source
        + "), ins AS (INSERT INTO events ("
        + COLUMNS
        + ") SELECT "
        + COLUMNS
        + " FROM input ORDER BY id, created_at"
        + (skipDuplicates ? " ON CONFLICT DO NOTHING" : "")
        + " RETURNING domain, session_id, created_at)"
        + ", sessions AS (INSERT INTO domain_sessions AS r"
        + " (domain, session_id, last_seen, previous_seen)"
        + " SELECT domain, session_id, max(created_at), NULL::timestamptz FROM ins"
        + " WHERE session_id IS NOT NULL GROUP BY 1, 2 ORDER BY 1, 2"
        + " ON CONFLICT (domain, session_id) DO UPDATE SET"
        + " previous_seen = r.last_seen, last_seen = EXCLUDED.last_seen"
        + " WHERE EXCLUDED.last_seen > r.last_seen"
        + " RETURNING domain, last_seen, previous_seen)"
        + ", deltas AS ("
        + "SELECT domain, date_trunc('minute', created_at) AS m, count(*) AS n,"
        + " max(created_at) AS newest, 0::bigint AS moved FROM ins GROUP BY 1, 2"
        + " UNION ALL SELECT domain, date_trunc('minute', last_seen), 0, NULL, 1 FROM sessions"
        + " UNION ALL SELECT domain, date_trunc('minute', previous_seen), 0, NULL, -1"
        + " FROM sessions WHERE previous_seen IS NOT NULL)"
        + ", minutes AS (INSERT INTO domain_stats_minute AS r"
        + " (domain, minute_start, event_count, last_event_at, newest_sessions)"
        // a minute that only loses a session has no newest event here: the minute's start is
        // below any event of it, so GREATEST keeps the row's (NOT NULL is checked before the
        // conflict is)
        + " SELECT domain, m, sum(n), COALESCE(max(newest), m), sum(moved) FROM deltas"
        + " GROUP BY 1, 2 ORDER BY 1, 2"
        + " ON CONFLICT (domain, minute_start) DO UPDATE SET"
        + " event_count = r.event_count + EXCLUDED.event_count,"
        + " last_event_at = GREATEST(r.last_event_at, EXCLUDED.last_event_at),"
        + " newest_sessions = r.newest_sessions + EXCLUDED.newest_sessions)"
        + " SELECT count(*) FROM ins";
  }

  /** The UTC days the rows fall on. */
  static Set<LocalDate> days(Collection<DomainEvent> rows) {
    Set<LocalDate> days = new TreeSet<>();
    for (DomainEvent e : rows) {
      days.add(Partitions.day(e.createdAt()));
    }
    return days;
  }

  /** Creates the partitions the rows need, on {@code h}; a no-op on H2. */
  void ensurePartitions(Handle h, Collection<DomainEvent> rows) {
    if (partitions != null) {
      partitions.ensure(h, days(rows));
    }
  }

  void forgetPartitions() {
    if (partitions != null) {
      partitions.forget();
    }
  }

  /**
   * Inserts {@code rows} in chunks on {@code h} and counts the inserted ones into the rollups;
   * returns how many were inserted. Without {@code skipDuplicates} a stored key fails the statement
   * (a unique violation), as {@code EventRepository.append} documents.
   */
  int insert(Handle h, List<DomainEvent> rows, boolean skipDuplicates) throws SQLException {
    int total = 0;
    for (int from = 0; from < rows.size(); from += sql.chunkSize) {
      List<DomainEvent> chunk = rows.subList(from, Math.min(rows.size(), from + sql.chunkSize));
      total +=
          sql.dialect == Dialect.POSTGRESQL
              ? insertPg(h, chunk, skipDuplicates)
              : insertH2(h, chunk, skipDuplicates);
    }
    return total;
  }

  private static int insertPg(Handle h, List<DomainEvent> rows, boolean skipDuplicates)
      throws SQLException {
    return bindColumnArrays(h.createQuery(pgStatement(PG_UNNEST, skipDuplicates)), rows)
        .mapTo(Integer.class)
        .one();
  }

  /**
   * Binds the {@link #COLUMNS} of {@code rows}, one array each, to the first seven parameters of
   * {@code statement} (those of {@link #PG_UNNEST_ARRAYS}), in list order.
   */
  static <S extends SqlStatement<S>> S bindColumnArrays(S statement, List<DomainEvent> rows)
      throws SQLException {
    int n = rows.size();
    String[] ids = new String[n];
    String[] domains = new String[n];
    String[] entities = new String[n];
    String[] types = new String[n];
    String[] sessions = new String[n];
    String[] created = new String[n];
    String[] payloads = new String[n];
    for (int i = 0; i < n; i++) {
      DomainEvent e = rows.get(i);
      ids[i] = e.id().toString();
      domains[i] = e.domain();
      entities[i] = e.entity();
      types[i] = e.type();
      sessions[i] = e.sessionId();
      created[i] = e.createdAt().toString();
      payloads[i] = e.payload();
    }
    Connection c = statement.getHandle().getConnection();
    return statement
        .bind(0, array(c, "text", ids))
        .bind(1, array(c, "text", domains))
        .bind(2, array(c, "text", entities))
        .bind(3, array(c, "text", types))
        .bind(4, array(c, "text", sessions))
        .bind(5, array(c, "text", created))
        .bind(6, array(c, "text", payloads));
  }

  /** {@code values} as a SQL array of {@code type}, for binding. */
  static Argument array(Connection c, String type, Object[] values) throws SQLException {
    Array array = c.createArrayOf(type, values);
    return (position, statement, ctx) -> statement.setArray(position, array);
  }

  /**
   * COPY into a transaction-scoped staging table, then the same insert-and-count statement from it:
   * COPY's speed, and the rollups count what was loaded. Runs in the caller's transaction.
   */
  long bulkLoadPg(Handle h, CopyLoader copy, Iterable<DomainEvent> events) throws SQLException {
    h.execute(
        "CREATE TEMP TABLE IF NOT EXISTS "
            + PG_LOAD_TABLE
            + " (LIKE events INCLUDING DEFAULTS) ON COMMIT DROP");
    h.execute("TRUNCATE " + PG_LOAD_TABLE);
    copy.copyEvents(h, events, PG_LOAD_TABLE);
    List<LocalDate> days =
        h.createQuery("SELECT DISTINCT (created_at AT TIME ZONE 'UTC')::date FROM " + PG_LOAD_TABLE)
            .mapTo(LocalDate.class)
            .list();
    if (partitions != null) {
      partitions.ensure(h, days);
    }
    return h.createQuery(pgStatement("SELECT " + COLUMNS + " FROM " + PG_LOAD_TABLE, false))
        .mapTo(Long.class)
        .one();
  }

  private static int insertH2(Handle h, List<DomainEvent> rows, boolean skipDuplicates) {
    int[] counts;
    try (PreparedBatch batch = h.prepareBatch(skipDuplicates ? H2_INSERT_NEW : H2_INSERT)) {
      for (DomainEvent e : rows) {
        JdbiEventRepository.bind(batch, e);
        if (skipDuplicates) {
          batch.bind(7, e.id()).bind(8, e.createdAt());
        }
        batch.add();
      }
      counts = batch.execute();
    }
    List<DomainEvent> inserted = new ArrayList<>(rows.size());
    for (int i = 0; i < rows.size(); i++) {
      if (counts[i] > 0 || counts[i] == java.sql.Statement.SUCCESS_NO_INFO) {
        inserted.add(rows.get(i));
      }
    }
    rollupsH2(h, inserted);
    return inserted.size();
  }

  private record MinuteKey(String domain, Instant minute) {}

  private record SessionKey(String domain, String sessionId) {}

  /** Per minute: events, newest event, sessions moved in (+) and out (-). */
  private static final class MinuteDelta {
    long events;
    @Nullable Instant newest;
    long moved;
  }

  private static final Comparator<MinuteKey> MINUTE_ORDER =
      Comparator.comparing(MinuteKey::domain).thenComparing(MinuteKey::minute);
  private static final Comparator<SessionKey> SESSION_ORDER =
      Comparator.comparing(SessionKey::domain).thenComparing(SessionKey::sessionId);

  private static MinuteKey minuteOf(String domain, Instant t) {
    return new MinuteKey(domain, t.truncatedTo(ChronoUnit.MINUTES));
  }

  private static void rollupsH2(Handle h, List<DomainEvent> inserted) {
    if (inserted.isEmpty()) {
      return;
    }
    Map<MinuteKey, MinuteDelta> minutes = new TreeMap<>(MINUTE_ORDER);
    Map<SessionKey, Instant> sessions = new TreeMap<>(SESSION_ORDER);
    for (DomainEvent e : inserted) {
      MinuteDelta d =
          minutes.computeIfAbsent(minuteOf(e.domain(), e.createdAt()), k -> new MinuteDelta());
      d.events++;
      Instant newest = d.newest;
      d.newest = newest == null || e.createdAt().isAfter(newest) ? e.createdAt() : newest;
      String session = e.sessionId();
      if (session != null) {
        sessions.merge(
            new SessionKey(e.domain(), session), e.createdAt(), (a, b) -> a.isAfter(b) ? a : b);
      }
    }
    for (Map.Entry<SessionKey, Instant> s : sessions.entrySet()) {
      moveSessionH2(h, s.getKey(), s.getValue(), minutes);
    }
    for (Map.Entry<MinuteKey, MinuteDelta> m : minutes.entrySet()) {
      MinuteKey k = m.getKey();
      MinuteDelta d = m.getValue();
      retryingDuplicates(
          () ->
              h.createUpdate(H2_MINUTE)
                  .bind(0, k.domain())
                  .bind(1, k.minute())
                  .bind(2, d.events)
                  .bind(3, d.newest)
                  .bind(4, d.moved)
                  .execute());
    }
  }

  /**
   * Moves one session's newest event forward (or inserts it) and records the move in {@code
   * minutes}. H2 lets two transactions both find a new session absent; the second's insert then
   * fails as a duplicate once the first commits, and H2 keeps the transaction, so it reads again.
   */
  private static void moveSessionH2(
      Handle h, SessionKey k, Instant newest, Map<MinuteKey, MinuteDelta> minutes) {
    for (int attempt = 1; ; attempt++) {
      Optional<OffsetDateTime> old =
          h.createQuery(H2_SESSION_OLD)
              .bind(0, k.domain())
              .bind(1, k.sessionId())
              .mapTo(OffsetDateTime.class)
              .findOne();
      if (old.isEmpty()) {
        try {
          h.createUpdate(H2_SESSION_INSERT)
              .bind(0, k.domain())
              .bind(1, k.sessionId())
              .bind(2, newest)
              .execute();
        } catch (RuntimeException e) {
          if (attempt < H2_ATTEMPTS && isDuplicate(e)) {
            continue;
          }
          throw e;
        }
      } else if (newest.isAfter(old.get().toInstant())) {
        h.createUpdate(H2_SESSION_UPDATE)
            .bind(0, newest)
            .bind(1, k.domain())
            .bind(2, k.sessionId())
            .execute();
        minutes.computeIfAbsent(minuteOf(k.domain(), old.get().toInstant()), x -> new MinuteDelta())
            .moved--;
      } else {
        return;
      }
      minutes.computeIfAbsent(minuteOf(k.domain(), newest), x -> new MinuteDelta()).moved++;
      return;
    }
  }

  private static final int H2_ATTEMPTS = 5;

  /** Runs an H2 MERGE again when a concurrent transaction inserted its row first. */
  private static void retryingDuplicates(Runnable statement) {
    for (int attempt = 1; ; attempt++) {
      try {
        statement.run();
        return;
      } catch (RuntimeException e) {
        if (attempt >= H2_ATTEMPTS || !isDuplicate(e)) {
          throw e;
        }
      }
    }
  }

  private static boolean isDuplicate(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof SQLException s && "23505".equals(s.getSQLState())) {
        return true;
      }
    }
    return false;
  }
}
