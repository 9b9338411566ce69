package dev.alchemist.bench.store;

import dev.alchemist.core.DomainEvent;
import dev.alchemist.store.AlchemistDatabase;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Transactions per second into the transactional outbox (events/s = score x {@code rows}), {@code
 * rows} events of as many sessions per transaction (8: a dialog writer's batch under LoadScenario's
 * load; 500: a full one): {@code outboxAddAll} ({@code Outbox.addAll} in a transaction of its own:
 * the per-session ordering locks and the inserts) against {@code rawJdbiPreparedBatch}, the same
 * inserts as one prepared batch in one transaction on the same pool, without the ordering locks.
 * The ratio is what the order of a session's events costs on top of writing them.
 *
 * <p>The commit's WAL flush dominates both sides on a slow disk; {@code -Dalchemist.pg.url=
 * 'jdbc:postgresql://127.0.0.1:5432/test?options=-c%20synchronous_commit%3Doff'} leaves the
 * statements and round trips that the two sides differ in.
 *
 * <pre>
 * java -jar alchemist-bench/target/benchmarks.jar OutboxAddBenchmark -f 1 -wi 3 -w 2s -i 10 -r 2s
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 10, time = 2)
@Fork(1)
public class OutboxAddBenchmark {
  private static final String INSERT =
      "INSERT INTO outbox (id, domain, entity, type, session_id, created_at, payload)"
          + " VALUES (?, ?, ?, ?, ?, ?, ?)";
  private static final String PAYLOAD = "{\"text\":\"" + "x".repeat(200) + "\"}";

  @Param({"8", "500"})
  public int rows;

  private AlchemistDatabase db;
  private Jdbi raw;
  private List<DomainEvent> events;

  @Setup
  public void open() {
    db = BenchDatabase.open("alchemist_bench_outbox");
    raw = BenchDatabase.rawJdbi(db);
  }

  /** Fresh ids for every operation; not measured. */
  @Setup(Level.Invocation)
  public void nextEvents() {
    events = new ArrayList<>(rows);
    Instant now = Instant.now();
    for (int i = 0; i < rows; i++) {
      events.add(
          new DomainEvent(
              UUID.randomUUID(), "dialog", "message", "created", "session-" + i, now, PAYLOAD));
    }
  }

  /** Keeps the table from growing across iterations (no relay deletes the rows here). */
  @Setup(Level.Iteration)
  public void truncate() throws Exception {
    try (Connection c = db.dataSource().getConnection();
        Statement s = c.createStatement()) {
      s.execute("TRUNCATE outbox");
    }
  }

  @TearDown
  public void close() {
    db.close();
  }

  @Benchmark
  public void outboxAddAll() {
    db.outbox().addAll(events);
  }

  @Benchmark
  public int rawJdbiPreparedBatch() {
    return raw.inTransaction(
        h -> {
          PreparedBatch batch = h.prepareBatch(INSERT);
          for (DomainEvent e : events) {
            batch
                .bind(0, e.id())
                .bind(1, e.domain())
                .bind(2, e.entity())
                .bind(3, e.type())
                .bind(4, e.sessionId())
                .bind(5, e.createdAt())
                .bind(6, e.payload())
                .add();
          }
          return batch.execute().length;
        });
  }
}
