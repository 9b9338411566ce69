package dev.alchemist.store.internal;

import dev.alchemist.core.Checks;
import dev.alchemist.core.DomainEvent;
import dev.alchemist.core.internal.DaemonThreads;
import dev.alchemist.store.AlchemistDatabase;
import dev.alchemist.store.Dialect;
import dev.alchemist.store.OutboxPublisher;
import dev.alchemist.store.OutboxRelay;
import dev.alchemist.store.OutboxRelaySettings;
import dev.alchemist.store.internal.JdbiOutbox.Row;
import java.time.Duration;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link OutboxRelay}: one daemon thread running rounds (see the interface for what a round
 * guarantees). Rounds of the relays of one database object never overlap (they share the outbox's
 * {@code relayRounds} lock, {@link #drain} included); relays of other processes are kept apart by
 * the advisory lock on PostgreSQL.
 */
public final class DefaultOutboxRelay implements OutboxRelay {
  private static final Logger LOG = LoggerFactory.getLogger("dev.alchemist.store");

  /** What one round did. */
  private record Outcome(boolean leader, int relayed, int failed) {
    static final Outcome NOT_LEADER = new Outcome(false, 0, 0);
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
  private volatile boolean closed;
  private boolean failing;

  private DefaultOutboxRelay(
      Sql sql,
      JdbiOutbox outbox,
      String schema,
      OutboxPublisher publisher,
      OutboxRelaySettings settings) {
    this.sql = sql;
    this.outbox = outbox;
    this.roundLock = outbox.relayRounds;
    this.publisher = publisher;
    this.settings = settings;
    // One relay per schema at a time: the stores of two schemas in one database relay apart.
    this.relayLockKey = ("alchemist.outbox.relay:" + schema).hashCode();
    this.thread = DaemonThreads.named("alchemist-outbox-" + settings.name()).newThread(this::run);
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
            settings);
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
    try {
      Outcome o = sql.inTransaction("outbox.relay", this::round);
      relayed.addAndGet(o.relayed());
      if (o.failed() > 0) {
        failed(o.failed() + " of " + (o.failed() + o.relayed()) + " events not acknowledged", null);
      } else {
        failing = false;
      }
      return o;
    } catch (RuntimeException e) {
      failed("the round failed", e);
      return null;
    } finally {
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
      return new Outcome(true, 0, 0);
    }
    List<CompletableFuture<?>> acks = new ArrayList<>(rows.size());
    for (Row row : rows) {
      acks.add(publish(row.event()));
    }
    awaitAll(acks);
    List<Long> done = new ArrayList<>(rows.size());
    for (int i = 0; i < rows.size(); i++) {
      CompletableFuture<?> ack = acks.get(i);
      if (ack.isDone() && !ack.isCompletedExceptionally()) {
        done.add(rows.get(i).seq());
      }
    }
    JdbiOutbox.delete(h, done, sql.chunkSize);
    return new Outcome(true, done.size(), rows.size() - done.size());
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
