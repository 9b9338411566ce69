package dev.alchemist.boot;

import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code alchemist.store.*}: the {@link dev.alchemist.store.AlchemistDatabase}. When Boot made a
 * {@code DataSource} ({@code spring.datasource.*}) and no {@code jdbc-url} is set here, the store
 * uses that DataSource and the pool settings here do not apply. {@code toString()} is {@link
 * Object}'s, so the password never shows.
 */
@ConfigurationProperties("alchemist.store")
public class AlchemistStoreProperties {
  /** Whether to configure an AlchemistDatabase. */
  private boolean enabled = true;

  /**
   * A jdbc:postgresql: or jdbc:h2: URL for a pool of the store's own; when set it wins over the
   * application's DataSource.
   */
  private @Nullable String jdbcUrl;

  /** Login of jdbc-url. */
  private @Nullable String user;

  /** Password of jdbc-url; never logged or shown. */
  private @Nullable String password;

  /**
   * Use a private in-memory H2 database when there is neither a jdbc-url nor a DataSource (needs
   * com.h2database:h2).
   */
  private boolean embedded = false;

  /** Schema of the store's tables with jdbc-url (created by the migration); default the login's. */
  private @Nullable String schema;

  /**
   * Run the store's Flyway migration at startup. It keeps its own history table
   * (alchemist_schema_history) and locations, so a host's own Flyway is left alone.
   */
  private boolean migrate = true;

  /**
   * How often the store's maintenance runs (events partitions ahead, retention, pruning of the
   * domain_stats rollups); 0 turns the schedule off (it still runs once at start). domain_stats is
   * current after every write and does not wait for it.
   */
  private Duration maintenanceInterval = Duration.ofMinutes(1);

  /** The former name of maintenance-interval; when set, it wins. */
  private @Nullable Duration domainStatsRefreshInterval;

  /** How long events are kept (1 to 3650 days); absent keeps the SDK's 7 days. */
  private @Nullable Duration eventRetention;

  /** Daily events partitions kept created after today (1 to 60); absent keeps the SDK's 3. */
  private @Nullable Integer partitionsAhead;

  /** Rows per JDBC batch. */
  private int writeChunkSize = 1000;

  /** The pool of jdbc-url; absent keys keep the SDK's defaults. */
  private final Pool pool = new Pool();

  public boolean isEnabled() {
    return enabled;
  }

  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  public @Nullable String getJdbcUrl() {
    return jdbcUrl;
  }

  public void setJdbcUrl(@Nullable String jdbcUrl) {
    this.jdbcUrl = jdbcUrl;
  }

  public @Nullable String getUser() {
    return user;
  }

  public void setUser(@Nullable String user) {
    this.user = user;
  }

  public @Nullable String getPassword() {
    return password;
  }

  public void setPassword(@Nullable String password) {
    this.password = password;
  }

  public boolean isEmbedded() {
    return embedded;
  }

  public void setEmbedded(boolean embedded) {
    this.embedded = embedded;
  }

  public @Nullable String getSchema() {
    return schema;
  }

  public void setSchema(@Nullable String schema) {
    this.schema = schema;
  }

  public boolean isMigrate() {
    return migrate;
  }

  public void setMigrate(boolean migrate) {
    this.migrate = migrate;
  }

  public Duration getMaintenanceInterval() {
    return maintenanceInterval;
  }

  public void setMaintenanceInterval(Duration maintenanceInterval) {
    this.maintenanceInterval = maintenanceInterval;
  }

  public @Nullable Duration getDomainStatsRefreshInterval() {
    return domainStatsRefreshInterval;
  }

  public void setDomainStatsRefreshInterval(@Nullable Duration domainStatsRefreshInterval) {
    this.domainStatsRefreshInterval = domainStatsRefreshInterval;
  }

  public @Nullable Duration getEventRetention() {
    return eventRetention;
  }

  public void setEventRetention(@Nullable Duration eventRetention) {
    this.eventRetention = eventRetention;
  }

  public @Nullable Integer getPartitionsAhead() {
    return partitionsAhead;
  }

