package dev.alchemist.bench.store;

import dev.alchemist.core.DomainEvent;
import dev.alchemist.store.AlchemistDatabase;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * What serving {@code domain_stats} costs, the guide's way and the store's way, on the same data:
 * for each rate, one hour of events at that rate is COPYed into a fresh schema of the store (the
 * partitioned {@code events}); then it times {@code REFRESH MATERIALIZED VIEW CONCURRENTLY} of the
 * guide's view over it, reading the store's {@code domain_stats} (served from the rollups), and
 * {@link dev.alchemist.store.EventProjection#store} of 1,000-event batches against the same batches
 * inserted without the rollup update. Drops its schema after each rate.
 *
 * <pre>
 * java -cp alchemist-bench/target/benchmarks.jar dev.alchemist.bench.store.DomainStatsCost [rate ...]
 * </pre>
 *
 * Rates are events per second, default 1000. {@code DomainStatsCost sessions 100000 ...} instead
 * fills only the rollup tables (10 domains x 61 minutes, and that many sessions active in the
 * window, whatever the event rate that made them) and times reading {@code domain_stats}, to show
 * that the number of sessions does not change it either. Connection settings as for the other store
 * benchmarks ({@code ALCHEMIST_PG_URL}, {@code ALCHEMIST_PG_USER}, {@code ALCHEMIST_PG_PASSWORD}).
 */
public final class DomainStatsCost {
  private static final int DOMAINS = 10;
  private static final int SESSIONS = 5_000;
  private static final int BATCH = 1_000;
  private static final int BATCHES = 20;
  private static final String PAYLOAD =
      "{\"dialog\":\""
          + UUID.randomUUID()
          + "\",\"tokens\":42,\"model\":\"bench\",\"text\":\""
          + "x".repeat(60)
          + "\"}";
  private static final String COLUMNS = "id, domain, entity, type, session_id, created_at, payload";
  private static final String PLAIN_INSERT =
      "INSERT INTO events ("
          + COLUMNS
          + ") SELECT * FROM unnest(?::uuid[], ?::text[], ?::text[], ?::text[], ?::text[],"
          + " ?::timestamptz[], ?::text[]) ON CONFLICT DO NOTHING";

  /** Per minute, the sessions whose newest event falls in it, as the V3 migration fills it. */
  private static final String NEWEST_SESSIONS =
      "UPDATE domain_stats_minute m SET newest_sessions = (SELECT count(*) FROM domain_sessions s"
          + " WHERE s.domain = m.domain AND date_trunc('minute', s.last_seen) = m.minute_start)";

  private DomainStatsCost() {}

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("sessions")) {
      for (int i = 1; i < args.length; i++) {
        readWithSessions(Integer.parseInt(args[i]));
      }
      return;
    }
    int[] rates =
        args.length == 0
            ? new int[] {1000}
            : Arrays.stream(args).mapToInt(Integer::parseInt).toArray();
    for (int rate : rates) {
      run(rate);
    }
  }

  private static void run(int rate) throws Exception {
    String schema = "stats_cost_" + rate + "_" + UUID.randomUUID().toString().substring(0, 8);
    long rows = rate * 3600L;
    System.out.printf(
        Locale.ROOT, "%n== %,d events/s: %,d events over the last hour ==%n", rate, rows);
    try (AlchemistDatabase db = BenchDatabase.open(schema)) {
      Instant end = Instant.now().truncatedTo(ChronoUnit.MICROS);
      Instant start = end.minusSeconds(3600);
      long t0 = System.nanoTime();
      try (Connection c = db.dataSource().getConnection()) {
        copy(c, start, rate, rows);
        try (Statement s = c.createStatement()) {
          s.execute("ANALYZE events");
        }
      }
      System.out.printf(
          Locale.ROOT, "loaded with COPY in %.1f s; events size %s%n", secs(t0), size(db));

      try (Connection c = db.dataSource().getConnection();
          Statement s = c.createStatement()) {
        t0 = System.nanoTime();
        // the store's rollups for the same rows, as the V3 migration backfills them
        s.execute(
            "INSERT INTO domain_stats_minute (domain, minute_start, event_count, last_event_at)"
                + " SELECT domain, date_trunc('minute', created_at), count(*), max(created_at)"
                + " FROM events GROUP BY 1, 2");
        s.execute(
            "INSERT INTO domain_sessions (domain, session_id, last_seen)"
                + " SELECT domain, session_id, max(created_at) FROM events"
                + " WHERE session_id IS NOT NULL GROUP BY 1, 2");
        s.execute(NEWEST_SESSIONS);
        s.execute("ANALYZE domain_stats_minute");
        s.execute("ANALYZE domain_sessions");
        System.out.printf(Locale.ROOT, "rollups built once from events in %.1f s%n", secs(t0));

        // the guide's materialized view over the same events
        s.execute(
            "CREATE MATERIALIZED VIEW guide_domain_stats AS SELECT domain, count(*) AS event_count,"
                + " max(created_at) AS last_event_at, count(DISTINCT session_id) AS unique_sessions"
                + " FROM events WHERE created_at > now() - interval '1 hour' GROUP BY domain");
        s.execute("CREATE UNIQUE INDEX ON guide_domain_stats (domain)");
        List<Double> refresh = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
          t0 = System.nanoTime();
          s.execute("REFRESH MATERIALIZED VIEW CONCURRENTLY guide_domain_stats");
          refresh.add(secs(t0) * 1000);
        }
        System.out.printf(
            Locale.ROOT, "guide: REFRESH MATERIALIZED VIEW CONCURRENTLY, ms: %s%n", fmt(refresh));

        List<Double> reads = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
          t0 = System.nanoTime();
          try (ResultSet rs = s.executeQuery("SELECT * FROM domain_stats")) {
            while (rs.next()) {
              rs.getLong(2);
            }
          }
          reads.add(secs(t0) * 1000);
        }
        System.out.printf(
            Locale.ROOT, "store: SELECT * FROM domain_stats (rollups), ms: %s%n", summary(reads));
        compare(s);
      }

      List<Double> projected = new ArrayList<>();
      List<Double> plain = new ArrayList<>();
      for (int b = 0; b < BATCHES; b++) {
        List<DomainEvent> batch = batch(Instant.now().truncatedTo(ChronoUnit.MICROS), b);
        List<DomainEvent> other = batch(Instant.now().truncatedTo(ChronoUnit.MICROS), b + 1000);
        t0 = System.nanoTime();
        db.eventProjection().store(batch);
        projected.add(secs(t0) * 1000);
        try (Connection c = db.dataSource().getConnection()) {
          t0 = System.nanoTime();
          plainInsert(c, other);
          plain.add(secs(t0) * 1000);
        }
      }
      System.out.printf(
          Locale.ROOT,
          "store: EventProjection.store of %,d events (insert + rollups), ms: %s%n",
          BATCH,
          summary(projected));
      System.out.printf(
          Locale.ROOT,
          "same batches inserted without rollups (ON CONFLICT DO NOTHING), ms: %s%n",
          summary(plain));
    } finally {
      dropSchema(schema);
    }
  }

  private static void readWithSessions(int sessions) throws Exception {
    String schema = "stats_read_" + sessions + "_" + UUID.randomUUID().toString().substring(0, 8);
    System.out.printf(
        Locale.ROOT, "%n== rollups only: %,d sessions active in the window ==%n", sessions);
    try (AlchemistDatabase db = BenchDatabase.open(schema);
        Connection c = db.dataSource().getConnection();
        Statement s = c.createStatement()) {
      s.execute(
          "INSERT INTO domain_stats_minute (domain, minute_start, event_count, last_event_at)"
              + " SELECT 'd' || d, date_trunc('minute', now()) - m * interval '1 minute', 3000000,"
              + " date_trunc('minute', now()) - m * interval '1 minute'"
              + " FROM generate_series(0, "
              + (DOMAINS - 1)
              + ") d, generate_series(0, 60) m");
      s.execute(
          "INSERT INTO domain_sessions (domain, session_id, last_seen)"
              + " SELECT 'd' || (i % "
              + DOMAINS
              + "), 's' || i, now() - (i % 3600) * interval '1 second'"
              + " FROM generate_series(1, "
              + sessions
              + ") i");
      s.execute(NEWEST_SESSIONS);
      s.execute("ANALYZE domain_stats_minute");
      s.execute("ANALYZE domain_sessions");
      List<Double> all = new ArrayList<>();
      List<Double> one = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        long t0 = System.nanoTime();
        db.domainStats().all();
        all.add(secs(t0) * 1000);
        t0 = System.nanoTime();
        db.domainStats().forDomain("d3");
        one.add(secs(t0) * 1000);
      }
      System.out.printf(Locale.ROOT, "domainStats().all(), ms: %s%n", summary(all));
      System.out.printf(Locale.ROOT, "domainStats().forDomain(), ms: %s%n", summary(one));
    } finally {
      dropSchema(schema);
    }
  }

  private static void compare(Statement s) throws SQLException {
    // the two agree up to the window's minute granularity; print both for the record
    try (ResultSet rs =
        s.executeQuery(
            "SELECT sum(event_count), sum(unique_sessions) FROM domain_stats"
                + " UNION ALL SELECT sum(event_count), sum(unique_sessions) FROM guide_domain_stats")) {
      rs.next();
      long storeEvents = rs.getLong(1);
      long storeSessions = rs.getLong(2);
      rs.next();
      System.out.printf(
          Locale.ROOT,
          "events/sessions in the window: store %,d/%,d, guide %,d/%,d%n",
          storeEvents,
          storeSessions,
          rs.getLong(1),
          rs.getLong(2));
    }
  }

  private static List<DomainEvent> batch(Instant at, int seed) {
    List<DomainEvent> batch = new ArrayList<>(BATCH);
    for (int i = 0; i < BATCH; i++) {
      int n = seed * BATCH + i;
      batch.add(
          DomainEvent.of(
              "d" + (n % DOMAINS),
              "message",
              "created",
              "s" + (n * 7919L % SESSIONS),
              at,
              PAYLOAD));
    }
    return batch;
  }

  private static void plainInsert(Connection c, List<DomainEvent> rows) throws SQLException {
    int n = rows.size();
    String[][] cols = new String[7][n];
    for (int i = 0; i < n; i++) {
      DomainEvent e = rows.get(i);
      cols[0][i] = e.id().toString();
      cols[1][i] = e.domain();
      cols[2][i] = e.entity();
      cols[3][i] = e.type();
      cols[4][i] = e.sessionId();
      cols[5][i] = e.createdAt().toString();
      cols[6][i] = e.payload();
    }
    try (var ps = c.prepareStatement(PLAIN_INSERT)) {
      for (int k = 0; k < 7; k++) {
        ps.setArray(k + 1, c.createArrayOf("text", cols[k]));
      }
      ps.executeUpdate();
    }
  }

  private static void copy(Connection c, Instant start, int rate, long rows) throws SQLException {
    CopyIn in =
        c.unwrap(PGConnection.class)
            .getCopyAPI()
            .copyIn("COPY events (" + COLUMNS + ") FROM STDIN (FORMAT csv)");
    try {
      StringBuilder out = new StringBuilder(1 << 20);
      String payload = "\"" + PAYLOAD.replace("\"", "\"\"") + "\"";
      long stepNanos = 1_000_000_000L / rate;
      for (long i = 0; i < rows; i++) {
        out.append(UUID.randomUUID()).append(",d").append(i % DOMAINS).append(",message,created,s");
        out.append(i * 7919L % SESSIONS).append(',');
        out.append(start.plusNanos(i * stepNanos).truncatedTo(ChronoUnit.MICROS)).append(',');
        out.append(payload).append('\n');
        if (out.length() >= (1 << 20)) {
          byte[] bytes = out.toString().getBytes(StandardCharsets.UTF_8);
          in.writeToCopy(bytes, 0, bytes.length);
          out.setLength(0);
        }
      }
      byte[] bytes = out.toString().getBytes(StandardCharsets.UTF_8);
      in.writeToCopy(bytes, 0, bytes.length);
      in.endCopy();
    } finally {
      if (in.isActive()) {
        in.cancelCopy();
      }
    }
  }

  private static String size(AlchemistDatabase db) throws SQLException {
    try (Connection c = db.dataSource().getConnection();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT pg_size_pretty(sum(pg_total_relation_size(inhrelid))) FROM pg_inherits"
                    + " WHERE inhparent = 'events'::regclass")) {
      rs.next();
      return rs.getString(1);
    }
  }

  private static void dropSchema(String schema) throws SQLException {
    String url =
        BenchDatabase.setting(
            "ALCHEMIST_PG_URL", "alchemist.pg.url", "jdbc:postgresql://127.0.0.1:5432/test");
    String user = BenchDatabase.setting("ALCHEMIST_PG_USER", "alchemist.pg.user", "postgres");
    String password = BenchDatabase.setting("ALCHEMIST_PG_PASSWORD", "alchemist.pg.password", "");
    try (Connection c = java.sql.DriverManager.getConnection(url, user, password);
        Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }
  }

  private static double secs(long t0) {
    return (System.nanoTime() - t0) / 1e9;
  }

  private static String fmt(List<Double> ms) {
    StringBuilder b = new StringBuilder();
    for (double m : ms) {
      b.append(b.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.0f", m));
    }
    return b.toString();
  }

  private static String summary(List<Double> ms) {
    List<Double> sorted = new ArrayList<>(ms);
    sorted.sort(null);
    return String.format(
        Locale.ROOT,
        "median %.2f, p90 %.2f, max %.2f (n=%d)",
        sorted.get(sorted.size() / 2),
        sorted.get((int) Math.min(sorted.size() - 1, Math.round(sorted.size() * 0.9))),
        sorted.get(sorted.size() - 1),
        sorted.size());
  }
}
