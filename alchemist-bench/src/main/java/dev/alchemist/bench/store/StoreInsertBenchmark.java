package dev.alchemist.bench.store;

import dev.alchemist.core.Dialog;
import dev.alchemist.core.Message;
import dev.alchemist.store.AlchemistDatabase;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Rows per second into {@code messages}, 1000 rows per operation: {@code insertAll} (one
 * transaction, JDBC batches that pgjdbc rewrites into multi-row inserts), {@code bulkLoad} (COPY),
 * and what a host writes by hand with raw Jdbi on the same pool: {@code rawJdbiPreparedBatch} (one
 * {@code prepareBatch} inside one transaction, the fair baseline for {@code insertAll}) and {@code
 * rawJdbiSingleRowInserts} (one {@code INSERT} per row, each its own transaction; context only: it
 * shows what batching saves, not what the store adds). Scores are rows/s.
 *
 * <pre>
 * java -jar alchemist-bench/target/benchmarks.jar StoreInsertBenchmark -f 1 -wi 2 -w 2s -i 3 -r 2s
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class StoreInsertBenchmark {
  static final int ROWS = 1000;
  private static final String INSERT =
      "INSERT INTO messages (id, dialog_id, role, content, timestamp, token_count)"
          + " VALUES (?, ?, ?, ?, ?, ?)";

  private AlchemistDatabase db;
  private Jdbi raw;
  private Dialog dialog;
  private List<Message> rows;
  private Instant next = Instant.parse("2026-01-01T00:00:00Z");

  @Setup
  public void open() {
    db = BenchDatabase.open("alchemist_bench_insert");
    raw = BenchDatabase.rawJdbi(db);
    dialog = BenchDatabase.dialog("bench-insert");
    db.dialogs().insert(dialog);
  }

  /** Fresh ids for every operation; not measured. */
  @Setup(Level.Invocation)
  public void nextRows() {
    rows = new ArrayList<>(ROWS);
    BenchDatabase.messages(dialog.id(), next, ROWS).forEach(rows::add);
    next = next.plusSeconds(ROWS);
  }

  /**
   * Keeps the table from growing across iterations, so every iteration inserts into the same size.
   */
  @Setup(Level.Iteration)
  public void truncate() throws Exception {
    try (Connection c = db.dataSource().getConnection();
        Statement s = c.createStatement()) {
      s.execute("TRUNCATE messages");
    }
  }

  @TearDown
  public void close() {
    db.close();
  }

  @Benchmark
  @OperationsPerInvocation(ROWS)
  public int storeInsertAll() {
    return db.messages().insertAll(rows);
  }

  @Benchmark
  @OperationsPerInvocation(ROWS)
  public long storeBulkLoadCopy() {
    return db.messages().bulkLoad(rows);
  }

  @Benchmark
  @OperationsPerInvocation(ROWS)
  public int rawJdbiPreparedBatch() {
    return raw.inTransaction(
        h -> {
          PreparedBatch batch = h.prepareBatch(INSERT);
          for (Message m : rows) {
            batch
                .bind(0, m.id())
                .bind(1, m.dialogId())
                .bind(2, m.role())
                .bind(3, m.content())
                .bind(4, m.timestamp())
                .bind(5, m.tokenCount())
                .add();
          }
          return batch.execute().length;
        });
  }

  @Benchmark
  @OperationsPerInvocation(ROWS)
  public int rawJdbiSingleRowInserts() {
    int n = 0;
    try (Handle h = raw.open()) {
      for (Message m : rows) {
        n +=
            h.createUpdate(INSERT)
                .bind(0, m.id())
                .bind(1, m.dialogId())
                .bind(2, m.role())
                .bind(3, m.content())
                .bind(4, m.timestamp())
                .bind(5, m.tokenCount())
                .execute();
      }
    }
    return n;
  }
}
