package dev.alchemist.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.alchemist.core.Dialog;
import dev.alchemist.core.Message;
import dev.alchemist.core.MessageRole;
import dev.alchemist.testing.PostgresAddress;
import dev.alchemist.testing.PrivatePostgres;
import dev.alchemist.testing.TestServices;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The store when the database restarts, refuses a login or rejects a batch: queries recover, and
 * neither a password nor a user's data reaches a message, a cause, a log line or a toString().
 */
class PostgresFailuresIT {
  private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.MILLIS);

  /** Every message, cause, suppressed and next exception, with stack traces and toString(). */
  static String everything(Throwable failure) {
    StringWriter out = new StringWriter();
    PrintWriter writer = new PrintWriter(out);
    failure.printStackTrace(writer);
    List<Throwable> seen = new ArrayList<>();
    collect(failure, seen);
    for (Throwable t : seen) {
      writer.println(t);
      if (t instanceof SQLException sql && sql.getNextException() != null) {
        writer.println(everything(sql.getNextException()));
      }
    }
    writer.flush();
    return out.toString();
  }

  private static void collect(Throwable t, List<Throwable> seen) {
    if (t == null || seen.contains(t)) {
      return;
    }
    seen.add(t);
    collect(t.getCause(), seen);
    for (Throwable s : t.getSuppressed()) {
      collect(s, seen);
    }
  }

  private static AlchemistDatabase.Builder privateBuilder(String url) {
    return AlchemistDatabase.builder()
        .jdbcUrl(url)
        .pool(
            PoolSettings.builder()
                .maxConnections(2)
                .connectionTimeout(Duration.ofSeconds(2))
                .build())
        .maintenanceInterval(Duration.ZERO)
        .meterRegistry(new SimpleMeterRegistry());
  }

  // --- restarts ------------------------------------------------------------------------------

  @Test
  void read_firstQueryAfterImmediateRestart_succeeds() {
    try (PrivatePostgres pg = PrivatePostgres.start();
        AlchemistDatabase db = privateBuilder(pg.jdbcUrl()).user(pg.user()).build()) {
      Dialog dialog = Dialog.open("u1", "restart", NOW);
      db.dialogs().insert(dialog);
      for (int round = 0; round < 3; round++) {
        assertThat(db.dialogs().find(dialog.id())).as("round %d before", round).isPresent();
        pg.stopImmediately();
        pg.startAgain();
        assertThat(db.dialogs().find(dialog.id())).as("round %d after", round).contains(dialog);
        assertThat(db.messages().count(dialog.id())).isZero();
      }
    }
  }

  @Test
  void write_firstWriteAfterImmediateRestart_failsOnceUnavailableAndIsNotRepeated() {
    try (PrivatePostgres pg = PrivatePostgres.start();
        AlchemistDatabase db = privateBuilder(pg.jdbcUrl()).user(pg.user()).build()) {
      Dialog first = Dialog.open("u1", "first", NOW);
      db.dialogs().insert(first);
      pg.stopImmediately();
      pg.startAgain();

      Dialog second = Dialog.open("u1", "second", NOW);
      Throwable failure = catchThrowable(() -> db.dialogs().insert(second));
      if (failure != null) {
        // A write on a connection that died is never re-run by the store: it may have been
        // applied before the connection broke. It says so with the type a caller retries on.
        assertThat(failure).isInstanceOf(DatabaseUnavailableException.class);
        db.dialogs().insert(second); // the pool dropped its dead connections: this one works
      }
      assertThat(db.dialogs().find(second.id())).contains(second);
    }
  }

  // --- passwords -----------------------------------------------------------------------------

  private static final String SECRET = "Hunter2-" + UUID.randomUUID().toString().substring(0, 8);

  private static void assertNoSecret(Throwable failure, CapturedLogs logs, String secret) {
    assertThat(failure).isInstanceOf(DatabaseUnavailableException.class);
    assertThat(failure.getMessage()).doesNotContain(secret);
    assertThat(failure.toString()).doesNotContain(secret);
    assertThat(everything(failure)).doesNotContain(secret);
    assertThat(logs.text()).doesNotContain(secret);
  }

  @Test
  void build_wrongPasswordInUrl_passwordNowhere() {
    try (PrivatePostgres pg = PrivatePostgres.withPassword("alice", "right-" + SECRET)) {
      String host = "127.0.0.1:" + pg.port() + "/postgres";
      for (String url :
          List.of(
              "jdbc:postgresql://alice:" + SECRET + "@" + host,
              "jdbc:postgresql://" + host + "?user=alice&password=" + SECRET,
              "jdbc:postgresql://" + host + "?password=" + SECRET + "&user=alice")) {
        try (CapturedLogs logs = new CapturedLogs()) {
          Throwable failure = catchThrowable(() -> privateBuilder(url).build());
          assertNoSecret(failure, logs, SECRET);
          assertThat(((DatabaseUnavailableException) failure).sqlState())
              .as("the server refused the password, url %s", failure.getMessage())
              .isEqualTo("28P01");
        }
      }
    }
  }

  @Test
  void build_passwordInUrlWhileServerDown_passwordNowhere() {
    try (PrivatePostgres pg = PrivatePostgres.withPassword("alice", SECRET)) {
      pg.stopImmediately();
      String url = "jdbc:postgresql://alice:" + SECRET + "@127.0.0.1:" + pg.port() + "/postgres";
      try (CapturedLogs logs = new CapturedLogs()) {
        assertNoSecret(catchThrowable(() -> privateBuilder(url).build()), logs, SECRET);
      }
    }
  }

  @Test
  void build_rightPasswordInUserInfo_connectsAndShowsNoPassword() {
    try (PrivatePostgres pg = PrivatePostgres.withPassword("alice", SECRET);
        CapturedLogs logs = new CapturedLogs()) {
      String url = "jdbc:postgresql://alice:" + SECRET + "@127.0.0.1:" + pg.port() + "/postgres";
      try (AlchemistDatabase db = privateBuilder(url).build()) {
        Dialog dialog = Dialog.open("u1", "scram", NOW);
        db.dialogs().insert(dialog);
        assertThat(db.dialogs().find(dialog.id())).contains(dialog);
        assertThat(db.toString()).doesNotContain(SECRET);
        pg.stopImmediately();
        Throwable down = catchThrowable(() -> db.dialogs().find(dialog.id()));
        assertNoSecret(down, logs, SECRET);
      }
      assertThat(logs.text()).doesNotContain(SECRET);
    }
  }

  // --- user data -----------------------------------------------------------------------------

  @Test
  void insertAll_constraintViolation_namesIdsAndCountButNoContent() throws Exception {
    PostgresAddress pg = TestServices.postgres();
    String schema = TestServices.uniquePrefix("store_fail_it");
    String marker = "private-words-" + UUID.randomUUID();
    List<DatabaseException> heard = new CopyOnWriteArrayList<>();
    try (CapturedLogs logs = new CapturedLogs();
        AlchemistDatabase db =
            PgSchemas.builder(pg, schema)
                .meterRegistry(new SimpleMeterRegistry())
                .maintenanceInterval(Duration.ZERO)
                .listener(
                    new StoreListener() {
                      @Override
                      public void onBatchFailed(String writer, int rows, DatabaseException cause) {
                        heard.add(cause);
                      }
                    })
                .build()) {
      Dialog dialog = Dialog.open("u1", "private", NOW);
      db.dialogs().insert(dialog);
      Message taken = Message.of(dialog.id(), MessageRole.USER, marker + " first", NOW, 1);
      db.messages().append(taken);
      List<Message> batch = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        batch.add(Message.of(dialog.id(), MessageRole.USER, marker + " " + i, NOW, 1));
      }
      batch.add(new Message(taken.id(), dialog.id(), MessageRole.USER, marker + " again", NOW, 1));

      ConstraintViolationException direct =
          catchThrowableOfType(
              ConstraintViolationException.class, () -> db.messages().insertAll(batch));
      assertThat(direct).isNotNull();
      assertThat(direct.kind()).isEqualTo(ConstraintViolationException.Kind.UNIQUE);
      assertThat(direct.getMessage())
          .startsWith("messages.insertAll of 5 rows (ids " + batch.get(0).id() + ", ")
          .contains(" and 2 more) violated a constraint: ")
          .contains("messages_pkey");

      try (BatchingWriter<Message> writer =
          db.messageWriter(
              BatchSettings.builder().maxBatchSize(5).maxDelay(Duration.ofHours(1)).build())) {
        List<CompletableFuture<Void>> done = new ArrayList<>();
        batch.forEach(m -> done.add(writer.submit(m)));
        Throwable written = catchThrowable(() -> done.get(0).get(30, TimeUnit.SECONDS)).getCause();
        assertThat(written).isInstanceOf(ConstraintViolationException.class);
        assertThat(written.getMessage()).contains("5 rows").contains(batch.get(0).id().toString());
        assertThat(everything(written)).doesNotContain(marker);
      }

      assertThat(everything(direct)).doesNotContain(marker);
      assertThat(heard).hasSize(1);
      assertThat(everything(heard.get(0))).doesNotContain(marker);
      assertThat(logs.text()).contains("failed to write a batch of 5 rows").doesNotContain(marker);
    } finally {
      PgSchemas.drop(pg, schema);
    }
  }
}
