package dev.alchemist.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.alchemist.store.internal.DefaultAlchemistDatabase;
import dev.alchemist.testing.PostgresAddress;
import dev.alchemist.testing.TestServices;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What only PostgreSQL does, or what needs a real server: the advisory-locked refresh shared by two
 * instances, pool exhaustion, an unreachable server, HikariCP's metrics.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PostgresOperationsIT {
  private final PostgresAddress pg = TestServices.postgres();
  private final String schema = TestServices.uniquePrefix("store_ops_it");
  private AlchemistDatabase first;
  private AlchemistDatabase second;
  private SimpleMeterRegistry registry;

  @BeforeAll
  void open() {
    registry = new SimpleMeterRegistry();
    first =
        PgSchemas.builder(pg, schema)
            .meterRegistry(registry)
            .maintenanceInterval(Duration.ofHours(1))
            .build();
    second =
        PgSchemas.builder(pg, schema)
            .pool(PoolSettings.builder().poolName("second").maxConnections(2).build())
            .meterRegistry(registry)
            .maintenanceInterval(Duration.ofHours(1))
            .build();
  }

  @AfterAll
  void close() throws Exception {
    if (first != null) {
      first.close();
    }
    if (second != null) {
      second.close();
    }
    PgSchemas.drop(pg, schema);
  }

  private static DomainStatsStoreAccess stats(AlchemistDatabase db) {
    return ((DefaultAlchemistDatabase) db).domainStatsStore()::refreshIfDue;
  }

  private interface DomainStatsStoreAccess {
    RefreshOutcome refreshIfDue();
  }

  /** Makes the last refresh look two hours old, so that the next scheduled tick is due. */
  private void ageLastRefresh() throws Exception {
    try (Connection c = pg.connect();
        Statement s = c.createStatement()) {
      s.execute("UPDATE " + schema + ".store_maintenance SET ran_at = now() - interval '2 hours'");
    }
  }

  @Test
  void refreshIfDue_twoInstancesAtOnce_refreshOnceBetweenThem() throws Exception {
    for (int round = 0; round < 5; round++) {
      ageLastRefresh();
      CyclicBarrier start = new CyclicBarrier(2);
      ExecutorService pool = Executors.newFixedThreadPool(2);
      try {
        Callable<RefreshOutcome> a =
            () -> {
              start.await();
              return stats(first).refreshIfDue();
            };
        Callable<RefreshOutcome> b =
            () -> {
              start.await();
              return stats(second).refreshIfDue();
            };
        Future<RefreshOutcome> fa = pool.submit(a);
        Future<RefreshOutcome> fb = pool.submit(b);
        List<RefreshOutcome> outcomes =
            List.of(fa.get(30, TimeUnit.SECONDS), fb.get(30, TimeUnit.SECONDS));
        assertThat(outcomes).as("round %d", round).containsOnlyOnce(RefreshOutcome.REFRESHED);
        assertThat(outcomes)
            .filteredOn(o -> o != RefreshOutcome.REFRESHED)
            .allMatch(
                o -> o == RefreshOutcome.FRESH_ENOUGH || o == RefreshOutcome.LOCKED_ELSEWHERE);
      } finally {
        pool.shutdownNow();
      }
    }
  }

  @Test
  void refreshNow_lockHeldByAnotherSession_skipsWithoutWaiting() throws Exception {
    try (Connection other = pg.connect();
        Statement s = other.createStatement()) {
      s.execute("SET search_path TO " + schema);
      try (ResultSet rs =
          s.executeQuery(
              "SELECT pg_try_advisory_lock(hashtext('alchemist'),"
                  + " hashtext(current_schema() || '.store_maintenance'))")) {
        rs.next();
        assertThat(rs.getBoolean(1)).isTrue();
      }
      assertThat(first.domainStats().refreshNow()).isEqualTo(RefreshOutcome.LOCKED_ELSEWHERE);
      assertThat(second.domainStats().refreshNow()).isEqualTo(RefreshOutcome.LOCKED_ELSEWHERE);
      s.execute("SELECT pg_advisory_unlock_all()");
    }
    assertThat(first.domainStats().refreshNow()).isEqualTo(RefreshOutcome.REFRESHED);
  }

  @Test
  void refresh_failure_isCountedAndReported() throws Exception {
    SimpleMeterRegistry own = new SimpleMeterRegistry();
    List<DatabaseException> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
    try (AlchemistDatabase db =
        PgSchemas.builder(pg, schema)
            .pool(
                PoolSettings.builder()
                    .poolName("failing")
                    .maxConnections(1)
                    .connectionTimeout(Duration.ofMillis(250))
                    .build())
            .meterRegistry(own)
            .maintenanceInterval(Duration.ofHours(1))
            .listener(
                new StoreListener() {
                  @Override
                  public void onRefreshFailed(DatabaseException cause) {
                    heard.add(cause);
                  }
                })
            .build()) {
      try (Connection c = db.dataSource().getConnection()) {
        assertThat(c.isValid(1)).isTrue(); // the only connection is taken: refresh cannot get one
        assertThatThrownBy(() -> db.domainStats().refreshNow())
            .isInstanceOf(PoolExhaustedException.class);
      }
      ((DefaultAlchemistDatabase) db)
          .domainStatsStore()
          .tick(); // the scheduled path does not throw
      // read while open: close removes the database's meters
      assertThat(own.get("alchemist.store.maintenance.failures").counter().count()).isEqualTo(1);
    }
    assertThat(heard).hasSize(1);
  }

  @Test
  void repositoryCall_poolExhausted_throwsWithPoolState() throws Exception {
    try (AlchemistDatabase db =
        PgSchemas.builder(pg, schema)
            .pool(
                PoolSettings.builder()
                    .poolName("tiny")
                    .maxConnections(1)
                    .connectionTimeout(Duration.ofMillis(250))
                    .build())
            .meterRegistry(new SimpleMeterRegistry())
            .maintenanceInterval(Duration.ZERO)
            .build()) {
      try (Connection held = db.dataSource().getConnection()) {
        assertThat(held.isValid(1)).isTrue();
        assertThatThrownBy(() -> db.dialogs().find(UUID.randomUUID()))
            .isInstanceOfSatisfying(
                PoolExhaustedException.class,
                e -> {
                  assertThat(e.state().total()).isEqualTo(1);
                  assertThat(e.state().active()).isEqualTo(1);
                  assertThat(e.state().idle()).isZero();
                  assertThat(e.timeout()).isEqualTo(Duration.ofMillis(250));
                })
            .hasMessageContaining("pool tiny had no free connection within 250 ms (total=1,");
      }
      assertThat(db.dialogs().find(UUID.randomUUID())).isEmpty(); // usable again once returned
      assertThat(db.poolState()).get().extracting(PoolState::total).isEqualTo(1);
    }
  }

  @Test
  void build_unreachableServer_namesUrlWithoutPassword() {
    assertThatThrownBy(
            () ->
                AlchemistDatabase.builder()
                    .jdbcUrl("jdbc:postgresql://nobody:hunter2@127.0.0.1:1/test?password=hunter2")
                    .user("nobody")
                    .password("hunter2")
                    .pool(PoolSettings.builder().connectionTimeout(Duration.ofMillis(500)).build())
                    .meterRegistry(new SimpleMeterRegistry())
                    .build())
        .isInstanceOf(DatabaseUnavailableException.class)
        .hasMessageStartingWith(
            "database unavailable at jdbc:postgresql://nobody:***@127.0.0.1:1/test?password=***")
        .hasMessageNotContaining("hunter2")
        .satisfies(
            e -> assertThat(((DatabaseUnavailableException) e).url()).doesNotContain("hunter2"));
  }

  @Test
  void build_unknownDatabase_isUnavailableWithSqlState() {
    String url = pg.jdbcUrl().replaceAll("/[^/?]+(\\?.*)?$", "/no_such_db_" + schema);
    assertThatThrownBy(
            () ->
                AlchemistDatabase.builder()
                    .jdbcUrl(url)
                    .user(pg.user())
                    .meterRegistry(new SimpleMeterRegistry())
                    .build())
        .isInstanceOfSatisfying(
            DatabaseUnavailableException.class, e -> assertThat(e.sqlState()).isEqualTo("3D000"));
  }

  @Test
  void hikariMetrics_areBoundToTheRegistryPerPool() {
    first.dialogs().find(UUID.randomUUID());
    assertThat(registry.get("hikaricp.connections").tag("pool", "alchemist").gauge().value())
        .isGreaterThanOrEqualTo(1);
    assertThat(registry.get("hikaricp.connections.max").tag("pool", "second").gauge().value())
        .isEqualTo(2);
  }

  @Test
  void messagesIndex_servesLastNAsAnIndexRangeScan() throws Exception {
    try (Connection c = first.dataSource().getConnection();
        Statement s = c.createStatement()) {
      s.execute("SET enable_seqscan = off"); // the table is tiny; ask whether the index can serve
      try (ResultSet rs =
          s.executeQuery(
              "EXPLAIN SELECT id FROM messages WHERE dialog_id = '"
                  + UUID.randomUUID()
                  + "' AND (timestamp, id) < (now(), '"
                  + UUID.randomUUID()
                  + "') ORDER BY timestamp DESC, id DESC LIMIT 50")) {
        StringBuilder plan = new StringBuilder();
        while (rs.next()) {
          plan.append(rs.getString(1)).append('\n');
        }
        assertThat(plan.toString())
            .contains("idx_messages_dialog_timestamp")
            .doesNotContain("Sort");
      } finally {
        s.execute("RESET enable_seqscan");
      }
    }
  }
}
