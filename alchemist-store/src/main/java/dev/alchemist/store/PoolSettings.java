package dev.alchemist.store;

import dev.alchemist.core.Checks;
import java.time.Duration;

/**
 * The connection pool: the guide's knobs plus the HikariCP and pgjdbc settings that keep a pool
 * healthy in production. Immutable; build with {@link #builder()}.
 *
 * <p><b>Why the defaults are small.</b> The guide sets 100 connections and 10 minimum. HikariCP's
 * pool-sizing guidance is {@code connections = cores * 2 + effective spindles}: a database can only
 * run as many queries at once as it has cores (plus some overlap for disk waits), and extra
 * connections only queue inside the database instead of in the pool, adding context switches and
 * memory (each PostgreSQL connection is a process). So the default is {@code 2 * cores + 1} of the
 * machine this runs on (a stand-in for the database's cores, which it cannot see), and the pool
 * keeps that many open ({@code minIdle == maxConnections}, HikariCP's recommended fixed-size pool).
 * 100 is the ceiling {@link Builder#maxConnections(int)} accepts: it is PostgreSQL's default {@code
 * max_connections}, so a single instance with a pool of 100 would already lock every other client
 * (and every other instance, migration and psql session) out of a default server.
 *
 * @param maxConnections most connections open at once, 1 to 100
 * @param minIdle connections kept open while idle, 0 to {@code maxConnections}
 * @param connectionTimeout how long a caller waits for a free connection before {@link
 *     PoolExhaustedException}
 * @param idleTimeout how long a connection above {@code minIdle} may sit idle; zero keeps them
 * @param maxLifetime when a connection is retired and replaced; zero never; keep it below any
 *     timeout a firewall or the database imposes
 * @param keepaliveTime how often an idle connection is pinged so that firewalls keep it; zero never
 * @param leakDetectionThreshold log a warning with the borrower's stack when a connection is held
 *     this long; zero disables
 * @param socketTimeout pgjdbc {@code socketTimeout}: a read that waits this long fails instead of
 *     hanging on a dead network; zero waits forever
 * @param reWriteBatchedInserts pgjdbc {@code reWriteBatchedInserts}: turn a JDBC batch of inserts
 *     into multi-row inserts (several times faster)
 * @param poolName names the pool in logs and in the {@code pool} tag of HikariCP's metrics
 */
