package dev.alchemist.boot;

import static dev.alchemist.boot.internal.PropertyChecks.build;
import static dev.alchemist.boot.internal.PropertyChecks.set;
import static dev.alchemist.boot.internal.PropertyChecks.setSecret;

import dev.alchemist.store.AlchemistDatabase;
import dev.alchemist.store.PoolSettings;
import io.micrometer.core.instrument.MeterRegistry;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.AnyNestedCondition;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;

/**
 * The {@link AlchemistDatabase}: on the application's own {@link DataSource} when Boot made one and
 * {@code alchemist.store.jdbc-url} is not set, otherwise on a pool of its own from {@code
 * alchemist.store.*}, or on a private in-memory H2 with {@code alchemist.store.embedded=true}.
 *
 * <p>The store's Flyway migration keeps its own history table and locations, and the database is
 * built after the host's database initializers (Boot's Flyway or Liquibase, SQL scripts) have run,
 * so a host's first migration never meets a schema our tables made non-empty.
 */
@AutoConfiguration(
    afterName = {
      AlchemistCoreAutoConfiguration.METRICS_AUTO_CONFIGURATION,
      "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
      "org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration",
      "org.springframework.boot.liquibase.autoconfigure.LiquibaseAutoConfiguration"
    })
@ConditionalOnClass(AlchemistDatabase.class)
@ConditionalOnProperty(prefix = "alchemist.store", name = "enabled", matchIfMissing = true)
@EnableConfigurationProperties(AlchemistStoreProperties.class)
public class AlchemistStoreAutoConfiguration {
  private static final String PREFIX = "alchemist.store.";

  /**
   * Connects and migrates at startup. Closed after the writers flushed (it flushes what remains)
   * and before the host's DataSource, which it never closes.
   */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  @Conditional(StoreConfigured.class)
  @DependsOnDatabaseInitialization
  public AlchemistDatabase alchemistDatabase(
      AlchemistStoreProperties properties,
      ObjectProvider<DataSource> dataSource,
      ObjectProvider<MeterRegistry> registry) {
    AlchemistDatabase.Builder b = AlchemistDatabase.builder();
    DataSource hostDataSource = dataSource.getIfUnique();
    if (properties.getJdbcUrl() != null) {
      set(PREFIX + "jdbc-url", properties.getJdbcUrl(), b::jdbcUrl);
      set(PREFIX + "user", properties.getUser(), b::user);
      setSecret(PREFIX + "password", properties.getPassword(), b::password);
      set(PREFIX + "schema", properties.getSchema(), b::schema);
      b.pool(pool(properties.getPool()));
    } else if (hostDataSource != null) {
      b.dataSource(hostDataSource);
    } else {
      b.embedded();
    }
    set(PREFIX + "migrate", properties.isMigrate(), b::migrate);
    set(
        PREFIX + "maintenance-interval",
        properties.getMaintenanceInterval(),
        b::maintenanceInterval);
    set(
        PREFIX + "domain-stats-refresh-interval",
        properties.getDomainStatsRefreshInterval(),
        b::domainStatsRefreshInterval);
    set(PREFIX + "event-retention", properties.getEventRetention(), b::eventRetention);
    set(PREFIX + "partitions-ahead", properties.getPartitionsAhead(), b::partitionsAhead);
    set(PREFIX + "write-chunk-size", properties.getWriteChunkSize(), b::writeChunkSize);
    registry.ifAvailable(b::meterRegistry);
    return build("alchemist.store", b::build);
  }

  private static PoolSettings pool(AlchemistStoreProperties.Pool p) {
    String prefix = PREFIX + "pool.";
    PoolSettings.Builder b = PoolSettings.builder();
    set(prefix + "max-connections", p.getMaxConnections(), b::maxConnections);
    set(prefix + "min-idle", p.getMinIdle(), b::minIdle);
    set(prefix + "connection-timeout", p.getConnectionTimeout(), b::connectionTimeout);
    set(prefix + "idle-timeout", p.getIdleTimeout(), b::idleTimeout);
    set(prefix + "max-lifetime", p.getMaxLifetime(), b::maxLifetime);
    set(prefix + "keepalive-time", p.getKeepaliveTime(), b::keepaliveTime);
    set(
        prefix + "leak-detection-threshold",
        p.getLeakDetectionThreshold(),
        b::leakDetectionThreshold);
    set(prefix + "socket-timeout", p.getSocketTimeout(), b::socketTimeout);
    set(
        prefix + "re-write-batched-inserts",
        p.getReWriteBatchedInserts(),
        b::reWriteBatchedInserts);
    set(prefix + "pool-name", p.getPoolName(), b::poolName);
    return build("alchemist.store.pool", b::build);
  }

  /** A database to use: a jdbc-url, the application's DataSource, or the embedded opt-in. */
  static final class StoreConfigured extends AnyNestedCondition {
    StoreConfigured() {
      super(ConfigurationPhase.REGISTER_BEAN);
    }

    @ConditionalOnProperty(prefix = "alchemist.store", name = "jdbc-url")
    static final class JdbcUrl {}

    @ConditionalOnBean(DataSource.class)
    static final class HostDataSource {}

    @ConditionalOnProperty(prefix = "alchemist.store", name = "embedded", havingValue = "true")
    static final class Embedded {}
  }
}
