package dev.alchemist.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.alchemist.testing.PostgresAddress;
import dev.alchemist.testing.TestServices;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The outbox contract on the shared PostgreSQL, in a schema of its own that is dropped after; and
 * what only PostgreSQL promises: relays of several processes (here two database objects) keep apart
 * by the advisory lock.
 */
class PostgresOutboxIT extends OutboxContract {
  private final PostgresAddress pg = TestServices.postgres();
  private final String schema = TestServices.uniquePrefix("outbox_it");

  @Override
  protected AlchemistDatabase.Builder builder() {
    return PgSchemas.builder(pg, schema);
  }

  /** Another database object on the same schema, as a second process would have. */
  private AlchemistDatabase secondInstance() {
    return PgSchemas.builder(pg, schema)
        .pool(PoolSettings.builder().poolName("second").maxConnections(2).build())
        .meterRegistry(new io.micrometer.core.instrument.simple.SimpleMeterRegistry())
        .build();
  }

  @Override
  protected void dropSchema() throws Exception {
    PgSchemas.drop(pg, schema);
  }

  @Test
  void twoRelaysOnTwoInstances_publishEachEventOnce() throws Exception {
    Map<UUID, AtomicInteger> published = new ConcurrentHashMap<>();
    OutboxPublisher counting =
        ev -> {
          published.computeIfAbsent(ev.id(), k -> new AtomicInteger()).incrementAndGet();
          return CompletableFuture.completedFuture(null);
        };
    try (AlchemistDatabase second = secondInstance()) {
      relay(db, counting);
      relay(second, counting);
      for (int i = 0; i < 500; i++) {
        db.outbox().add(event("s-two", i));
      }
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (db.outbox().size() > 0 && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      stopRelays();
    }
    assertThat(published).hasSize(500);
    assertThat(published.values()).allMatch(n -> n.get() == 1, "each event published once");
  }

  @Test
  void relayWithoutTheLock_isStandby_itsGaugesReadNaN_untilItLeadsAgain() throws Exception {
    // Another process holds the relay lock of this schema (taken here by hand): this relay's rounds
    // are standby and its gauges leave the numbers to the leader's.
    io.micrometer.core.instrument.simple.SimpleMeterRegistry registry =
        new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
    try (AlchemistDatabase standby =
            PgSchemas.builder(pg, schema)
                .pool(PoolSettings.builder().poolName("standby").maxConnections(2).build())
                .meterRegistry(registry)
                .build();
        java.sql.Connection leader = pg.connect()) {
      OutboxRelay relay = relay(standby, e -> CompletableFuture.completedFuture(null));
      db.outbox().add(event("s-standby", 1));
      assertThat(relay.drain(Duration.ofSeconds(30))).isTrue();
      assertThat(gauge(registry, "backlog")).isZero(); // it led: the numbers are its

      leader.setAutoCommit(false);
      try (var st = leader.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
        st.setLong(1, ("alchemist.outbox.relay:" + schema).hashCode());
        st.executeQuery().close();
      }
      // Added only once the other process leads, so no round of this relay can publish it first.
      db.outbox().add(event("s-standby", 2));
      var standbyRounds =
          registry.get("alchemist.store.outbox.round").tag("outcome", "standby").timer();
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (standbyRounds.count() < 3 && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      assertThat(standbyRounds.count()).isGreaterThanOrEqualTo(3);
      assertThat(gauge(registry, "backlog")).isNaN();
      assertThat(gauge(registry, "oldest.age")).isNaN();
      assertThat(relay.relayed()).isEqualTo(1);
      assertThat(db.outbox().size()).isEqualTo(1);

      leader.rollback(); // the other process died: its transaction and lock are gone
      assertThat(relay.drain(Duration.ofSeconds(30))).isTrue();
      assertThat(gauge(registry, "backlog")).isZero();
      assertThat(gauge(registry, "oldest.age")).isZero();
      assertThat(registry.get("alchemist.store.outbox.relayed").counter().count()).isEqualTo(2);
      stopRelays();
    }
  }

  private static double gauge(
      io.micrometer.core.instrument.simple.SimpleMeterRegistry registry, String name) {
    return registry.get("alchemist.store.outbox." + name).gauge().value();
  }

  /**
   * Runs {@code work} in a transaction on another thread, keeps that transaction open 300 ms after
   * it, then commits; returns once {@code work} is done. The flag is set inside the transaction
   * just before its COMMIT: a second add that can only return after that COMMIT released the
   * session lock must see it set (set after useTransaction returned, it would race the second
   * thread's return on a busy machine).
   */
  private HeldOpen holdOpen(java.util.function.Consumer<Transaction> work)
      throws InterruptedException {
    java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.atomic.AtomicBoolean committing =
        new java.util.concurrent.atomic.AtomicBoolean();
    Thread thread =
        new Thread(
            () ->
                db.useTransaction(
                    tx -> {
                      work.accept(tx);
                      done.countDown();
                      try {
                        Thread.sleep(300);
                      } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                      }
                      committing.set(true);
                    }));
    thread.start();
    done.await();
    return new HeldOpen(thread, committing);
  }

  private record HeldOpen(Thread thread, java.util.concurrent.atomic.AtomicBoolean committing) {}

  @Test
  void add_sameSessionInAnOpenTransaction_waitsForItsCommit() throws Exception {
    // Rows of one session must get their seq in commit order, or the relay could publish a later
    // event before an earlier one commits.
    HeldOpen first = holdOpen(tx -> tx.outbox().add(event("s-order", 1)));

    db.useTransaction(tx -> tx.outbox().add(event("s-order", 2)));
    boolean sawCommit = first.committing().get();
    first.thread().join();

    assertThat(sawCommit).as("the second add returned only after the first commit").isTrue();
    OutboxRelay relay = relay(db, e -> CompletableFuture.completedFuture(null));
    assertThat(relay.drain(Duration.ofSeconds(10))).isTrue();
  }

  @Test
  void addAll_sessionOfAnOpenTransaction_waitsForItsCommit_andSeqsFollowCommitThenListOrder()
      throws Exception {
    // The locks and the inserts are one statement: every lock must be taken before any row of the
    // batch gets its seq, and the rows of a batch take their seqs in list order.
    HeldOpen first =
        holdOpen(
            tx ->
                tx.outbox()
                    .addAll(
                        java.util.List.of(event("s-z", 1), event("s-shared", 1), event("s-a", 1))));

    db.useTransaction(
        tx -> tx.outbox().addAll(java.util.List.of(event("s-other", 2), event("s-shared", 2))));
    boolean sawCommit = first.committing().get();
    first.thread().join();

    assertThat(sawCommit).as("the second addAll returned only after the first commit").isTrue();
    java.util.List<String> order = new java.util.ArrayList<>();
    try (java.sql.Connection c = db.dataSource().getConnection();
        java.sql.Statement st = c.createStatement();
        java.sql.ResultSet rs =
            st.executeQuery("SELECT session_id, payload FROM outbox ORDER BY seq")) {
      while (rs.next()) {
        order.add(rs.getString(1) + " " + rs.getString(2));
      }
    }
    assertThat(order)
        .containsExactly(
            "s-z {\"n\":1}",
            "s-shared {\"n\":1}",
            "s-a {\"n\":1}",
            "s-other {\"n\":2}",
            "s-shared {\"n\":2}");
    OutboxRelay relay = relay(db, e -> CompletableFuture.completedFuture(null));
    assertThat(relay.drain(Duration.ofSeconds(10))).isTrue();
  }
}
