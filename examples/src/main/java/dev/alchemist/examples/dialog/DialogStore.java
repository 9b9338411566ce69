package dev.alchemist.examples.dialog;

import dev.alchemist.core.Dialog;
import dev.alchemist.core.Message;
import dev.alchemist.store.AlchemistDatabase;
import dev.alchemist.store.BatchSettings;
import dev.alchemist.store.BatchingWriter;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Persistence of the dialog service: the database (embedded H2, or the JDBC URL of {@link
 * DialogOptions}), one batching writer for messages and one for new dialogs. A thousand users
 * arriving at once cost a few transactions, not a thousand, and no thread waits for them: a row's
 * future completes when its batch has committed.
 *
 * <p>Thread-safe. {@link #close()} flushes and closes both writers, then the database.
 */
final class DialogStore implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DialogStore.class);

  private final Parts parts = new Parts();
  private final AlchemistDatabase db;
  private final BatchingWriter<Message> messages;
  private final BatchingWriter<Dialog> dialogs;

  DialogStore(DialogOptions options, MeterRegistry registry) {
    try {
      db = parts.add(database(options, registry));
      messages =
          parts.add(
              db.messageWriter(
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
                      .build()));
      dialogs =
          parts.add(
              db.dialogWriter(
                  BatchSettings.builder()
                      .maxBatchSize(500)
                      .maxDelay(Duration.ofMillis(10))
                      .build()));
    } catch (RuntimeException e) {
      parts.close();
      throw e;
    }
  }

  /** Writes {@code dialog}'s row; completes once it is committed. */
  CompletableFuture<Void> open(Dialog dialog) {
    return dialogs.submit(dialog);
  }

  /** Writes {@code message}; completes once it is committed. */
  CompletableFuture<Void> persist(Message message) {
    return messages.submit(message);
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

  /** Completes when every message submitted so far is written (or has failed). */
  CompletableFuture<Void> flush() {
    return messages.flush();
  }

  /**
   * Drops {@code schema} with everything in it, after the message writer's last batch; for a
   * prefixed run on a shared server. A failure is logged, not thrown.
   */
  void dropSchema(String schema) {
    messages.close();
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
    parts.close();
  }

  private static AlchemistDatabase database(DialogOptions o, MeterRegistry registry) {
    AlchemistDatabase.Builder b =
        AlchemistDatabase.builder()
            .meterRegistry(registry)
            // The demo reads no domain_stats; the maintenance runs once at start, no schedule
            // needed.
            .maintenanceInterval(Duration.ZERO);
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
