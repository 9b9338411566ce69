package dev.alchemist.store.internal;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import dev.alchemist.store.DatabaseSettings;
import dev.alchemist.store.PoolSettings;
import dev.alchemist.store.PoolState;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Optional;
import java.util.Properties;
import org.jspecify.annotations.Nullable;

/**
 * The HikariCP pool the store opens when the host gives it no DataSource: its configuration from
 * {@link PoolSettings}, its meters, and reading or evicting a HikariCP pool (the store's or the
 * host's). Separate from {@link DefaultAlchemistDatabase} because everything HikariCP-specific
 * lives here, apart from the repositories and their lifecycle.
 */
final class OwnPool {

  private OwnPool() {}

  /**
   * HikariCP's meters are tagged with the pool name only, and a closing pool removes them: a second
   * open pool of the same name on the registry would share the first one's gauges and, when either
   * closes, take the other's away. Checked before the pool opens, so nothing is left to undo.
   */
  static void refuseSharedPoolMeters(String poolName, MeterRegistry registry) {
    if (registry.find("hikaricp.connections").tag("pool", poolName).gauge() != null) {
      throw new IllegalStateException(
          "pool "
              + poolName
              + " is already reported on this MeterRegistry by another open database: a gauge"
              + " reads one pool, so give each live database its own PoolSettings poolName or its"
              + " own MeterRegistry");
    }
  }

  static HikariDataSource open(
      DatabaseSettings settings, JdbcLogin login, MeterRegistry registry, SqlErrors errors) {
    String jdbcUrl = login.url();
    boolean h2 = jdbcUrl.startsWith("jdbc:h2:");
    if (h2) {
      requireH2();
    }
    PoolSettings pool = settings.pool();
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(jdbcUrl);
    if (login.user() != null) {
      config.setUsername(login.user());
    }
    if (login.password() != null && !login.password().isEmpty()) {
      config.setPassword(login.password());
    }
    config.setPoolName(pool.poolName());
    config.setMaximumPoolSize(pool.maxConnections());
    config.setMinimumIdle(pool.minIdle());
    config.setConnectionTimeout(pool.connectionTimeout().toMillis());
    config.setIdleTimeout(pool.idleTimeout().toMillis());
    config.setMaxLifetime(pool.maxLifetime().toMillis());
    config.setKeepaliveTime(pool.keepaliveTime().toMillis());
    config.setLeakDetectionThreshold(pool.leakDetectionThreshold().toMillis());
    // Fail in build() when the database is unreachable, not at the first query.
    config.setInitializationFailTimeout(1);
    config.setMetricsTrackerFactory(new MicrometerMetricsTrackerFactory(registry));
    String schema = settings.schema();
    if (h2) {
      if (schema != null) {
        // H2 refuses SET SCHEMA for a schema that does not exist yet, and the pool connects
        // before Flyway creates it; PostgreSQL accepts any search_path.
        config.setConnectionInitSql(
            "CREATE SCHEMA IF NOT EXISTS \"" + schema + "\"; SET SCHEMA \"" + schema + "\"");
      }
    } else {
      if (schema != null) {
        config.setSchema(schema);
      }
      Properties props = new Properties();
      props.setProperty("reWriteBatchedInserts", Boolean.toString(pool.reWriteBatchedInserts()));
      props.setProperty("socketTimeout", Long.toString(pool.socketTimeout().toSeconds()));
      props.setProperty("tcpKeepAlive", "true");
      props.setProperty("ApplicationName", "alchemist");
      login.secretProperties().forEach(props::setProperty);
      config.setDataSourceProperties(props);
    }
    try {
      return new HikariDataSource(config);
    } catch (RuntimeException e) {
      throw errors.unavailable(e);
    }
  }

  private static void requireH2() {
    try {
      Class.forName("org.h2.Driver");
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException(
          "an H2 URL (or embedded()) needs com.h2database:h2 on the classpath; add it as a"
              + " runtime dependency",
          e);
    }
  }

  /** After a broken connection: every pooled connection is suspect; in-use ones go on return. */
  static void evictConnections(@Nullable HikariDataSource pool) {
    HikariPoolMXBean bean = pool == null ? null : pool.getHikariPoolMXBean();
    if (bean != null) {
      bean.softEvictConnections();
    }
  }

  static Optional<PoolState> poolState(@Nullable HikariDataSource pool) {
    if (pool == null) {
      return Optional.empty();
    }
    HikariPoolMXBean bean = pool.getHikariPoolMXBean();
    if (bean == null) {
      return Optional.empty();
    }
    return Optional.of(
        new PoolState(
            bean.getTotalConnections(),
            bean.getActiveConnections(),
            bean.getIdleConnections(),
            bean.getThreadsAwaitingConnection()));
  }
}
