package dev.alchemist.store;

import dev.alchemist.core.Checks;
import dev.alchemist.core.Dialog;
import dev.alchemist.core.DomainEvent;
import dev.alchemist.core.Message;
import dev.alchemist.store.internal.DefaultAlchemistDatabase;
import dev.alchemist.store.internal.Urls;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ScheduledExecutorService;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * The store: a HikariCP pool on PostgreSQL or H2, the Flyway-migrated schema, typed repositories,
 * batching writers, the event projection and the maintenance of partitions and rollups.
 *
 * <pre>{@code
 * try (AlchemistDatabase db = AlchemistDatabase.builder()
 *     .jdbcUrl("jdbc:postgresql://127.0.0.1:5432/app").user("app").password(secret)
 *     .schema("alchemist")
 *     .build()) {
 *   db.dialogs().insert(dialog);
 *   db.messages().append(message);
 *   List<Message> recent = db.messages().lastN(dialog.id(), 50);
 * }
 * }</pre>
 *
 * <p>Thread-safe: share one instance per database. {@link #close()} stops the maintenance, flushes
 * and closes every batching writer made by this instance, then closes the pool (a host's own
 * DataSource is left open).
 */
public interface AlchemistDatabase extends AutoCloseable {

  /**
   * A builder; give it {@link Builder#jdbcUrl}, {@link Builder#dataSource} or {@link
   * Builder#embedded}.
   */
  static Builder builder() {
    return new Builder();
  }

  /** Which database this is, detected from the connection. */
  Dialect dialect();

  DialogRepository dialogs();

  MessageRepository messages();

  EventRepository events();

  DomainStatsReader domainStats();

  /**
   * Stores batches of events idempotently and updates the {@code domain_stats} rollups in the same
   * transaction: what a projection consumer calls per batch before it acks.
   */
  EventProjection eventProjection();

  /** The transactional outbox; see {@link #useTransaction} and {@link OutboxRelay}. */
  Outbox outbox();

  /**
   * Runs {@code work} in one transaction on one connection: what it does through the {@link
   * Transaction}'s repositories commits when it returns and rolls back if it throws (the exception
   * is passed on, a database failure as a {@link DatabaseException}). Calls on this database's own
   * repositories from the same thread join the transaction too. The batching writers do not: they
   * write on their own threads and connections.
   *
   * <pre>{@code
   * UUID id = db.inTransaction(tx -> {
   *   tx.messages().append(message);
   *   tx.outbox().add(event);
   *   return message.id();
   * });
   * }</pre>
   */
  <R> R inTransaction(java.util.function.Function<Transaction, R> work);

  /** {@link #inTransaction} for work that returns nothing. */
  default void useTransaction(java.util.function.Consumer<Transaction> work) {
    java.util.Objects.requireNonNull(work, "work");
    inTransaction(
        tx -> {
          work.accept(tx);
          return null;
        });
  }

  /**
   * A new writer that appends messages in batches. Closed by {@link #close()} if not before.
   * Metrics carry the tag {@code writer=messages}.
   */
  BatchingWriter<Message> messageWriter(BatchSettings settings);

  /** A new writer that stores events in batches; see {@link #messageWriter}. */
  BatchingWriter<DomainEvent> eventWriter(BatchSettings settings);

  /**
   * A new writer that inserts dialogs in batches, so that a burst of new dialogs costs a few
   * transactions instead of one each; see {@link #messageWriter}. Metrics carry the tag {@code
   * writer=dialogs}. Submit a dialog's messages only once its future has completed: they refer to
   * its row.
   */
  BatchingWriter<Dialog> dialogWriter(BatchSettings settings);

  /**
   * A new writer whose every batch is one transaction of {@code work}: the rows a batch holds, of
   * many callers, are written by {@code work} through the {@link Transaction}'s repositories and
   * commit together, or all fail with the batch's {@link DatabaseException}. For a change and the
   * events it causes in one commit, the outbox included:
   *
   * <pre>{@code
   * record Posted(Message message, List<DomainEvent> events) {}
   * BatchingWriter<Posted> posts = db.transactionWriter("posts", settings,
   *     p -> p.message().dialogId().hashCode(),
   *     (tx, batch) -> {
   *       tx.messages().insertAll(batch.stream().map(Posted::message).toList());
   *       tx.outbox().addAll(batch.stream().flatMap(p -> p.events().stream()).toList());
   *     });
   * }</pre>
   *
   * <p>With {@code concurrency > 1}, rows of the same {@code laneKey} share a lane and keep their
   * order. Metrics carry the tag {@code writer=<name>}; closed by {@link #close()} if not before.
   *
   * @param name the writer's name in meters and log lines: a token ({@code [a-z0-9_-]}, 1 to 64
   *     characters), low cardinality (one per kind of writer, never per user)
   * @throws IllegalArgumentException if an argument is null or the name is not a token
   */
  <T> BatchingWriter<T> transactionWriter(
      String name,
      BatchSettings settings,
      java.util.function.ToIntFunction<? super T> laneKey,
      java.util.function.BiConsumer<Transaction, List<T>> work);

  /** The pool now, or empty for a host's DataSource that is not a HikariCP pool. */
  Optional<PoolState> poolState();

  /**
   * The pooled DataSource, for the host's own queries on the same pool. Do not close it; close this
   * database instead.
   */
  DataSource dataSource();

  /** The settings this database was built with. */
  DatabaseSettings settings();

  /**
   * Stops the maintenance, flushes and closes the writers, closes the pool if this instance made
   * it, and drops the in-memory database of the {@link Builder#embedded()} preset. Idempotent.
   */
  @Override
  void close();

  /**
   * Builds an {@link AlchemistDatabase}. Setters check their value; {@link #build()} checks the
   * combination and connects. Not thread-safe.
   */
  final class Builder {
    private static final Pattern SCHEMA = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    private @Nullable String jdbcUrl;
    private @Nullable String user;
    private @Nullable String password;
    private @Nullable DataSource dataSource;
    private @Nullable String schema;
    private PoolSettings pool = PoolSettings.defaults();
    private boolean migrate = true;
    private Duration maintenanceInterval = Duration.ofMinutes(1);
    private Duration eventRetention = Duration.ofDays(7);
    private int partitionsAhead = 3;
    private int writeChunkSize = 1000;
    private boolean embedded;
    private MeterRegistry meterRegistry = Metrics.globalRegistry;
    private Clock clock = Clock.systemUTC();
    private @Nullable ScheduledExecutorService scheduler;
    private StoreListener listener = StoreListener.none();

    private Builder() {}

    /** A {@code jdbc:postgresql:} or {@code jdbc:h2:} URL; the store makes its own pool. */
    public Builder jdbcUrl(String value) {
      Checks.notBlank("jdbcUrl", value);
      if (!value.startsWith("jdbc:postgresql:") && !value.startsWith("jdbc:h2:")) {
        throw new IllegalArgumentException(
            "jdbcUrl must start with jdbc:postgresql: or jdbc:h2: but was '"
                + Urls.redact(value)
                + "'");
      }
      this.jdbcUrl = value;
      this.embedded = false;
      return this;
    }

    /** The login; default none (the URL's or the driver's default). */
    public Builder user(String value) {
      this.user = Checks.notBlank("user", value);
      return this;
    }

    /** The password; never logged or shown by {@code toString()}. */
    public Builder password(String value) {
      this.password = Checks.notNull("password", value);
      return this;
    }

    /**
     * The host's own DataSource (a pool, ideally): the store uses it and never closes it. Pool
     * settings and {@link #schema} do not apply; configure them on that pool.
     */
    public Builder dataSource(DataSource value) {
      this.dataSource = Checks.notNull("dataSource", value);
      return this;
    }

    /**
     * The embedded default: a private in-memory H2 database that lives until {@link
     * AlchemistDatabase#close()}. Needs {@code com.h2database:h2} on the classpath.
     */
    public Builder embedded() {
      this.jdbcUrl = "jdbc:h2:mem:alchemist_" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
      this.embedded = true;
      return this;
    }

    /**
     * The schema that holds the store's tables (created by the migration); default the
     * connection's. Lowercase {@code [a-z_][a-z0-9_]*}, at most 63 characters.
     */
    public Builder schema(String value) {
      Checks.notNull("schema", value);
      if (!SCHEMA.matcher(value).matches()) {
        throw new IllegalArgumentException(
            "schema must match [a-z_][a-z0-9_]{0,62} but was '" + value + "'");
      }
      this.schema = value;
      return this;
    }

    /** Default {@link PoolSettings#defaults()}. */
    public Builder pool(PoolSettings value) {
      this.pool = Checks.notNull("pool", value);
      return this;
    }

    /** Run Flyway on start; default true. Turn off when migrations run in a deploy step. */
    public Builder migrate(boolean value) {
      this.migrate = value;
      return this;
    }

    /**
     * How often the maintenance runs: it creates {@code events} partitions ahead, drops those older
     * than {@link #eventRetention} (deletes older rows on H2) and prunes the {@code domain_stats}
     * rollups. Default 1 min; zero disables the schedule (it still runs once at start, and {@link
     * DomainStatsReader#refreshNow()} runs it on demand). {@code domain_stats} itself is current
     * after every commit and does not wait for it.
     */
    public Builder maintenanceInterval(Duration value) {
      Checks.notNull("maintenanceInterval", value);
      if (value.isNegative()) {
        throw new IllegalArgumentException(
            "maintenanceInterval must not be negative but was " + value);
      }
      this.maintenanceInterval = value;
      return this;
    }

    /**
     * The name this setting had while {@code domain_stats} was a materialized view refreshed on
     * this schedule; now the same as {@link #maintenanceInterval}.
     */
    public Builder domainStatsRefreshInterval(Duration value) {
      Checks.notNull("domainStatsRefreshInterval", value);
      if (value.isNegative()) {
        throw new IllegalArgumentException(
            "domainStatsRefreshInterval must not be negative but was " + value);
      }
      this.maintenanceInterval = value;
      return this;
    }

    /**
     * How long events are kept; default 7 days (the JetStream stream's default max age), 1 to 3650
     * days. On PostgreSQL whole daily partitions are dropped once they end before now minus this;
     * on H2 older rows are deleted. {@link EventProjection#store} skips (and counts) events older
     * than this.
     */
    public Builder eventRetention(Duration value) {
      Checks.notNull("eventRetention", value);
      if (value.compareTo(Duration.ofDays(1)) < 0 || value.compareTo(Duration.ofDays(3650)) > 0) {
        throw new IllegalArgumentException(
            "eventRetention must be between PT24H and PT87600H but was " + value);
      }
      this.eventRetention = value;
      return this;
    }

    /**
     * How many daily {@code events} partitions after today the maintenance keeps created on
     * PostgreSQL; default 3, 1 to 60. An insert for a day without a partition still creates it.
     */
    public Builder partitionsAhead(int value) {
      this.partitionsAhead = (int) Checks.inRange("partitionsAhead", value, 1, 60);
      return this;
    }

    /** Rows per JDBC batch; default 1000, 1 to 100 000. */
    public Builder writeChunkSize(int value) {
      this.writeChunkSize = (int) Checks.inRange("writeChunkSize", value, 1, 100_000);
      return this;
    }

    /**
     * Where HikariCP's pool metrics and the store's own go; default the global registry. They are
     * tagged {@code pool=<poolName>} and removed when the database closes. A gauge reads one
     * database, so building a second live database with the same pool name on the same registry
     * fails with {@link IllegalStateException}: give it its own {@code PoolSettings} poolName (as
     * HikariCP expects one name per pool) or its own registry. The writer gauge {@code
     * alchemist.store.writer.pending} is the sum over a database's live writers of one kind.
     */
    public Builder meterRegistry(MeterRegistry value) {
      this.meterRegistry = Checks.notNull("meterRegistry", value);
      return this;
    }

    /**
     * Clock for the maintenance (which day is today for partitions, the retention cutoff) and the
     * maintenance age gauge; default UTC system clock.
     */
    public Builder clock(Clock value) {
      this.clock = Checks.notNull("clock", value);
      return this;
    }

    /**
     * Runs the maintenance and the writers' flushes; default a private two-thread scheduler that
     * {@link AlchemistDatabase#close()} shuts down. A scheduler passed here is not shut down.
     */
    public Builder scheduler(ScheduledExecutorService value) {
      this.scheduler = Checks.notNull("scheduler", value);
      return this;
    }

    /** Hears background failures; default none. */
    public Builder listener(StoreListener value) {
      this.listener = Checks.notNull("listener", value);
      return this;
    }

    /** The settings this builder holds now. */
    public DatabaseSettings settings() {
      return new DatabaseSettings(
          jdbcUrl,
          user,
          password,
          schema,
          pool,
          migrate,
          maintenanceInterval,
          eventRetention,
          partitionsAhead,
          writeChunkSize,
          embedded);
    }

    /**
     * Connects, migrates (unless turned off), runs the maintenance once and schedules it.
     *
     * @throws IllegalStateException if neither or both of a URL and a DataSource were given, or a
     *     schema was combined with a DataSource, or H2 is needed and missing
     * @throws DatabaseUnavailableException if the database cannot be reached
     */
    public AlchemistDatabase build() {
      if ((jdbcUrl == null) == (dataSource == null)) {
        throw new IllegalStateException(
            "give exactly one of jdbcUrl (or embedded()) and dataSource, but "
                + (jdbcUrl == null ? "neither was" : "both were")
                + " set");
      }
      if (dataSource != null && schema != null) {
        throw new IllegalStateException(
            "schema cannot be combined with dataSource: set the schema on that DataSource's pool");
      }
      if (dataSource != null && (user != null || password != null)) {
        throw new IllegalStateException(
            "user and password cannot be combined with dataSource: the DataSource logs in itself");
      }
      return DefaultAlchemistDatabase.start(
          settings(), dataSource, meterRegistry, clock, scheduler, listener);
    }
  }
}
