package dev.alchemist.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.alchemist.core.DomainEvent;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The relay's meters on the embedded H2: what they count, what the gauges read after a round, that
 * two live relays of one name on one registry are refused, and that close removes them.
 */
class OutboxRelayMetersTest {
  private static final String PREFIX = "alchemist.store.outbox.";

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private AlchemistDatabase db;

  @BeforeEach
  void open() {
    db =
        AlchemistDatabase.builder()
            .jdbcUrl("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1")
            .schema("alchemist")
            .pool(PoolSettings.builder().poolName("relay-meters").maxConnections(4).build())
            .domainStatsRefreshInterval(Duration.ZERO)
            .meterRegistry(registry)
            .build();
  }

  @AfterEach
  void close() {
    db.close();
  }

  private static OutboxRelaySettings settings(String name, int batchSize) {
    return OutboxRelaySettings.builder()
        .name(name)
        .batchSize(batchSize)
        .pollInterval(Duration.ofMillis(5))
        .retryDelay(Duration.ofMillis(10))
        .publishTimeout(Duration.ofSeconds(5))
        .build();
  }

  private static DomainEvent event(Instant at, int n) {
    return DomainEvent.of("dialog", "message", "created", "s-meters", at, "{\"n\":" + n + "}");
  }

  private double gauge(String name, String relay) {
    return registry.get(PREFIX + name).tag("relay", relay).gauge().value();
  }

