package dev.alchemist.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.alchemist.core.Dialog;
import dev.alchemist.core.DomainEvent;
import dev.alchemist.core.Message;
import dev.alchemist.core.MessageRole;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@link AlchemistDatabase#transactionWriter} with {@link Outbox#addAll}: many callers' messages
 * and their events in one transaction per batch, run against H2 ({@link H2TransactionWriterTest})
 * and PostgreSQL ({@link PostgresTransactionWriterIT}). Each test leaves the outbox empty.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class TransactionWriterContract {
  private static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");

  /** A message and the events its commit publishes. */
  record Posted(Message message, List<DomainEvent> events) {}

  /** Writes the batch's messages, then their events to the outbox. */
  static final BiConsumer<Transaction, List<Posted>> WORK =
      (tx, batch) -> {
        tx.messages().insertAll(batch.stream().map(Posted::message).toList());
        tx.outbox().addAll(batch.stream().flatMap(p -> p.events().stream()).toList());
      };

  protected AlchemistDatabase db;

  protected abstract AlchemistDatabase.Builder builder();

  protected void dropSchema() throws Exception {}

  @BeforeAll
  void open() {
    db = builder().meterRegistry(new SimpleMeterRegistry()).build();
  }

  @AfterEach
  void emptyOutbox() {
    try (OutboxRelay relay =
        OutboxRelay.start(
            db, e -> CompletableFuture.completedFuture(null), OutboxRelaySettings.defaults())) {
      assertThat(relay.drain(Duration.ofSeconds(30))).isTrue();
    }
  }

  @AfterAll
  void close() throws Exception {
    db.close();
    dropSchema();
  }

  static BatchSettings settings(int concurrency) {
    return BatchSettings.builder()
        .maxBatchSize(50)
        .maxDelay(Duration.ofMillis(5))
        .concurrency(concurrency)
        .build();
  }

  Dialog dialog(String user) {
    Dialog d = Dialog.open(user, "chat of " + user, NOW);
    db.dialogs().insert(d);
    return d;
  }

  static Posted posted(Dialog d, int i) {
    Message m = Message.of(d.id(), MessageRole.USER, "text " + i, NOW.plusMillis(i), 2);
    return new Posted(
        m,
        List.of(
            DomainEvent.of("dialog", "message", "created", d.userId(), NOW, "{\"i\":" + i + "}"),
            DomainEvent.of("dialog", "reply", "completed", d.userId(), NOW, "{}")));
  }

  @Test
  void transactionWriter_manyCallersMessagesAndEvents_commitTogether() {
    List<Dialog> dialogs = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      dialogs.add(dialog("tw-user-" + i));
    }
    BatchingWriter<Posted> writer =
        db.transactionWriter(
            "tw-ok", settings(2), (Posted p) -> p.message().dialogId().hashCode(), WORK);
    List<CompletableFuture<Void>> done = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      done.add(writer.submit(posted(dialogs.get(i % dialogs.size()), i)));
    }
    writer.close();

    assertThat(done).allMatch(f -> f.isDone() && !f.isCompletedExceptionally());
    long messages = dialogs.stream().mapToLong(d -> db.messages().count(d.id())).sum();
    assertThat(messages).isEqualTo(400);
    assertThat(db.outbox().size()).isEqualTo(800);
    // A dialog's messages keep their order through the lanes.
    for (Dialog d : dialogs) {
      List<Message> last = db.messages().lastN(d.id(), 100);
      assertThat(last).extracting(Message::timestamp).isSorted();
    }
  }

  @Test
  void transactionWriter_eventIdAlreadyInOutbox_batchRollsBackMessagesToo() {
    Dialog d = dialog("tw-rollback");
    Posted first = posted(d, 1);
    db.outbox().add(first.events().get(0)); // its id is taken: the batch's addAll must fail
    // No timer before close(): both rows go out in the one batch that close() writes.
    BatchSettings oneBatch =
        BatchSettings.builder().maxBatchSize(50).maxDelay(Duration.ofMinutes(5)).build();
    BatchingWriter<Posted> writer =
        db.transactionWriter("tw-fail", oneBatch, (Posted p) -> 0, WORK);
    CompletableFuture<Void> a = writer.submit(first);
    CompletableFuture<Void> b = writer.submit(posted(d, 2));
    writer.close();

    assertThatThrownBy(a::join)
        .isInstanceOf(CompletionException.class)
        .hasCauseInstanceOf(ConstraintViolationException.class);
    assertThatThrownBy(b::join).hasCauseInstanceOf(ConstraintViolationException.class);
    assertThat(db.messages().count(d.id())).as("messages rolled back with the events").isZero();
    assertThat(db.outbox().size()).as("only the row added before").isEqualTo(1);
  }

  @Test
  void addAll_emptyBatch_addsNothing() {
    db.outbox().addAll(List.of());
    assertThat(db.outbox().size()).isZero();
  }

  @Test
  void addAll_nullOrNullElement_refusedAndNothingAdded() {
    Dialog d = dialog("tw-null");
    List<DomainEvent> withNull = new ArrayList<>(posted(d, 1).events());
    withNull.add(null);
    assertThatThrownBy(() -> db.outbox().addAll(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("events");
    assertThatThrownBy(() -> db.outbox().addAll(withNull))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("events[2]");
    assertThat(db.outbox().size()).isZero();
  }

  @Test
  void addAll_outsideTransaction_commitsInOrder() {
    Dialog d = dialog("tw-order");
    List<DomainEvent> events = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      events.addAll(posted(d, i).events());
    }
    db.outbox().addAll(events);
    List<DomainEvent> relayed = new java.util.concurrent.CopyOnWriteArrayList<>();
    try (OutboxRelay relay =
        OutboxRelay.start(
            db,
            e -> {
              relayed.add(e);
              return CompletableFuture.completedFuture(null);
            },
            OutboxRelaySettings.defaults())) {
      assertThat(relay.drain(Duration.ofSeconds(30))).isTrue();
    }
    assertThat(relayed)
        .extracting(DomainEvent::id)
        .containsExactlyElementsOf(events.stream().map(DomainEvent::id).toList());
  }

  @Test
  void transactionWriter_badArguments_refusedWithTheirNames() {
    BatchSettings s = settings(1);
    assertThatThrownBy(() -> db.transactionWriter("Bad Name", s, (Posted p) -> 0, WORK))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("name");
    assertThatThrownBy(() -> db.transactionWriter(null, s, (Posted p) -> 0, WORK))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("name");
    assertThatThrownBy(() -> db.transactionWriter("tw", null, (Posted p) -> 0, WORK))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("settings");
    assertThatThrownBy(() -> db.<Posted>transactionWriter("tw", s, null, WORK))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("laneKey");
    assertThatThrownBy(() -> db.transactionWriter("tw", s, (Posted p) -> 0, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("work");
  }
}
