package dev.alchemist.examples.dialog;

import dev.alchemist.core.Dialog;
import dev.alchemist.core.DomainEvent;
import dev.alchemist.core.DomainStats;
import dev.alchemist.core.Message;
import dev.alchemist.store.AlchemistDatabase;
import dev.alchemist.store.BatchSettings;
import dev.alchemist.store.BatchingWriter;
import dev.alchemist.store.EventProjection;
import dev.alchemist.store.OutboxPublisher;
import dev.alchemist.store.OutboxRelay;
import dev.alchemist.store.OutboxRelaySettings;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Persistence of the dialog service: the database (embedded H2, or the JDBC URL of {@link
 * DialogOptions}), one batching writer for messages and one for new dialogs, and the outbox relay.
 * A change and the events it causes commit together: each writer's batch is one transaction that
 * inserts its rows and adds their events to the transactional outbox ({@link
 * AlchemistDatabase#transactionWriter}, {@code Outbox.addAll}); the {@link OutboxRelay} then
 * publishes the committed events to the bus. A crash between commit and publish loses no event, and
 * an event never goes out for a message that did not commit. A thousand users arriving at once cost
 * a few transactions, not a thousand, and no thread waits for them: a row's future completes when
 * its batch has committed.
 *
 * <p>Thread-safe. {@link #close()} flushes and closes both writers, relays what they committed,
 * stops the relay, then closes the database.
 */
final class DialogStore implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DialogStore.class);
  private static final Duration RELAY_DRAIN = Duration.ofSeconds(30);

  /** A row of a transactional writer and the events its commit publishes. */
  private record Change<T>(T row, List<DomainEvent> events) {}

  private final Parts parts = new Parts();
  private final AlchemistDatabase db;
  private final BatchingWriter<DomainEvent> projected;
  private final BatchingWriter<Change<Message>> messages;
  private final BatchingWriter<Change<Dialog>> dialogs;
  private final OutboxRelay relay;
  private final DialogCounters counters;
  private boolean relayStopped;

  /**
   * @param publisher where the relay sends committed events (the in-process bus or JetStream)
   * @param scheduler where the writers drain, or null for the database's own
   */
  DialogStore(
      DialogOptions options,
      MeterRegistry registry,
      DialogCounters counters,
      OutboxPublisher publisher,
      @Nullable ScheduledExecutorService scheduler) {
    this.counters = counters;
    try {
      db = parts.add(database(options, registry, scheduler));
      // The in-process bus's projection: received events into events and the domain_stats
      // rollups, batched. Closed after the writers and the relay, so it takes their last events.
      projected =
          parts.add(
              db.eventWriter(
                  BatchSettings.builder()
                      .maxBatchSize(1000)
                      .maxDelay(Duration.ofMillis(50))
                      .maxPending(100_000)
                      .build()));
      messages =
          parts.add(
              db.transactionWriter(
                  "messages",
                  BatchSettings.builder()
                      .maxBatchSize(500)
                      // A short delay: the user waits for the commit inside dialog.post.
                      .maxDelay(Duration.ofMillis(10))
                      .maxPending(100_000)
                      // --writer-lanes (default 1) batches commit at once, each dialog's messages
                      // in one lane. On two cores shared with the servers, one lane's larger
                      // batches won on a quiet machine; four won while other builds ran
                      // (docs/store.md).
                      .concurrency(options.writerLanes())
                      .build(),
                  (Change<Message> c) -> c.row().dialogId().hashCode(),
                  (tx, batch) -> {
                    tx.messages().insertAll(rows(batch));
                    tx.outbox().addAll(events(batch));
                  }));
      dialogs =
          parts.add(
              db.transactionWriter(
                  "dialogs",
                  BatchSettings.builder().maxBatchSize(500).maxDelay(Duration.ofMillis(10)).build(),
                  (Change<Dialog> c) -> c.row().id().hashCode(),
                  (tx, batch) -> {
                    tx.dialogs().insertAll(rows(batch));
                    tx.outbox().addAll(events(batch));
                  }));
      // Closed before the writers (reverse order), so close() relays their last batches first.
      relay =
          parts.add(
              OutboxRelay.start(
                  db,
                  publisher,
                  OutboxRelaySettings.builder()
                      .name("dialog")
                      .batchSize(1000)
                      .pollInterval(Duration.ofMillis(50))
                      .build()));
    } catch (RuntimeException e) {
      parts.close();
      throw e;
    }
  }

  /** Writes {@code dialog}'s row and adds {@code events} to the outbox; completes on commit. */
  CompletableFuture<Void> open(Dialog dialog, DomainEvent... events) {
    return committed(dialogs.submit(new Change<>(dialog, List.of(events))), events.length);
  }

  /**
   * Writes {@code message} and adds {@code events} to the outbox in the same transaction; completes
   * once it is committed. Fails at once with {@code WriterOverloadedException} when the writer's
   * queue is full.
   */
  CompletableFuture<Void> persist(Message message, DomainEvent... events) {
    return committed(messages.submit(new Change<>(message, List.of(events))), events.length);
  }

  /**
   * Stores a received event into {@code events} and the {@code domain_stats} rollups, batched (the
   * in-process bus's projection; it delivers each event once). A failure is counted as an error.
   */
  void project(DomainEvent event) {
    projected
        .submit(event)
        .whenComplete(
            (v, e) -> {
              if (e != null) {
                counters.errors.increment();
              }
            });
  }

  /** Stores a JetStream projection's batch idempotently, with its rollups, in one transaction. */
  EventProjection projection() {
    return db.eventProjection();
  }

  /** {@code domain_stats} now: read from the rollups, cheap at any event rate. */
  List<DomainStats> domainStats() {
    return db.domainStats().all();
  }

  /** Commits what the in-process projection holds. */
  CompletableFuture<Void> flushProjection() {
    return projected.flush();
  }

  /** Counts the events of a committed change as published: the relay now owes them to the bus. */
  private CompletableFuture<Void> committed(CompletableFuture<Void> commit, int events) {
    return commit.whenComplete(
        (v, e) -> {
          if (e == null) {
            counters.eventsPublished.add(events);
          }
        });
  }

  private static <T> List<T> rows(List<Change<T>> batch) {
    List<T> rows = new ArrayList<>(batch.size());
    for (Change<T> c : batch) {
      rows.add(c.row());
    }
    return rows;
  }

  private static <T> List<DomainEvent> events(List<Change<T>> batch) {
    List<DomainEvent> events = new ArrayList<>(batch.size() * 2);
    for (Change<T> c : batch) {
      events.addAll(c.events());
    }
    return events;
  }

  /** The last {@code n} messages of {@code dialog}, oldest first. Blocks on the database. */
  List<Message> lastN(UUID dialog, int n) {
    return db.messages().lastN(dialog, n);
  }

  /** Counts the messages the store holds for {@code of} (one count query each). */
  long messagesIn(List<Dialog> of) {
    long n = 0;
    for (Dialog d : of) {
      n += db.messages().count(d.id());
    }
    return n;
  }

  /** Completes when every message and dialog submitted so far is written (or has failed). */
  CompletableFuture<Void> flush() {
    return CompletableFuture.allOf(messages.flush(), dialogs.flush());
  }

  /** Events committed and not yet relayed. A count over the outbox table: not for a hot path. */
  long outboxSize() {
    return db.outbox().size();
  }

  /**
   * Drops {@code schema} with everything in it, after the message writer's last batch; for a
   * prefixed run on a shared server. A failure is logged, not thrown.
   */
  void dropSchema(String schema) {
    flushAndRelay();
    try (Connection c = db.dataSource().getConnection();
        Statement s = c.createStatement()) {
      // The prefix matched [a-z][a-z0-9_]* in DialogOptions.parse, so it is a safe identifier.
      s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    } catch (Exception e) {
      log.warn("could not drop schema {}: {}", schema, e.toString());
    }
  }

  @Override
  public void close() {
    try {
      flushAndRelay();
    } finally {
      parts.close();
    }
  }

  /** Once: closes both writers (each writes what it holds), relays the outbox, stops the relay. */
  private synchronized void flushAndRelay() {
    if (relayStopped) {
      return;
    }
    relayStopped = true;
    try {
      messages.close();
      dialogs.close();
      if (!relay.drain(RELAY_DRAIN)) {
        log.warn("outbox not empty after {}: the next start on it relays the rest", RELAY_DRAIN);
      }
    } catch (RuntimeException e) {
      log.warn("could not flush the store: {}", e.toString());
    } finally {
      relay.close();
    }
  }

  private static AlchemistDatabase database(
      DialogOptions o, MeterRegistry registry, @Nullable ScheduledExecutorService scheduler) {
    AlchemistDatabase.Builder b =
        AlchemistDatabase.builder()
            .meterRegistry(registry)
            // The maintenance (partitions ahead, retention, pruning of rollups) runs once at
            // start: enough for a demo's lifetime.
            .maintenanceInterval(Duration.ZERO);
    if (scheduler != null) {
      b.scheduler(scheduler);
    }
    String jdbc = o.jdbc();
    if (jdbc == null) {
      return b.embedded().build();
    }
    b.jdbcUrl(jdbc);
    if (o.jdbcUser() != null) {
      b.user(o.jdbcUser());
    }
    String password = System.getenv(o.jdbcPasswordEnv());
    if (password != null && !password.isEmpty()) {
      b.password(password);
    }
    if (o.prefix() != null) {
      b.schema(o.prefix());
    }
    return b.build();
  }
}
