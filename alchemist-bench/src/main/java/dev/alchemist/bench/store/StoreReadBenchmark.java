package dev.alchemist.bench.store;

import dev.alchemist.core.Dialog;
import dev.alchemist.core.Message;
import dev.alchemist.store.AlchemistDatabase;
import dev.alchemist.store.MessageCursor;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Reads of one dialog holding 1M messages (seeded once with COPY into schema {@code
 * alchemist_bench_read}, reused by later runs): the last 50 through the repository and through raw
 * Jdbi with the same SQL (the repository's overhead), and a page of 50 half a million rows deep by
 * keyset against the same page by OFFSET. Sample time, so p50/p99 are reported.
 *
 * <pre>
 * java -jar alchemist-bench/target/benchmarks.jar StoreReadBenchmark -f 1 -wi 2 -w 2s -i 3 -r 2s
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class StoreReadBenchmark {
  static final int ROWS = 1_000_000;
  static final int DEPTH = 500_000;
  static final String SCHEMA = "alchemist_bench_read";
  private static final String LAST_50 =
      "SELECT id, dialog_id, role, content, timestamp, token_count FROM messages"
          + " WHERE dialog_id = ? ORDER BY timestamp DESC, id DESC LIMIT ?";
  private static final String OFFSET_PAGE =
      "SELECT id, dialog_id, role, content, timestamp, token_count FROM messages"
          + " WHERE dialog_id = ? ORDER BY timestamp DESC, id DESC LIMIT 50 OFFSET "
          + DEPTH;

  private AlchemistDatabase db;
  private Jdbi raw;
  private UUID dialogId;
  private MessageCursor deep;

  @Setup
  public void open() throws Exception {
    db = BenchDatabase.open(SCHEMA);
    raw = BenchDatabase.rawJdbi(db);
    dialogId = seededDialog();
    // the cursor a reader holds after scrolling DEPTH messages back from the newest
    try (Handle h = raw.open()) {
      Message m =
          h.createQuery(
                  "SELECT id, dialog_id, role, content, timestamp, token_count FROM messages"
                      + " WHERE dialog_id = ? ORDER BY timestamp DESC, id DESC LIMIT 1 OFFSET ?")
              .bind(0, dialogId)
              .bind(1, DEPTH - 1)
              .mapTo(Message.class)
              .one();
      deep = MessageCursor.at(m);
    }
  }

  /** The dialog with {@value #ROWS} messages; seeds it with COPY on the first run only. */
  private UUID seededDialog() throws Exception {
    try (Connection c = db.dataSource().getConnection();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT d.id FROM dialogs d WHERE d.user_id = 'bench-read'"
                    + " AND (SELECT count(*) FROM messages m WHERE m.dialog_id = d.id) = "
                    + ROWS)) {
      if (rs.next()) {
        return rs.getObject(1, UUID.class);
      }
    }
    try (Connection c = db.dataSource().getConnection();
        Statement s = c.createStatement()) {
      s.execute("TRUNCATE dialogs CASCADE");
    }
    Dialog d = BenchDatabase.dialog("bench-read");
    db.dialogs().insert(d);
    db.messages()
        .bulkLoad(BenchDatabase.messages(d.id(), Instant.parse("2026-01-01T00:00:00Z"), ROWS));
    try (Connection c = db.dataSource().getConnection();
        Statement s = c.createStatement()) {
      s.execute("VACUUM ANALYZE messages");
    }
    return d.id();
  }

  @TearDown
  public void close() {
    db.close();
  }

  @Benchmark
  public List<Message> last50Repository() {
    return db.messages().lastN(dialogId, 50);
  }

  @Benchmark
  public List<Message> last50RawJdbi() {
    try (Handle h = raw.open()) {
      // the repository's exact SQL and binds, so the difference is the repository's own work
      return h.createQuery(LAST_50).bind(0, dialogId).bind(1, 50).mapTo(Message.class).list();
    }
  }

  @Benchmark
  public List<Message> deepPageKeyset() {
    return db.messages().olderThan(dialogId, deep, 50).messages();
  }

  @Benchmark
  public List<Message> deepPageOffset() {
    try (Handle h = raw.open()) {
      return h.createQuery(OFFSET_PAGE).bind(0, dialogId).mapTo(Message.class).list();
    }
  }
}
