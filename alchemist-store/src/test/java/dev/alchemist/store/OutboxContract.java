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
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The outbox and its relay, run against PostgreSQL ({@link PostgresOutboxIT}) and H2 ({@link
 * H2OutboxTest}). Tests run one after another on one database; each leaves the outbox empty.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class OutboxContract {
  private static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");
  private static final OutboxRelaySettings FAST =
      OutboxRelaySettings.builder()
          .batchSize(100)
          .pollInterval(Duration.ofMillis(5))
          .retryDelay(Duration.ofMillis(20))
          .publishTimeout(Duration.ofSeconds(5))
          .build();

  protected AlchemistDatabase db;
  private final List<OutboxRelay> relays = new ArrayList<>();

  protected abstract AlchemistDatabase.Builder builder();

  protected void dropSchema() throws Exception {}

  @BeforeAll
  void open() {
    db = builder().meterRegistry(new SimpleMeterRegistry()).build();
  }

  @AfterEach
  protected void stopRelays() {
    relays.forEach(OutboxRelay::close);
    relays.clear();
    assertThat(db.outbox().size()).as("outbox left empty").isZero();
  }

  @AfterAll
  void close() throws Exception {
    db.close();
    dropSchema();
  }

  protected OutboxRelay relay(AlchemistDatabase on, OutboxPublisher publisher) {
    OutboxRelay relay = OutboxRelay.start(on, publisher, FAST);
    relays.add(relay);
    return relay;
  }

  protected static DomainEvent event(String session, int n) {
    return DomainEvent.of("dialog", "message", "created", session, NOW, "{\"n\":" + n + "}");
  }

  private Dialog dialog() {
    Dialog d = Dialog.open("outbox-user", "outbox", NOW);
    db.dialogs().insert(d);
    return d;
  }

  @Test
  void useTransaction_commits_messageAndEventTogether() {
    Dialog d = dialog();
    Message m = Message.of(d.id(), MessageRole.USER, "hi", NOW, 1);
    DomainEvent e = event("s-commit", 1);

    db.useTransaction(
        tx -> {
          tx.messages().append(m);
          tx.outbox().add(e);
        });

    assertThat(db.messages().lastN(d.id(), 10)).containsExactly(m);
    assertThat(db.outbox().size()).isEqualTo(1);
    List<DomainEvent> published = new CopyOnWriteArrayList<>();
    OutboxRelay relay = relay(db, ev -> record(published, ev));
    assertThat(relay.drain(Duration.ofSeconds(10))).isTrue();
    assertThat(published).containsExactly(e);
  }

  @Test
  void useTransaction_callbackThrows_rollsBackMessageAndEvent() {
    Dialog d = dialog();
    Message m = Message.of(d.id(), MessageRole.USER, "lost", NOW, 1);

    assertThatThrownBy(
            () ->
                db.useTransaction(
                    tx -> {
                      tx.messages().append(m);
                      tx.outbox().add(event("s-rollback", 1));
                      throw new IllegalStateException("host failure after both writes");
                    }))
        .hasRootCauseMessage("host failure after both writes");

    assertThat(db.messages().lastN(d.id(), 10)).isEmpty();
    assertThat(db.outbox().size()).isZero();
  }

  @Test
  void inTransaction_returnsTheCallbacksValue() {
    Dialog d = dialog();
    Message m = Message.of(d.id(), MessageRole.USER, "value", NOW, 1);
    UUID id =
        db.inTransaction(
            tx -> {
              tx.messages().append(m);
              return m.id();
            });
    assertThat(id).isEqualTo(m.id());
  }

  @Test
  void relay_publishesInCommitOrderAndDeletesWhatWasAcknowledged() {
    List<DomainEvent> added = new ArrayList<>();
    for (int i = 0; i < 350; i++) {
      DomainEvent e = event("s-" + (i % 3), i);
      added.add(e);
      db.useTransaction(tx -> tx.outbox().add(e));
    }
    List<DomainEvent> published = new CopyOnWriteArrayList<>();

    OutboxRelay relay = relay(db, ev -> record(published, ev));

    assertThat(relay.drain(Duration.ofSeconds(30))).isTrue();
    assertThat(published).containsExactlyElementsOf(added);
    assertThat(relay.relayed()).isEqualTo(350);
  }

  @Test
  void relay_publisherFailsSomeEvents_keepsAndRetriesThemUntilAcknowledged() {
    Map<UUID, AtomicInteger> attempts = new ConcurrentHashMap<>();
    Map<UUID, AtomicInteger> acks = new ConcurrentHashMap<>();
    List<DomainEvent> added = new ArrayList<>();
    for (int i = 0; i < 120; i++) {
      DomainEvent e = event("s-fail", i);
      added.add(e);
      db.outbox().add(e);
    }
    OutboxPublisher flaky =
        ev -> {
          int attempt =
              attempts.computeIfAbsent(ev.id(), k -> new AtomicInteger()).incrementAndGet();
          if (attempt == 1 && (ev.payload().hashCode() & 3) == 0) {
            return CompletableFuture.failedFuture(new IllegalStateException("no ack"));
          }
          if (attempt == 1 && (ev.payload().hashCode() & 7) == 1) {
            throw new IllegalStateException("publisher threw");
          }
          acks.computeIfAbsent(ev.id(), k -> new AtomicInteger()).incrementAndGet();
          return CompletableFuture.completedFuture(null);
        };

    OutboxRelay relay = relay(db, flaky);

    assertThat(relay.drain(Duration.ofSeconds(30))).isTrue();
    assertThat(acks.keySet())
        .containsExactlyInAnyOrderElementsOf(added.stream().map(DomainEvent::id).toList());
    assertThat(acks.values()).allMatch(n -> n.get() == 1, "each event acknowledged once");
    assertThat(relay.failedRounds()).isPositive();
  }

  @Test
  void badInput_isRefusedNamingTheField() {
    assertThatThrownBy(() -> db.outbox().add(null)).hasMessageContaining("event");
    assertThatThrownBy(() -> db.inTransaction(null)).hasMessageContaining("work");
    assertThatThrownBy(() -> OutboxRelaySettings.builder().batchSize(0).build())
        .hasMessageContaining("batchSize");
    assertThatThrownBy(() -> OutboxRelaySettings.builder().name("a b").build())
        .hasMessageContaining("name");
    assertThatThrownBy(() -> OutboxRelay.start(db, null, FAST)).hasMessageContaining("publisher");
    DomainEvent e = event("s-dup", 1);
    db.outbox().add(e);
    assertThatThrownBy(() -> db.outbox().add(e)).isInstanceOf(ConstraintViolationException.class);
    OutboxRelay relay = relay(db, ev -> CompletableFuture.completedFuture(null));
    assertThat(relay.drain(Duration.ofSeconds(10))).isTrue();
  }

  private static CompletableFuture<Void> record(List<DomainEvent> published, DomainEvent e) {
    published.add(e);
    return CompletableFuture.completedFuture(null);
  }
}