  private double counter(String name, String relay, String key, String value) {
    var search = registry.find(PREFIX + name).tag("relay", relay);
    if (key != null) {
      search = search.tag(key, value);
    }
    var c = search.counter();
    return c == null ? 0 : c.count();
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("timed out waiting for: " + what);
      }
      Thread.sleep(5);
    }
  }

  @Test
  void relayedEvents_counted_andTheGaugesReadAnEmptyOutbox() {
    for (int i = 0; i < 250; i++) {
      db.outbox().add(event(Instant.now(), i));
    }
    try (OutboxRelay relay =
        OutboxRelay.start(db, e -> CompletableFuture.completedFuture(null), settings("ok", 100))) {
      assertThat(relay.drain(Duration.ofSeconds(30))).isTrue();

      assertThat(counter("relayed", "ok", null, null)).isEqualTo(250);
      assertThat(registry.get(PREFIX + "round").tag("outcome", "relayed").timer().count())
          .isGreaterThanOrEqualTo(3);
      assertThat(registry.get(PREFIX + "round").tag("outcome", "empty").timer().count())
          .isPositive();
      assertThat(gauge("backlog", "ok")).isZero();
      assertThat(gauge("oldest.age", "ok")).isZero();
      assertThat(counter("round.failures", "ok", "reason", "unacknowledged")).isZero();
      Meter relayed = registry.get(PREFIX + "relayed").meter();
      assertThat(relayed.getId().getTags())
          .extracting(t -> t.getKey())
          .containsExactlyInAnyOrder("pool", "dialect", "relay");
    }
  }

  @Test
  void unacknowledgedEvents_areTheBacklog_andTheOldestAgeGrowsFromTheirCreatedAt()
      throws Exception {
    // 25 rows, batch of 10, nothing acknowledged: the round reads a full batch, so the rows beyond
    // it come from the newest seq; without gaps the estimate is exact.
    Instant hourAgo = Instant.now().minus(Duration.ofHours(1));
    for (int i = 0; i < 25; i++) {
      db.outbox().add(event(hourAgo.plusSeconds(i), i));
    }
    try (OutboxRelay relay =
        OutboxRelay.start(
            db,
            e -> CompletableFuture.failedFuture(new IllegalStateException("no ack")),
            settings("stuck", 10))) {
      await("a failed round", () -> relay.failedRounds() > 0);

      assertThat(gauge("backlog", "stuck")).isEqualTo(25);
      assertThat(gauge("oldest.age", "stuck")).isGreaterThanOrEqualTo(3600);
      assertThat(counter("round.failures", "stuck", "reason", "unacknowledged")).isPositive();
      assertThat(registry.get(PREFIX + "round").tag("outcome", "failed").timer().count())
          .isPositive();
      assertThat(counter("relayed", "stuck", null, null)).isZero();
    }
    assertThat(db.outbox().size()).isEqualTo(25);
    try (OutboxRelay relay =
        OutboxRelay.start(db, e -> CompletableFuture.completedFuture(null), settings("ok", 10))) {
      assertThat(relay.drain(Duration.ofSeconds(30))).isTrue();
    }
  }

  @Test
  void backlogBeyondABatch_isAnUpperBound_countingTheSeqsOfRolledBackAdds() throws Exception {
    Instant now = Instant.now();
    for (int i = 0; i < 15; i++) {
      db.outbox().add(event(now, i));
    }
    assertThatThrownBy(
            () ->
                db.useTransaction(
                    tx -> {
                      for (int i = 0; i < 5; i++) {
                        tx.outbox().add(event(now, 100 + i)); // takes 5 seqs, then rolls back
                      }
                      throw new IllegalStateException("rolled back");
                    }))
        .hasRootCauseMessage("rolled back");
    for (int i = 15; i < 20; i++) {
      db.outbox().add(event(now, i));
    }
    assertThat(db.outbox().size()).isEqualTo(20);
    try (OutboxRelay relay =
        OutboxRelay.start(
            db,
            e -> CompletableFuture.failedFuture(new IllegalStateException("no ack")),
            settings("gaps", 10))) {
      await("a failed round", () -> relay.failedRounds() > 0);

      assertThat(gauge("backlog", "gaps")).isEqualTo(25); // 20 rows, 5 seqs rolled back
    }
    try (OutboxRelay relay =
        OutboxRelay.start(db, e -> CompletableFuture.completedFuture(null), settings("ok", 10))) {
      assertThat(relay.drain(Duration.ofSeconds(30))).isTrue();
    }
  }

  @Test
  void someEventsUnacknowledged_backlogIsWhatStays_ageIsTheFirstThatStays() throws Exception {
    Instant base = Instant.now().minus(Duration.ofDays(1));
    for (int i = 0; i < 6; i++) {
      // the 3rd event (2 hours after base) is the only one that never gets its ack
      db.outbox().add(event(base.plus(Duration.ofHours(i)), i));
    }
    try (OutboxRelay relay =
        OutboxRelay.start(
            db,
            e ->
                e.payload().equals("{\"n\":2}")
                    ? CompletableFuture.failedFuture(new IllegalStateException("no ack"))
                    : CompletableFuture.completedFuture(null),
            settings("partial", 100))) {
      await("a failed round", () -> relay.failedRounds() > 0);
      await("the acknowledged rows gone", () -> db.outbox().size() == 1);

      assertThat(gauge("backlog", "partial")).isEqualTo(1);
      // 22 hours old, give or take the test's own run time
      assertThat(gauge("oldest.age", "partial")).isBetween(22 * 3600.0, 22 * 3600.0 + 600);
      assertThat(counter("relayed", "partial", null, null)).isEqualTo(5);
    }
  }

  @Test
  void databaseFailure_countedAsAnErrorRound() throws Exception {
    OutboxRelay relay =
        OutboxRelay.start(db, e -> CompletableFuture.completedFuture(null), settings("db", 10));
    try {
      db.close(); // every call is refused from now on
      await("an error round", () -> counter("round.failures", "db", "reason", "error") > 0);
      assertThat(relay.failedRounds()).isPositive();
    } finally {
      relay.close();
    }
  }

  @Test
  void twoLiveRelaysOfOneName_refused_anotherNameIsFine_andCloseRemovesTheMeters() {
    OutboxRelay first =
        OutboxRelay.start(db, e -> CompletableFuture.completedFuture(null), settings("one", 10));
    try {
      assertThatThrownBy(
              () ->
                  OutboxRelay.start(
                      db, e -> CompletableFuture.completedFuture(null), settings("one", 10)))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("alchemist.store.outbox.backlog")
          .hasMessageContaining("relay=one");
      try (OutboxRelay other =
          OutboxRelay.start(
              db, e -> CompletableFuture.completedFuture(null), settings("two", 10))) {
        assertThat(other.drain(Duration.ofSeconds(10))).isTrue();
        assertThat(registry.get(PREFIX + "backlog").gauges()).hasSize(2);
      }
      assertThat(registry.get(PREFIX + "backlog").gauges()).hasSize(1);
    } finally {
      first.close();
    }
    assertThat(registry.getMeters())
        .noneMatch(m -> m.getId().getName().startsWith(PREFIX), "no relay meter left");
  }
}
