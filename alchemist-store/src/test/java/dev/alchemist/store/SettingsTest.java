package dev.alchemist.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.alchemist.store.internal.Urls;
import java.time.Duration;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** Builders and settings: defaults, bad values, contradictory combinations, redaction. */
class SettingsTest {

  @Test
  void poolDefaults_followHikariSizingGuidance() {
    PoolSettings p = PoolSettings.defaults();
    int expected = Math.min(2 * Runtime.getRuntime().availableProcessors() + 1, 100);
    assertThat(p.maxConnections()).isEqualTo(expected);
    assertThat(p.minIdle()).isEqualTo(expected);
    assertThat(p.connectionTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(p.idleTimeout()).isEqualTo(Duration.ofSeconds(600));
    assertThat(p.maxLifetime()).isEqualTo(Duration.ofSeconds(1800));
    assertThat(p.reWriteBatchedInserts()).isTrue();
    assertThat(p.toBuilder().build()).isEqualTo(p);
  }

  @Test
  void pool_badValues_nameFieldValueAndLimit() {
    assertThatThrownBy(() -> PoolSettings.builder().maxConnections(101))
        .hasMessage("maxConnections must be between 1 and 100 but was 101");
    assertThatThrownBy(() -> PoolSettings.builder().connectionTimeout(Duration.ofMillis(10)))
        .hasMessage("connectionTimeout must be at least PT0.25S but was PT0.01S");
    assertThatThrownBy(() -> PoolSettings.builder().maxLifetime(Duration.ofSeconds(5)))
        .hasMessage("maxLifetime must be zero (off) or at least PT30S but was PT5S");
    assertThatThrownBy(() -> PoolSettings.builder().poolName(" "))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void pool_contradictions_failInBuild() {
    assertThatThrownBy(() -> PoolSettings.builder().maxConnections(2).minIdle(3).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("minIdle (3) must not exceed maxConnections (2)");
    assertThatThrownBy(
            () ->
                PoolSettings.builder()
                    .maxLifetime(Duration.ofMinutes(1))
                    .keepaliveTime(Duration.ofMinutes(2))
                    .build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("keepaliveTime (PT2M) must be shorter than maxLifetime (PT1M)");
  }

  @Test
  void batch_badValuesAndCombination() {
    assertThatThrownBy(() -> BatchSettings.builder().maxDelay(Duration.ZERO))
        .hasMessage("maxDelay must be positive but was PT0S");
    assertThatThrownBy(() -> BatchSettings.builder().maxBatchSize(10).maxPending(5).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("maxPending (5) must be >= maxBatchSize (10)");
  }

  @Test
  void builder_neitherOrBothSources_failsInBuild() {
    assertThatThrownBy(() -> AlchemistDatabase.builder().build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("neither was set");
    DataSource ds = new org.h2.jdbcx.JdbcDataSource();
    assertThatThrownBy(() -> AlchemistDatabase.builder().embedded().dataSource(ds).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("both were set");
    assertThatThrownBy(() -> AlchemistDatabase.builder().dataSource(ds).schema("x").build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("schema cannot be combined with dataSource");
  }

  @Test
  void builder_badValues_throwWithoutLeakingPasswords() {
    assertThatThrownBy(
            () -> AlchemistDatabase.builder().jdbcUrl("jdbc:mysql://h/db?password=hunter2"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "jdbcUrl must start with jdbc:postgresql: or jdbc:h2: but was"
                + " 'jdbc:mysql://h/db?password=***'");
    assertThatThrownBy(() -> AlchemistDatabase.builder().schema("Bad-Name"))
        .hasMessage("schema must match [a-z_][a-z0-9_]{0,62} but was 'Bad-Name'");
    assertThatThrownBy(() -> AlchemistDatabase.builder().writeChunkSize(0))
        .hasMessage("writeChunkSize must be between 1 and 100000 but was 0");
    assertThatThrownBy(
            () -> AlchemistDatabase.builder().maintenanceInterval(Duration.ofSeconds(-1)))
        .hasMessage("maintenanceInterval must not be negative but was PT-1S");
    assertThatThrownBy(
            () -> AlchemistDatabase.builder().domainStatsRefreshInterval(Duration.ofSeconds(-1)))
        .hasMessage("domainStatsRefreshInterval must not be negative but was PT-1S");
    assertThatThrownBy(() -> AlchemistDatabase.builder().maintenanceInterval(null))
        .hasMessage("maintenanceInterval must not be null");
    assertThatThrownBy(() -> AlchemistDatabase.builder().eventRetention(Duration.ofHours(23)))
        .hasMessage("eventRetention must be between PT24H and PT87600H but was PT23H");
    assertThatThrownBy(() -> AlchemistDatabase.builder().eventRetention(Duration.ofDays(3651)))
        .hasMessage("eventRetention must be between PT24H and PT87600H but was PT87624H");
    assertThatThrownBy(() -> AlchemistDatabase.builder().eventRetention(null))
        .hasMessage("eventRetention must not be null");
    assertThatThrownBy(() -> AlchemistDatabase.builder().partitionsAhead(0))
        .hasMessage("partitionsAhead must be between 1 and 60 but was 0");
    assertThatThrownBy(() -> AlchemistDatabase.builder().partitionsAhead(61))
        .hasMessage("partitionsAhead must be between 1 and 60 but was 61");
  }

  @Test
  void maintenanceSettings_defaultsAndAlias() {
    DatabaseSettings defaults = AlchemistDatabase.builder().embedded().settings();
    assertThat(defaults.maintenanceInterval()).isEqualTo(Duration.ofMinutes(1));
    assertThat(defaults.eventRetention()).isEqualTo(Duration.ofDays(7));
    assertThat(defaults.partitionsAhead()).isEqualTo(3);
    DatabaseSettings set =
        AlchemistDatabase.builder()
            .embedded()
            .domainStatsRefreshInterval(Duration.ofSeconds(30))
            .eventRetention(Duration.ofDays(2))
            .partitionsAhead(5)
            .settings();
    assertThat(set.maintenanceInterval()).isEqualTo(Duration.ofSeconds(30));
    assertThat(set.eventRetention()).isEqualTo(Duration.ofDays(2));
    assertThat(set.partitionsAhead()).isEqualTo(5);
  }

  @Test
  void settingsToString_neverShowsThePassword() {
    DatabaseSettings s =
        AlchemistDatabase.builder()
            .jdbcUrl("jdbc:postgresql://u:hunter2@h/db?sslpassword=hunter2&ssl=true")
            .password("hunter2")
            .settings();
    assertThat(s.toString()).doesNotContain("hunter2").contains("password=(set)");
  }

  @Test
  void redact_removesEveryPasswordForm() {
    assertThat(Urls.redact("jdbc:postgresql://h:5432/db?user=a&password=s3cr3t&ssl=true"))
        .isEqualTo("jdbc:postgresql://h:5432/db?user=a&password=***&ssl=true");
    assertThat(Urls.redact("jdbc:postgresql://alice:s3cr3t@h/db"))
        .isEqualTo("jdbc:postgresql://alice:***@h/db");
    assertThat(Urls.redact("jdbc:h2:tcp://h/db;USER=sa;PASSWORD=s3cr3t;MODE=x"))
        .isEqualTo("jdbc:h2:tcp://h/db;USER=sa;PASSWORD=***;MODE=x");
    assertThat(Urls.redact("jdbc:postgresql://h/db")).isEqualTo("jdbc:postgresql://h/db");
  }

  @Test
  void embedded_buildsAPrivateH2AndDropsItOnClose() {
    String url;
    try (AlchemistDatabase db =
        AlchemistDatabase.builder()
            .embedded()
            .meterRegistry(new io.micrometer.core.instrument.simple.SimpleMeterRegistry())
            .build()) {
      assertThat(db.dialect()).isEqualTo(Dialect.H2);
      assertThat(db.dialogs().recentForUser("nobody", 1)).isEmpty();
      url = db.settings().jdbcUrl();
    }
    // the in-memory database is gone: a new connection to the same name finds no tables
    assertThat(url).startsWith("jdbc:h2:mem:alchemist_");
    assertThatThrownBy(
            () -> {
              try (var c =
                      java.sql.DriverManager.getConnection(url.replace(";DB_CLOSE_DELAY=-1", ""));
                  var s = c.createStatement()) {
                s.executeQuery("SELECT count(*) FROM dialogs");
              }
            })
        .isInstanceOf(java.sql.SQLException.class);
  }

  @Test
  void hostDataSource_isUsedAndLeftOpen() throws Exception {
    org.h2.jdbcx.JdbcDataSource ds = new org.h2.jdbcx.JdbcDataSource();
    ds.setURL("jdbc:h2:mem:host_" + java.util.UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
    try (AlchemistDatabase db =
        AlchemistDatabase.builder()
            .dataSource(ds)
            .meterRegistry(new io.micrometer.core.instrument.simple.SimpleMeterRegistry())
            .build()) {
      assertThat(db.dialect()).isEqualTo(Dialect.H2);
      assertThat(db.poolState()).isEmpty(); // not a HikariCP pool: no state to report
      db.dialogs().insert(dev.alchemist.core.Dialog.open("u", "t", java.time.Instant.now()));
    }
    try (var c = ds.getConnection();
        var s = c.createStatement();
        var rs = s.executeQuery("SELECT count(*) FROM dialogs")) {
      rs.next();
      assertThat(rs.getInt(1)).isEqualTo(1);
      s.execute("SHUTDOWN");
    }
  }

  @Test
  void hostDataSourceWithTablesOfItsOwn_migrationFailedOnNonEmptySchema() throws Exception {
    org.h2.jdbcx.JdbcDataSource ds = new org.h2.jdbcx.JdbcDataSource();
    ds.setURL("jdbc:h2:mem:busy_" + java.util.UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
    try (var c = ds.getConnection();
        var s = c.createStatement()) {
      s.execute("CREATE TABLE host_orders (id BIGINT PRIMARY KEY)");
    }
    try (AlchemistDatabase db =
        AlchemistDatabase.builder()
            .dataSource(ds)
            .meterRegistry(new io.micrometer.core.instrument.simple.SimpleMeterRegistry())
            .build()) {
      db.dialogs().insert(dev.alchemist.core.Dialog.open("u", "t", java.time.Instant.now()));
    }
    try (var c = ds.getConnection();
        var s = c.createStatement();
        var rs = s.executeQuery("SELECT count(*) FROM dialogs")) {
      rs.next();
      assertThat(rs.getInt(1)).isEqualTo(1);
      s.execute("SHUTDOWN");
    }
  }
}
