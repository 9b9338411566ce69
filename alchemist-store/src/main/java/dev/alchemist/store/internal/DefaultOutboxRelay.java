package dev.alchemist.store.internal;

import dev.alchemist.core.Checks;
import dev.alchemist.core.DomainEvent;
import dev.alchemist.core.internal.DaemonThreads;
import dev.alchemist.core.internal.OwnedMeters;
import dev.alchemist.store.AlchemistDatabase;
import dev.alchemist.store.Dialect;
import dev.alchemist.store.OutboxPublisher;
import dev.alchemist.store.OutboxRelay;
import dev.alchemist.store.OutboxRelaySettings;
import dev.alchemist.store.internal.JdbiOutbox.Row;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jdbi.v3.core.Handle;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link OutboxRelay}: one daemon thread running rounds (see the interface for what a round
 * guarantees). Rounds of the relays of one database object never overlap (they share the outbox's
 * {@code relayRounds} lock, {@link #drain} included); relays of other processes are kept apart by
 * the advisory lock on PostgreSQL.
 *
 * <p>Meters (tags {@code pool}, {@code dialect} of the database and {@code relay} = the name):
 * {@code alchemist.store.outbox.relayed}, {@code alchemist.store.outbox.round.failures} ({@code
 * reason}), {@code alchemist.store.outbox.round} ({@code outcome}), and the gauges {@code
 * alchemist.store.outbox.backlog} and {@code alchemist.store.outbox.oldest.age}, which read what
 * the last round saw: no query of their own per scrape.
 */
public final class DefaultOutboxRelay implements OutboxRelay {
  private static final Logger LOG = LoggerFactory.getLogger("dev.alchemist.store");

  /** What one round did. */
  private record Outcome(boolean leader, int relayed, int failed) {
    static final Outcome NOT_LEADER = new Outcome(false, 0, 0);
  }

  /**
   * The outbox as the last leading round left it: rows waiting and the {@code created_at} of the
   * oldest of them (null when none waits).
   */
  private record Backlog(long rows, @Nullable Instant oldest) {
    static final Backlog EMPTY = new Backlog(0, null);
  }

  private final Sql sql;
  private final OutboxPublisher publisher;
  private final OutboxRelaySettings settings;
  private final long relayLockKey;
  private final JdbiOutbox outbox;
  private final ReentrantLock roundLock;
  private final ReentrantLock sleepLock = new ReentrantLock();
  private final Condition wake = sleepLock.newCondition();
  private final AtomicLong relayed = new AtomicLong();
  private final AtomicLong failedRounds = new AtomicLong();
  private final Thread thread;
  private final OwnedMeters meters;
  private final Counter relayedCounter;
  private final Counter erroredRounds;
  private final Counter unacknowledgedRounds;
  private final Timer relayedRound;
  private final Timer emptyRound;
  private final Timer failedRound;
  private final Timer standbyRound;
  private final Tags relayTags;

  /** What the last round saw; null before the first and while another relay leads. */
  private volatile @Nullable Backlog backlog;

  private volatile boolean closed;
  private boolean failing;

  private DefaultOutboxRelay(
      Sql sql,
      JdbiOutbox outbox,
      String schema,
      OutboxPublisher publisher,
      OutboxRelaySettings settings,
      MeterRegistry registry,
      Tags tags) {
    this.sql = sql;
    this.outbox = outbox;
    this.roundLock = outbox.relayRounds;
    this.publisher = publisher;
    this.settings = settings;
    // One relay per schema at a time: the stores of two schemas in one database relay apart.
    this.relayLockKey = ("alchemist.outbox.relay:" + schema).hashCode();
    this.thread = DaemonThreads.named("alchemist-outbox-" + settings.name()).newThread(this::run);
    this.relayTags = tags.and("relay", settings.name());
    this.meters = OwnedMeters.of(registry, "outbox relay " + settings.name());
    try {
      // The gauges first: a refusal (a live relay of this name and database on the registry)
      // leaves nothing registered.
      meters.exclusive(
          Gauge.builder("alchemist.store.outbox.backlog", this, DefaultOutboxRelay::backlogRows)
                  .description(
                      "Outbox rows waiting, as the relay's last round saw them; an upper bound when"
                          + " more than one batch waits; NaN while another relay leads")
                  .tags(relayTags)
                  .strongReference(false)
              ::register);
      meters.exclusive(
          Gauge.builder(
                      "alchemist.store.outbox.oldest.age",
                      this,
                      DefaultOutboxRelay::oldestAgeSeconds)
                  .description(
                      "Age of the oldest waiting outbox row's event (its created_at), 0 if none"
                          + " waited at the last round; NaN while another relay leads")
                  .baseUnit("seconds")
                  .tags(relayTags)
                  .strongReference(false)
              ::register);
      this.relayedCounter =
          meters.shared(
              Counter.builder("alchemist.store.outbox.relayed")
                      .description("Outbox events published, acknowledged and deleted")
                      .tags(relayTags)
                  ::register);
      this.erroredRounds = roundFailures("error");
      this.unacknowledgedRounds = roundFailures("unacknowledged");
      this.relayedRound = roundTimer("relayed");
      this.emptyRound = roundTimer("empty");
      this.failedRound = roundTimer("failed");
      this.standbyRound = roundTimer("standby");
    } catch (RuntimeException e) {
      meters.close();
      throw e;
    }
  }

  private Counter roundFailures(String reason) {
    return meters.shared(
        Counter.builder("alchemist.store.outbox.round.failures")
                .description(
                    "Relay rounds that failed: error (the database, as a whole) or unacknowledged"
                        + " (some events got no ack and stay)")
                .tags(relayTags.and("reason", reason))
            ::register);
  }

  private Timer roundTimer(String outcome) {
    return meters.shared(
        Timer.builder("alchemist.store.outbox.round")
                .description(
                    "Relay rounds by outcome: relayed, empty, failed, standby (another relay led)")
                .tags(relayTags.and("outcome", outcome))
            ::register);
  }

  private double backlogRows() {
    Backlog b = backlog;
    return b == null ? Double.NaN : b.rows();
  }

  private double oldestAgeSeconds() {
    Backlog b = backlog;
    if (b == null) {
      return Double.NaN;
    }
    Instant oldest = b.oldest();
    if (oldest == null) {
      return 0;
    }
    return Math.max(0, System.currentTimeMillis() - oldest.toEpochMilli()) / 1000.0;
  }

  /** Starts a relay for {@code db}, which must be built by {@code AlchemistDatabase.builder()}. */
  public static DefaultOutboxRelay start(
      AlchemistDatabase db, OutboxPublisher publisher, OutboxRelaySettings settings) {
    Checks.notNull("db", db);
    Checks.notNull("publisher", publisher);
    Checks.notNull("settings", settings);
    if (!(db instanceof DefaultAlchemistDatabase store)) {
      throw new IllegalArgumentException(
          "OutboxRelay needs an AlchemistDatabase made by AlchemistDatabase.builder(), was a "
              + db.getClass().getName());
    }
    String schema = store.settings().schema();
    DefaultOutboxRelay relay =
        new DefaultOutboxRelay(
            store.sql(),
            (JdbiOutbox) store.outbox(),
            schema == null ? "" : schema,
            publisher,
            settings,
            store.registry(),
            store.tags());
    relay.thread.start();
    return relay;
  }

  @Override
  public long relayed() {
    return relayed.get();
  }

  @Override
  public long failedRounds() {
    return failedRounds.get();
  }

  @Override
  public boolean drain(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() - deadline < 0) {
      Outcome o = roundOrFailure();
      if (o != null && o.leader() && o.relayed() == 0 && o.failed() == 0) {
        return true; // the round found nothing to relay
      }
      if (o != null && !o.leader() && outbox.size() == 0) {
        return true; // another process's relay leads and has emptied it
      }
      if (o == null || !o.leader() || o.failed() > 0) {
        sleep(settings.pollInterval());
      }
    }
    return false;
  }

  private void run() {
    while (!closed) {
      Outcome o = roundOrFailure();
      if (o == null || o.failed() > 0) {
        sleep(settings.retryDelay());
      } else if (!o.leader() || o.relayed() < settings.batchSize()) {
        sleep(settings.pollInterval()); // another relay leads, or the outbox is (nearly) empty
      }
    }
  }

  /** One round; null (counted and logged) if it failed as a whole. */
  private Outcome roundOrFailure() {
    roundLock.lock();
    long start = System.nanoTime();
    Timer outcome = failedRound;
    try {
      Outcome o = sql.inTransaction("outbox.relay", this::round);
      relayed.addAndGet(o.relayed());
      relayedCounter.increment(o.relayed());
      if (!o.leader()) {
        backlog = null; // the leading relay reports it
        outcome = standbyRound;
      } else if (o.failed() > 0) {
        unacknowledgedRounds.increment();
        failed(o.failed() + " of " + (o.failed() + o.relayed()) + " events not acknowledged", null);
      } else {
        outcome = o.relayed() > 0 ? relayedRound : emptyRound;
      }
      if (o.failed() == 0) {
        failing = false;
      }
      return o;
    } catch (RuntimeException e) {
      erroredRounds.increment();
      failed("the round failed", e);
      return null;
    } finally {
      outcome.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
      roundLock.unlock();
    }
  }

  private Outcome round(Handle h) {
    if (sql.dialect == Dialect.POSTGRESQL
        && !h.createQuery("SELECT pg_try_advisory_xact_lock(?)")
            .bind(0, relayLockKey)
            .mapTo(Boolean.class)
            .one()) {
      return Outcome.NOT_LEADER;
    }
    List<Row> rows = JdbiOutbox.head(h, settings.batchSize());
    if (rows.isEmpty()) {
      backlog = Backlog.EMPTY;
      return new Outcome(true, 0, 0);
    }
    List<CompletableFuture<?>> acks = new ArrayList<>(rows.size());
    for (Row row : rows) {
      acks.add(publish(row.event()));
    }
    awaitAll(acks);
    List<Long> done = new ArrayList<>(rows.size());
    Instant oldestLeft = null;
    for (int i = 0; i < rows.size(); i++) {
      CompletableFuture<?> ack = acks.get(i);
      if (ack.isDone() && !ack.isCompletedExceptionally()) {
        done.add(rows.get(i).seq());
      } else if (oldestLeft == null) {
        oldestLeft = rows.get(i).event().createdAt();
      }
    }
    JdbiOutbox.delete(h, done);
    backlog = backlogAfter(h, rows, done.size(), oldestLeft);
    return new Outcome(true, done.size(), rows.size() - done.size());
  }

  /**
   * The backlog after a round that read {@code rows} and deleted {@code deleted} of them: exact for
   * a round that read less than a batch (as of its read), else what waits beyond the batch comes
   * from the newest {@code seq}, two index look-ups, never a count. {@code oldestLeft}: the first
   * row of the round that stays.
   */
  private Backlog backlogAfter(
      Handle h, List<Row> rows, int deleted, @Nullable Instant oldestLeft) {
    long left = rows.size() - deleted;
    Instant oldest = oldestLeft;
    if (rows.size() < settings.batchSize()) {
      return new Backlog(left, oldest);
    }
    long lastSeq = rows.get(rows.size() - 1).seq();
    JdbiOutbox.Tail tail = JdbiOutbox.after(h, lastSeq);
    if (tail == null) {
      return new Backlog(left, oldest);
    }
    return new Backlog(left + tail.maxSeq() - lastSeq, oldest != null ? oldest : tail.firstAt());
  }

  private CompletableFuture<?> publish(DomainEvent event) {
    try {
      return publisher.publish(event).toCompletableFuture();
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private void awaitAll(List<CompletableFuture<?>> acks) {
    try {
      CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new))
          .get(settings.publishTimeout().toNanos(), TimeUnit.NANOSECONDS);
    } catch (ExecutionException | TimeoutException e) {
      // Some failed or are late: only the acknowledged rows are deleted, the rest stay.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void failed(String what, RuntimeException cause) {
    failedRounds.incrementAndGet();
    if (!failing) {
      failing = true; // once per streak of failures; the next good round resets it
      LOG.warn(
          "outbox relay '{}': {}; retried every {} until it succeeds",
          settings.name(),
          what,
          settings.retryDelay(),
          cause);
    }
  }

  private void sleep(Duration d) {
    sleepLock.lock();
    try {
      if (!closed) {
        wake.await(d.toNanos(), TimeUnit.NANOSECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      sleepLock.unlock();
    }
  }

  @Override
  public void close() {
    closed = true;
    try {
      closeThread();
    } finally {
      meters.close();
    }
  }

  private void closeThread() {
    sleepLock.lock();
    try {
      wake.signalAll();
    } finally {
      sleepLock.unlock();
    }
    try {
      thread.join(settings.publishTimeout().plusSeconds(5).toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return "OutboxRelay[" + settings.name() + ", relayed=" + relayed + "]";
  }
}