public record PoolSettings(
    int maxConnections,
    int minIdle,
    Duration connectionTimeout,
    Duration idleTimeout,
    Duration maxLifetime,
    Duration keepaliveTime,
    Duration leakDetectionThreshold,
    Duration socketTimeout,
    boolean reWriteBatchedInserts,
    String poolName) {

  /** The most connections a pool may have; see the class comment for why. */
  public static final int MAX_CONNECTIONS_CEILING = 100;

  public PoolSettings {
    Checks.inRange("maxConnections", maxConnections, 1, MAX_CONNECTIONS_CEILING);
    Checks.inRange("minIdle", minIdle, 0, MAX_CONNECTIONS_CEILING);
    atLeast("connectionTimeout", connectionTimeout, Duration.ofMillis(250), false);
    atLeast("idleTimeout", idleTimeout, Duration.ofSeconds(10), true);
    atLeast("maxLifetime", maxLifetime, Duration.ofSeconds(30), true);
    atLeast("keepaliveTime", keepaliveTime, Duration.ofSeconds(30), true);
    atLeast("leakDetectionThreshold", leakDetectionThreshold, Duration.ofSeconds(2), true);
    atLeast("socketTimeout", socketTimeout, Duration.ofSeconds(1), true);
    Checks.notBlank("poolName", poolName);
    if (minIdle > maxConnections) {
      throw new IllegalStateException(
          "minIdle (" + minIdle + ") must not exceed maxConnections (" + maxConnections + ")");
    }
    if (!maxLifetime.isZero()) {
      below("keepaliveTime", keepaliveTime, maxLifetime);
      below("leakDetectionThreshold", leakDetectionThreshold, maxLifetime);
      below("idleTimeout", idleTimeout, maxLifetime);
    }
  }

  /** HikariCP's pool-sizing defaults; see the class comment. */
  public static PoolSettings defaults() {
    return builder().build();
  }

  /** {@code 2 * cores + 1}, capped at {@link #MAX_CONNECTIONS_CEILING}. */
  public static int defaultMaxConnections() {
    return Math.min(2 * Runtime.getRuntime().availableProcessors() + 1, MAX_CONNECTIONS_CEILING);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding these settings. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.maxConnections = maxConnections;
    b.minIdle = minIdle;
    b.connectionTimeout = connectionTimeout;
    b.idleTimeout = idleTimeout;
    b.maxLifetime = maxLifetime;
    b.keepaliveTime = keepaliveTime;
    b.leakDetectionThreshold = leakDetectionThreshold;
    b.socketTimeout = socketTimeout;
    b.reWriteBatchedInserts = reWriteBatchedInserts;
    b.poolName = poolName;
    return b;
  }

  private static void atLeast(String field, Duration value, Duration min, boolean zeroAllowed) {
    Checks.notNull(field, value);
    if (zeroAllowed && value.isZero()) {
      return;
    }
    if (value.compareTo(min) < 0) {
      throw new IllegalArgumentException(
          field
              + " must be "
              + (zeroAllowed ? "zero (off) or " : "")
              + "at least "
              + min
              + " but was "
              + value);
    }
  }

  private static void below(String field, Duration value, Duration maxLifetime) {
    if (!value.isZero() && value.compareTo(maxLifetime) >= 0) {
      throw new IllegalStateException(
          field + " (" + value + ") must be shorter than maxLifetime (" + maxLifetime + ")");
    }
  }

  /**
   * Builds {@link PoolSettings}. Each setter checks its value; {@link #build()} checks the
   * combinations. Not thread-safe; reusable.
   */
  public static final class Builder {
    private int maxConnections = defaultMaxConnections();
    private int minIdle = -1; // follows maxConnections unless set
    private Duration connectionTimeout = Duration.ofSeconds(30);
    private Duration idleTimeout = Duration.ofMinutes(10);
    private Duration maxLifetime = Duration.ofMinutes(30);
    private Duration keepaliveTime = Duration.ofMinutes(2);
    private Duration leakDetectionThreshold = Duration.ZERO;
    private Duration socketTimeout = Duration.ofMinutes(5);
    private boolean reWriteBatchedInserts = true;
    private String poolName = "alchemist";

    private Builder() {}

    /** Default {@code 2 * cores + 1}; at most 100. */
    public Builder maxConnections(int value) {
      this.maxConnections =
          (int) Checks.inRange("maxConnections", value, 1, MAX_CONNECTIONS_CEILING);
      return this;
    }

    /** Default: equal to {@code maxConnections} (a fixed-size pool). */
    public Builder minIdle(int value) {
      this.minIdle = (int) Checks.inRange("minIdle", value, 0, MAX_CONNECTIONS_CEILING);
      return this;
    }

    /** Default 30 s; at least 250 ms. */
    public Builder connectionTimeout(Duration value) {
      atLeast("connectionTimeout", value, Duration.ofMillis(250), false);
      this.connectionTimeout = value;
      return this;
    }

    /** Default 600 s; zero or at least 10 s. Only matters when {@code minIdle < max}. */
    public Builder idleTimeout(Duration value) {
      atLeast("idleTimeout", value, Duration.ofSeconds(10), true);
      this.idleTimeout = value;
      return this;
    }

    /** Default 1800 s; zero or at least 30 s. */
    public Builder maxLifetime(Duration value) {
      atLeast("maxLifetime", value, Duration.ofSeconds(30), true);
      this.maxLifetime = value;
      return this;
    }

    /** Default 2 min; zero or at least 30 s. */
    public Builder keepaliveTime(Duration value) {
      atLeast("keepaliveTime", value, Duration.ofSeconds(30), true);
      this.keepaliveTime = value;
      return this;
    }

    /** Default zero (off); otherwise at least 2 s. */
    public Builder leakDetectionThreshold(Duration value) {
      atLeast("leakDetectionThreshold", value, Duration.ofSeconds(2), true);
      this.leakDetectionThreshold = value;
      return this;
    }

    /** Default 5 min; zero (wait forever) or at least 1 s. PostgreSQL only. */
    public Builder socketTimeout(Duration value) {
      atLeast("socketTimeout", value, Duration.ofSeconds(1), true);
      this.socketTimeout = value;
      return this;
    }

    /** Default true. PostgreSQL only. */
    public Builder reWriteBatchedInserts(boolean value) {
      this.reWriteBatchedInserts = value;
      return this;
    }

    /** Default {@code alchemist}; give each pool in one meter registry its own name. */
    public Builder poolName(String value) {
      this.poolName = Checks.notBlank("poolName", value);
      return this;
    }

    /**
     * The settings.
     *
     * @throws IllegalStateException if {@code minIdle > maxConnections} or a timeout is not shorter
     *     than {@code maxLifetime}
     */
    public PoolSettings build() {
      return new PoolSettings(
          maxConnections,
          minIdle < 0 ? maxConnections : minIdle,
          connectionTimeout,
          idleTimeout,
          maxLifetime,
          keepaliveTime,
          leakDetectionThreshold,
          socketTimeout,
          reWriteBatchedInserts,
          poolName);
    }
  }
}
