package dev.alchemist.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.alchemist.core.Dialog;
import dev.alchemist.core.DomainEvent;
import dev.alchemist.core.DomainStats;
import dev.alchemist.core.Message;
import dev.alchemist.core.MessageRole;
import dev.alchemist.store.internal.DefaultAlchemistDatabase;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What every dialect must do, run against PostgreSQL ({@link PostgresStoreIT}) and H2 ({@link
 * H2StoreTest}). One database per class; every test works on its own dialog, user and domain so
 * tests do not see each other's rows.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class StoreContract {
  static final Instant BASE = Instant.parse("2026-01-01T00:00:00Z");

  protected AlchemistDatabase db;
  protected SimpleMeterRegistry registry;
  protected final List<String> failedWriters = new CopyOnWriteArrayList<>();
  protected final SettableClock clock = new SettableClock(BASE);

  /** A clock that stands still until a test sets it. */
  protected static final class SettableClock extends java.time.Clock {
    private volatile Instant now;

    SettableClock(Instant now) {
      this.now = now;
    }

    void set(Instant value) {
      now = value;
    }

    @Override
    public java.time.ZoneId getZone() {
      return java.time.ZoneOffset.UTC;
    }

    @Override
    public java.time.Clock withZone(java.time.ZoneId zone) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  /** A builder for the database under test, with a schema of its own. */
  protected abstract AlchemistDatabase.Builder builder();

  protected abstract Dialect expectedDialect();

  /** Drops what {@link #builder()} created. */
  protected void dropSchema() throws Exception {}

  @BeforeAll
  void open() {
    registry = new SimpleMeterRegistry();
    db =
        builder()
            .meterRegistry(registry)
            .writeChunkSize(7) // small, so that insertAll really spans several JDBC batches
            .maintenanceInterval(Duration.ofHours(1))
            .clock(clock)
            .listener(
                new StoreListener() {
                  @Override
                  public void onBatchFailed(String writer, int rows, DatabaseException cause) {
                    failedWriters.add(writer + ":" + rows + ":" + cause.getClass().getSimpleName());
                  }
                })
            .build();
  }

  @AfterAll
  void close() throws Exception {
    if (db != null) {
      db.close();
    }
    dropSchema();
  }

  static String unique(String hint) {
    return hint + "-" + UUID.randomUUID();
  }

  static String uniqueDomain() {
    return "d" + UUID.randomUUID().toString().replace("-", "").substring(0, 20);
  }

  Dialog newDialog() {
    Dialog d = new Dialog(UUID.randomUUID(), unique("user"), "title", BASE, BASE);
    db.dialogs().insert(d);
    return d;
  }

  static Message message(Dialog d, int i) {
    return message(d, i, i);
  }

  static Message message(Dialog d, long millis, int tokenCount) {
    return new Message(
        UUID.randomUUID(),
        d.id(),
        MessageRole.USER,
        "m" + tokenCount,
        BASE.plusMillis(millis),
        tokenCount);
  }

  // ---- migrations ----

  @Test
  void migrate_onStart_createsTablesAndRecordsVersion1() throws Exception {
    assertThat(db.dialect()).isEqualTo(expectedDialect());
    try (Connection c = db.dataSource().getConnection();
        ResultSet rs =
            c.createStatement()
                .executeQuery(
                    "SELECT \"version\" FROM \"alchemist_schema_history\""
                        + " WHERE \"success\" ORDER BY \"installed_rank\"")) {
      List<String> versions = new ArrayList<>();
      while (rs.next()) {
        versions.add(rs.getString(1));
      }
      assertThat(versions).contains("1");
    }
  }

  @Test
  void migrate_secondInstanceOnSameSchema_isANoOpAndSeesTheData() {
    Dialog d = newDialog();
    try (AlchemistDatabase again = secondInstance()) {
      assertThat(again.dialogs().find(d.id())).contains(d);
    }
  }

  /** Another instance on the same database and schema. */
  protected abstract AlchemistDatabase secondInstance();

  // ---- dialogs ----

  @Test
  void dialogs_insertFindTouchDelete_roundTrip() {
    Dialog d = newDialog();
    assertThat(db.dialogs().find(d.id())).contains(d);
    assertThat(db.dialogs().touch(d.id(), BASE.plusSeconds(60))).isTrue();
    assertThat(db.dialogs().touch(d.id(), BASE.plusSeconds(30))).isTrue(); // never backwards
    assertThat(db.dialogs().find(d.id()).orElseThrow().updatedAt()).isEqualTo(BASE.plusSeconds(60));
    db.messages().append(message(d, 1));
    assertThat(db.dialogs().delete(d.id())).isTrue();
    assertThat(db.dialogs().find(d.id())).isEmpty();
    assertThat(db.messages().count(d.id())).isZero(); // cascaded
    assertThat(db.dialogs().delete(d.id())).isFalse();
    assertThat(db.dialogs().touch(d.id(), BASE)).isFalse();
  }

  @Test
  void dialogs_recentForUser_newestUpdatedFirstAndLimited() {
    String user = unique("user");
    List<Dialog> dialogs = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      dialogs.add(new Dialog(UUID.randomUUID(), user, "t" + i, BASE, BASE.plusSeconds(i)));
    }
    assertThat(db.dialogs().insertAll(dialogs)).isEqualTo(5);
    assertThat(db.dialogs().recentForUser(user, 3))
        .extracting(Dialog::title)
        .containsExactly("t4", "t3", "t2");
    assertThat(db.dialogs().recentForUser(unique("nobody"), 3)).isEmpty();
  }

  @Test
  void dialogs_insertDuplicateId_throwsUniqueViolation() {
    Dialog d = newDialog();
    assertThatThrownBy(() -> db.dialogs().insert(d))
        .isInstanceOfSatisfying(
            ConstraintViolationException.class,
            e -> assertThat(e.kind()).isEqualTo(ConstraintViolationException.Kind.UNIQUE))
        .hasMessageContaining("dialogs.insert");
  }

  @Test
  void dialogs_insertAllWithDuplicateInLastChunk_insertsNothing() {
    Dialog existing = newDialog();
    String user = unique("user");
    List<Dialog> rows = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      rows.add(new Dialog(UUID.randomUUID(), user, "t", BASE, BASE));
    }
    rows.add(existing);
    assertThatThrownBy(() -> db.dialogs().insertAll(rows))
        .isInstanceOf(ConstraintViolationException.class);
    assertThat(db.dialogs().recentForUser(user, 100)).isEmpty();
  }

  // ---- messages ----

  @Test
  void messages_appendFindLastN_oldestFirst() {
    Dialog d = newDialog();
    for (int i = 0; i < 10; i++) {
      db.messages().append(message(d, i));
    }
    Message m = message(d, 99);
    db.messages().append(m);
    assertThat(db.messages().find(m.id())).contains(m);
    assertThat(db.messages().find(UUID.randomUUID())).isEmpty();
    assertThat(db.messages().lastN(d.id(), 3))
        .extracting(Message::content)
        .containsExactly("m8", "m9", "m99");
    assertThat(db.messages().lastN(d.id(), 100)).hasSize(11);
    assertThat(db.messages().count(d.id())).isEqualTo(11);
  }

  @Test
  void messages_appendForMissingDialog_throwsForeignKeyViolation() {
    Dialog ghost = new Dialog(UUID.randomUUID(), "u", "", BASE, BASE);
    assertThatThrownBy(() -> db.messages().append(message(ghost, 1)))
        .isInstanceOfSatisfying(
            ConstraintViolationException.class,
            e -> assertThat(e.kind()).isEqualTo(ConstraintViolationException.Kind.FOREIGN_KEY));
  }

  @Test
  void messages_insertAllAcrossChunks_roundTripsEveryField() {
    Dialog d = newDialog();
    List<Message> rows = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      rows.add(
          new Message(
              UUID.randomUUID(),
              d.id(),
              MessageRole.values()[i % 4],
              i % 5 == 0 ? "" : "héllo \"q\", line\nbreak " + i,
              BASE.plus(i, ChronoUnit.MICROS),
              i));
    }
    assertThat(db.messages().insertAll(rows)).isEqualTo(50);
    assertThat(db.messages().lastN(d.id(), 50)).containsExactlyElementsOf(rows);
  }

  @Test
  void messages_bulkLoad_roundTripsAwkwardContent() {
    Dialog d = newDialog();
    List<Message> rows = new ArrayList<>();
    String[] contents = {"", "plain", "comma, \"quote\"", "multi\nline\r\nend", "ünïcødé ✓", "\\N"};
    for (int i = 0; i < 3000; i++) {
      rows.add(
          new Message(
              UUID.randomUUID(),
              d.id(),
              MessageRole.ASSISTANT,
              contents[i % contents.length],
              BASE.plusMillis(i),
              i));
    }
    assertThat(db.messages().bulkLoad(rows)).isEqualTo(3000);
    assertThat(db.messages().lastN(d.id(), 3000)).containsExactlyElementsOf(rows);
  }

  @Test
  void messages_bulkLoadWithMissingDialog_loadsNothing() {
    Dialog d = newDialog();
    Dialog ghost = new Dialog(UUID.randomUUID(), "u", "", BASE, BASE);
    List<Message> rows = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      rows.add(message(i == 99 ? ghost : d, i));
    }
    assertThatThrownBy(() -> db.messages().bulkLoad(rows))
        .isInstanceOf(ConstraintViolationException.class);
    assertThat(db.messages().count(d.id())).isZero();
  }

  @Test
  void messages_olderThan_pagesBackwardsThroughEqualTimestamps() {
    Dialog d = newDialog();
    List<Message> rows = new ArrayList<>();
    for (int i = 0; i < 23; i++) {
      // groups of 4 share a timestamp, so the id tiebreak decides
      rows.add(
          new Message(
              UUID.randomUUID(), d.id(), MessageRole.USER, "m" + i, BASE.plusMillis(i / 4), 0));
    }
    db.messages().insertAll(rows);
    List<Message> all = db.messages().lastN(d.id(), 100);
    List<Message> collected = new ArrayList<>();
    MessageCursor cursor = null;
    int pages = 0;
    do {
      MessagePage page = db.messages().olderThan(d.id(), cursor, 5);
      collected.addAll(0, page.messages());
      cursor = page.next();
      pages++;
    } while (cursor != null);
    assertThat(pages).isEqualTo(5);
    assertThat(collected).containsExactlyElementsOf(all);
  }

  @Test
  void messages_newerThan_pagesForwardAndEndsWithoutCursor() {
    Dialog d = newDialog();
    List<Message> rows = IntStream.range(0, 10).mapToObj(i -> message(d, i)).toList();
    db.messages().insertAll(rows);
    MessagePage first = db.messages().newerThan(d.id(), null, 4);
    assertThat(first.messages()).containsExactlyElementsOf(rows.subList(0, 4));
    MessagePage second = db.messages().newerThan(d.id(), first.next(), 4);
    assertThat(second.messages()).containsExactlyElementsOf(rows.subList(4, 8));
    MessagePage third = db.messages().newerThan(d.id(), second.next(), 4);
    assertThat(third.messages()).containsExactlyElementsOf(rows.subList(8, 10));
    assertThat(third.nextCursor()).isEmpty();
    MessagePage exact = db.messages().newerThan(d.id(), null, 10);
    assertThat(exact.next()).isNull(); // exactly limit rows and nothing more: no empty last page
  }

  @Test
  void messages_pagesWhileRowsAreInserted_neitherSkipNorRepeat() {
    Dialog d = newDialog();
    db.messages().insertAll(IntStream.range(0, 200).mapToObj(i -> message(d, i)).toList());
    // Between every two pages, rows land both behind the reader (which would shift an OFFSET and
    // repeat a row) and ahead of it.
    Set<UUID> seen = new HashSet<>();
    List<Message> forward = new ArrayList<>();
    MessageCursor cursor = null;
    int inserted = 0;
    do {
      MessagePage page = db.messages().newerThan(d.id(), cursor, 17);
      for (Message m : page.messages()) {
        assertThat(seen.add(m.id())).as("repeated %s", m.content()).isTrue();
      }
      forward.addAll(page.messages());
      cursor = page.next();
      db.messages().append(message(d, -1 - inserted, 100_000 + inserted)); // behind the reader
      db.messages()
          .append(message(d, 150 + inserted, 200_000 + inserted)); // ahead, among originals
      inserted++;
    } while (cursor != null);
    assertThat(forward).isSortedAccordingTo(StoreContract::byKey);
    assertThat(forward.stream().map(Message::tokenCount).filter(t -> t < 200).toList())
        .containsExactlyElementsOf(IntStream.range(0, 200).boxed().toList());
    // every row inserted ahead of the reader was seen, none behind it
    assertThat(forward).noneMatch(m -> m.tokenCount() >= 100_000 && m.tokenCount() < 200_000);
    assertThat(forward.stream().filter(m -> m.tokenCount() >= 200_000).count()).isPositive();
  }

  private static int byKey(Message a, Message b) {
    return a.timestamp().compareTo(b.timestamp());
  }

  @Test
  void messages_badArguments_throwIllegalArgument() {
    UUID id = UUID.randomUUID();
    assertThatThrownBy(() -> db.messages().lastN(id, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("n must be between 1 and 10000 but was 0");
    assertThatThrownBy(() -> db.messages().olderThan(id, null, 10_001))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> db.messages().append(null))
        .isInstanceOf(IllegalArgumentException.class);
    List<Message> withNull = new ArrayList<>();
    withNull.add(null);
    assertThatThrownBy(() -> db.messages().insertAll(withNull))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("messages[0] must not be null");
    assertThatThrownBy(() -> db.events().recent("Not A Token", 1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  // ---- events and domain_stats ----

  @Test
  void events_appendFindRecentDelete_roundTrip() {
    String domain = uniqueDomain();
    Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
    DomainEvent a = new DomainEvent(UUID.randomUUID(), domain, "msg", "created", null, now, "");
    DomainEvent b =
        new DomainEvent(
            UUID.randomUUID(), domain, "msg", "created", "s1", now.plusSeconds(1), "{}");
    db.events().append(a);
    db.events().insertAll(List.of(b));
    assertThat(db.events().find(a.id())).contains(a);
    assertThat(db.events().recent(domain, 10)).containsExactly(b, a);
    assertThatThrownBy(() -> db.events().append(a))
        .isInstanceOfSatisfying(
            ConstraintViolationException.class,
            e -> assertThat(e.kind()).isEqualTo(ConstraintViolationException.Kind.UNIQUE));
    assertThat(db.events().deleteOlderThan(now.plusMillis(1))).isGreaterThanOrEqualTo(1);
    assertThat(db.events().recent(domain, 10)).containsExactly(b);
  }

  @Test
  void events_bulkLoad_keepsNullSessionApartFromEmptyPayload() {
    String domain = uniqueDomain();
    Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
    List<DomainEvent> rows = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      rows.add(
          new DomainEvent(
              UUID.randomUUID(),
              domain,
              "e",
              "t",
              i % 2 == 0 ? null : "s" + i,
              now.plusMillis(i),
              i % 3 == 0 ? "" : "{\"i\":" + i + "}"));
    }
    assertThat(db.events().bulkLoad(rows)).isEqualTo(10);
    List<DomainEvent> back = new ArrayList<>(db.events().recent(domain, 10));
    java.util.Collections.reverse(back);
    assertThat(back).containsExactlyElementsOf(rows);
  }

  @Test
  void domainStats_isCurrentAfterEachWrite_countsTheLastHourPerDomain() {
    String busy = uniqueDomain();
    String quiet = uniqueDomain();
    Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
    Instant before = db.domainStats().refreshedAt();
    db.events()
        .insertAll(
            List.of(
                DomainEvent.of(busy, "e", "t", "s1", now.minusSeconds(30), ""),
                DomainEvent.of(busy, "e", "t", "s1", now.minusSeconds(20), ""),
                DomainEvent.of(busy, "e", "t", null, now.minusSeconds(10), ""),
                DomainEvent.of(busy, "e", "t", "s2", now.minus(Duration.ofHours(2)), ""),
                DomainEvent.of(quiet, "e", "t", null, now.minus(Duration.ofHours(2)), "")));

    // no refresh: the rollups were written with the events
    assertThat(db.domainStats().forDomain(busy))
        .contains(new DomainStats(busy, 3, now.minusSeconds(10), 1));
    assertThat(db.domainStats().forDomain(quiet)).isEmpty();
    assertThat(db.domainStats().all()).extracting(DomainStats::domain).contains(busy);
    assertThat(db.domainStats().refreshedAt()).isAfterOrEqualTo(before);

    db.events().append(DomainEvent.of(busy, "e", "t", "s3", now.minusSeconds(5), ""));
    assertThat(db.domainStats().forDomain(busy))
        .contains(new DomainStats(busy, 4, now.minusSeconds(5), 2));
  }

  @Test
  void maintenance_refreshNowRuns_andTheScheduledPathSkipsRightAfter() {
    assertThat(db.domainStats().refreshNow()).isEqualTo(RefreshOutcome.REFRESHED);
    // the interval is an hour and this instance just ran it
    assertThat(((DefaultAlchemistDatabase) db).domainStatsStore().refreshIfDue())
        .isEqualTo(RefreshOutcome.FRESH_ENOUGH);
    assertThat(registry.get("alchemist.store.maintenance").timer().count())
        .isGreaterThanOrEqualTo(1);
  }

  @Test
  void maintenance_age_isDatabaseAgePlusLocalTimeSinceTheLastLook() {
    clock.set(Instant.parse("2026-06-01T12:00:00Z"));
    assertThat(db.domainStats().refreshNow()).isEqualTo(RefreshOutcome.REFRESHED);
    double justRan = staleness();
    assertThat(justRan)
        .as("age right after a run, in seconds")
        .isBetween(0.0, 3600.0); // fresher than the hourly interval, and a number, not NaN

    clock.set(Instant.parse("2026-06-01T12:01:30Z"));

    assertThat(staleness()).isEqualTo(justRan + 90.0);
  }

  private double staleness() {
    return registry.get("alchemist.store.maintenance.age").gauge().value();
  }

  // ---- batching writer on the real database ----

  @Test
  void writer_close_flushesEverythingPending() {
    Dialog d = newDialog();
    BatchingWriter<Message> writer =
        db.messageWriter(
            BatchSettings.builder().maxBatchSize(1000).maxDelay(Duration.ofHours(1)).build());
    List<CompletableFuture<Void>> futures = new ArrayList<>();
    for (int i = 0; i < 120; i++) {
      futures.add(writer.submit(message(d, i)));
    }
    writer.close();
    assertThat(futures).allMatch(f -> f.isDone() && !f.isCompletedExceptionally());
    assertThat(db.messages().count(d.id())).isEqualTo(120);
    assertThatThrownBy(() -> writer.submit(message(d, 1000)))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void dialogWriter_insertsABurstInBatches_andEachFutureMeansItsRowIsThere() {
    List<Dialog> opened = new ArrayList<>();
    List<CompletableFuture<Void>> futures = new ArrayList<>();
    try (BatchingWriter<Dialog> writer =
        db.dialogWriter(
            BatchSettings.builder().maxBatchSize(50).maxDelay(Duration.ofMillis(5)).build())) {
      for (int i = 0; i < 120; i++) {
        Dialog d = new Dialog(UUID.randomUUID(), "burst-user", "chat " + i, BASE, BASE);
        opened.add(d);
        futures.add(writer.submit(d));
      }
      for (int i = 0; i < opened.size(); i++) {
        futures.get(i).join();
        assertThat(db.dialogs().find(opened.get(i).id())).isPresent();
      }
    }
    // A message for a dialog whose future completed refers to a row that exists.
    db.messages().append(message(opened.get(119), 0));
    assertThat(db.messages().count(opened.get(119).id())).isEqualTo(1);
  }

  @Test
  void writer_concurrency4_writesEveryRowOfEveryDialog() {
    List<Dialog> dialogs = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      dialogs.add(newDialog());
    }
    BatchingWriter<Message> writer =
        db.messageWriter(
            BatchSettings.builder()
                .maxBatchSize(5)
                .maxDelay(Duration.ofMillis(2))
                .concurrency(4)
                .build());
    List<CompletableFuture<Void>> futures = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      for (Dialog d : dialogs) {
        futures.add(writer.submit(message(d, i)));
      }
    }
    CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).join();
    writer.close();
    for (Dialog d : dialogs) {
      assertThat(db.messages().count(d.id())).isEqualTo(40);
    }
  }

  @Test
  void writer_batchFails_failsItsFuturesAndTellsTheListener() throws Exception {
    Dialog d = newDialog();
    Dialog ghost = new Dialog(UUID.randomUUID(), "u", "", BASE, BASE);
    try (BatchingWriter<Message> writer =
        db.messageWriter(
            BatchSettings.builder().maxBatchSize(2).maxDelay(Duration.ofHours(1)).build())) {
      CompletableFuture<Void> ok1 = writer.submit(message(d, 1));
      CompletableFuture<Void> ok2 = writer.submit(message(d, 2));
      CompletableFuture.allOf(ok1, ok2).get(30, TimeUnit.SECONDS);
      // Batches are cut by size only (the delay is an hour), so these two are one batch.
      CompletableFuture<Void> bad = writer.submit(message(ghost, 3));
      CompletableFuture<Void> sameBatch = writer.submit(message(d, 4));
      assertThatThrownBy(() -> bad.get(30, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .hasCauseInstanceOf(ConstraintViolationException.class);
      assertThatThrownBy(() -> sameBatch.get(30, TimeUnit.SECONDS))
          .hasCauseInstanceOf(ConstraintViolationException.class);
      // counted before the futures fail; read while the writer is open (close removes it)
      assertThat(
              registry
                  .get("alchemist.store.writer.rows")
                  .tag("writer", "messages")
                  .tag("outcome", "failed")
                  .counter()
                  .count())
          .isGreaterThanOrEqualTo(2);
    }
    assertThat(db.messages().count(d.id())).isEqualTo(2);
    assertThat(failedWriters).contains("messages:2:ConstraintViolationException");
  }

  @Test
  void repositories_afterClose_throwIllegalStateDatabaseIsClosed() {
    AlchemistDatabase closed =
        builder()
            .meterRegistry(new SimpleMeterRegistry())
            .maintenanceInterval(Duration.ZERO)
            .build();
    closed.close();

    UUID id = UUID.randomUUID();
    for (org.junit.jupiter.api.function.Executable call :
        List.<org.junit.jupiter.api.function.Executable>of(
            () -> closed.dialogs().find(id),
            () -> closed.dialogs().insert(new Dialog(id, "u", "", BASE, BASE)),
            () -> closed.messages().lastN(id, 10),
            () -> closed.messages().insertAll(List.of(message(newDialog(), 1))),
            () -> closed.events().recent("d", 10),
            () -> closed.domainStats().all(),
            () -> closed.messageWriter(BatchSettings.builder().build()))) {
      assertThatThrownBy(call::execute)
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("database is closed");
    }
  }
}
