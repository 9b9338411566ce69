package dev.alchemist.store.internal;

import dev.alchemist.core.DomainEvent;
import dev.alchemist.core.internal.OwnedMeters;
import dev.alchemist.store.DatabaseException;
import dev.alchemist.store.Dialect;
import dev.alchemist.store.EventProjection;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * {@link EventProjection}: {@code INSERT ... ON CONFLICT DO NOTHING RETURNING} plus the rollup
 * upserts in one statement on PostgreSQL (see {@link EventWrites}); an insert-if-absent batch on
 * H2, where the calls of one database take turns (H2's MVCC would let two overlapping batches both
 * see a key as absent and the second fail on it).
 *
 * <p>The partitions the batch needs are made sure of in a short transaction of their own before the
 * batch's (creating one locks {@code events} exclusively, which must not last as long as the
 * batch). If the insert still finds a day without a partition (another instance dropped it since),
 * it creates it and retries once; a deadlock or serialization failure is retried up to twice: the
 * failed transaction rolled back whole, so a retry cannot double anything.
 */
final class JdbiEventProjection implements EventProjection {
  private static final int ATTEMPTS = 3;

  /**
   * Events dated further ahead than this are skipped: a broken clock, not an event to keep, and one
   * such event (year 10000 is beyond what the database takes) must not block every batch after it.
   */
  static final Duration MAX_AHEAD = Duration.ofDays(366);

  private final Sql sql;
  private final EventWrites writes;
  private final Clock clock;
  private final Duration retention;
  private final ReentrantLock h2Turns = new ReentrantLock();
  private final Counter stored;
  private final Counter duplicates;
  private final Counter expired;
  private final Counter future;
  private final Timer timer;

  JdbiEventProjection(
      Sql sql, EventWrites writes, Clock clock, Duration retention, OwnedMeters meters, Tags tags) {
    this.sql = sql;
    this.writes = writes;
    this.clock = clock;
    this.retention = retention;
    this.stored = counter(meters, tags, "stored", "Events the projection stored");
    this.duplicates =
        counter(meters, tags, "duplicate", "Events the projection skipped as already stored");
    this.expired =
        counter(meters, tags, "expired", "Events the projection skipped as older than retention");
    this.future =
        counter(meters, tags, "future", "Events the projection skipped as dated over a year ahead");
    this.timer =
        meters.shared(
            Timer.builder("alchemist.store.projection.store")
                    .description("Time of one EventProjection.store call")
                    .tags(tags)
                ::register);
  }

  private static Counter counter(OwnedMeters meters, Tags tags, String outcome, String text) {
    return meters.shared(
        Counter.builder("alchemist.store.projection.events")
                .description(text)
                .tags(tags)
                .tag("outcome", outcome)
            ::register);
  }

  @Override
  public int store(Collection<DomainEvent> events) {
    List<DomainEvent> rows = Batches.copyNonNull("events", events);
    if (rows.size() > MAX_BATCH) {
      throw new IllegalArgumentException(
          "events must hold at most " + MAX_BATCH + " events but held " + rows.size());
    }
    if (rows.isEmpty()) {
      return 0;
    }
    Instant now = clock.instant();
    Instant cutoff = now.minus(retention);
    Instant latest = now.plus(MAX_AHEAD);
    List<DomainEvent> current = new ArrayList<>(rows.size());
    int old = 0;
    int ahead = 0;
    for (DomainEvent e : rows) {
      if (e.createdAt().isBefore(cutoff)) {
        old++;
      } else if (e.createdAt().isAfter(latest)) {
        ahead++;
      } else {
        current.add(e);
      }
    }
    if (old > 0) {
      expired.increment(old);
    }
    if (ahead > 0) {
      future.increment(ahead);
    }
    if (current.isEmpty()) {
      return 0;
    }
    long start = System.nanoTime();
    try {
      int n;
      if (sql.dialect == Dialect.H2) {
        h2Turns.lock();
        try {
          n = attempt(current);
        } finally {
          h2Turns.unlock();
        }
      } else {
        n = attempt(current);
      }
      stored.increment(n);
      if (current.size() > n) {
        duplicates.increment(current.size() - n);
      }
      return n;
    } finally {
      timer.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
    }
  }

  private int attempt(List<DomainEvent> rows) {
    if (sql.dialect == Dialect.POSTGRESQL) {
      sql.withHandle(
          "projection.partitions",
          h -> {
            writes.ensurePartitions(h, rows);
            return null;
          });
    }
    boolean recreated = false;
    for (int attempt = 1; ; attempt++) {
      try {
        return sql.inTransaction(
            Batches.describe("projection.store", rows, DomainEvent::id),
            h -> writes.insert(h, rows, true));
      } catch (DatabaseException e) {
        String state = sqlState(e);
        if ("23514".equals(state) && !recreated && sql.dialect == Dialect.POSTGRESQL) {
          // no partition for a row: another instance dropped one we thought was there
          recreated = true;
          writes.forgetPartitions();
          sql.withHandle(
              "projection.partitions",
              h -> {
                writes.ensurePartitions(h, rows);
                return null;
              });
        } else if (("40P01".equals(state) || "40001".equals(state)) && attempt < ATTEMPTS) {
          continue;
        } else {
          throw e;
        }
      }
    }
  }

  private static @Nullable String sqlState(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof SQLException s && s.getSQLState() != null) {
        return s.getSQLState();
      }
    }
    return null;
  }
}