  public void setPartitionsAhead(@Nullable Integer partitionsAhead) {
    this.partitionsAhead = partitionsAhead;
  }

  public int getWriteChunkSize() {
    return writeChunkSize;
  }

  public void setWriteChunkSize(int writeChunkSize) {
    this.writeChunkSize = writeChunkSize;
  }

  public Pool getPool() {
    return pool;
  }

  /** {@code alchemist.store.pool.*}: HikariCP and pgjdbc settings of the store's own pool. */
  public static class Pool {
    /** Most connections open at once, 1 to 100; default 2 * cores + 1. */
    private @Nullable Integer maxConnections;

    /** Connections kept open while idle; default max-connections (a fixed-size pool). */
    private @Nullable Integer minIdle;

    /** How long a caller waits for a free connection; default 30 s. */
    private @Nullable Duration connectionTimeout;

    /** How long a connection above min-idle may sit idle; 0 keeps them; default 10 min. */
    private @Nullable Duration idleTimeout;

    /** When a connection is retired and replaced; 0 never; default 30 min. */
    private @Nullable Duration maxLifetime;

    /** How often an idle connection is pinged; 0 never; default 2 min. */
    private @Nullable Duration keepaliveTime;

    /** Warn with the borrower's stack when a connection is held this long; default 0 (off). */
    private @Nullable Duration leakDetectionThreshold;

    /** pgjdbc socketTimeout: a read waiting this long fails; 0 waits forever; default 5 min. */
    private @Nullable Duration socketTimeout;

    /** pgjdbc reWriteBatchedInserts (multi-row inserts); default true. */
    private @Nullable Boolean reWriteBatchedInserts;

    /** Names the pool in logs and in the pool tag of HikariCP's metrics; default alchemist. */
    private @Nullable String poolName;

    public @Nullable Integer getMaxConnections() {
      return maxConnections;
    }

    public void setMaxConnections(@Nullable Integer maxConnections) {
      this.maxConnections = maxConnections;
    }

    public @Nullable Integer getMinIdle() {
      return minIdle;
    }

    public void setMinIdle(@Nullable Integer minIdle) {
      this.minIdle = minIdle;
    }

    public @Nullable Duration getConnectionTimeout() {
      return connectionTimeout;
    }

    public void setConnectionTimeout(@Nullable Duration connectionTimeout) {
      this.connectionTimeout = connectionTimeout;
    }

    public @Nullable Duration getIdleTimeout() {
      return idleTimeout;
    }

    public void setIdleTimeout(@Nullable Duration idleTimeout) {
      this.idleTimeout = idleTimeout;
    }

    public @Nullable Duration getMaxLifetime() {
      return maxLifetime;
    }

    public void setMaxLifetime(@Nullable Duration maxLifetime) {
      this.maxLifetime = maxLifetime;
    }

    public @Nullable Duration getKeepaliveTime() {
      return keepaliveTime;
    }

    public void setKeepaliveTime(@Nullable Duration keepaliveTime) {
      this.keepaliveTime = keepaliveTime;
    }

    public @Nullable Duration getLeakDetectionThreshold() {
      return leakDetectionThreshold;
    }

    public void setLeakDetectionThreshold(@Nullable Duration leakDetectionThreshold) {
      this.leakDetectionThreshold = leakDetectionThreshold;
    }

    public @Nullable Duration getSocketTimeout() {
      return socketTimeout;
    }

    public void setSocketTimeout(@Nullable Duration socketTimeout) {
      this.socketTimeout = socketTimeout;
    }

    public @Nullable Boolean getReWriteBatchedInserts() {
      return reWriteBatchedInserts;
    }

    public void setReWriteBatchedInserts(@Nullable Boolean reWriteBatchedInserts) {
      this.reWriteBatchedInserts = reWriteBatchedInserts;
    }

    public @Nullable String getPoolName() {
      return poolName;
    }

    public void setPoolName(@Nullable String poolName) {
      this.poolName = poolName;
    }
  }
}
