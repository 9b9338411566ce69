package dev.alchemist.store.internal;

import com.zaxxer.hikari.HikariDataSource;
import dev.alchemist.core.Dialog;
import dev.alchemist.core.DomainEvent;
import dev.alchemist.core.Message;
import dev.alchemist.core.internal.DaemonThreads;
import dev.alchemist.core.internal.OwnedMeters;
import dev.alchemist.store.AlchemistDatabase;
import dev.alchemist.store.BatchSettings;
import dev.alchemist.store.BatchingWriter;
import dev.alchemist.store.DatabaseSettings;
import dev.alchemist.store.Dialect;
import dev.alchemist.store.DialogRepository;
import dev.alchemist.store.DomainStatsReader;
import dev.alchemist.store.EventProjection;
import dev.alchemist.store.EventRepository;
import dev.alchemist.store.MessageRepository;
import dev.alchemist.store.Outbox;
import dev.alchemist.store.PoolSettings;
import dev.alchemist.store.PoolState;
import dev.alchemist.store.StoreListener;
import dev.alchemist.store.Transaction;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.ToIntFunction;
import javax.sql.DataSource;
import org.jdbi.v3.core.Jdbi;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link AlchemistDatabase} behind the builder: the repositories, the batching writers and the
 * order of close. Opening the own pool is {@link OwnPool}'s job, detecting the dialect and
 * migrating the schema {@link SchemaMigration}'s.
 */
public final class DefaultAlchemistDatabase implements AlchemistDatabase {
  private static final Logger LOG = LoggerFactory.getLogger(DefaultAlchemistDatabase.class);

  private final DatabaseSettings settings;
  private final DataSource dataSource;
  private final @Nullable HikariDataSource ownPool;
  private final Dialect dialect;
  private final Sql sql;
  private final SqlErrors errors;
  private final MeterRegistry registry;
  private final Tags tags;
  private final StoreListener listener;
  private final ScheduledExecutorService scheduler;
  private final boolean ownScheduler;
  private final DialogRepository dialogs;
  private final MessageRepository messages;
  private final EventRepository events;
  private final JdbiOutbox outbox;
  private final Transaction transaction;
  private final DomainStatsStore domainStats;
  private final JdbiEventProjection projection;
  private final OwnedMeters meters;
  private final List<BatchingWriter<?>> writers = new CopyOnWriteArrayList<>();
  private final AtomicBoolean closed = new AtomicBoolean();

  /** Set once close() has drained the writers: from then on every repository call is refused. */
  private volatile boolean released;

  private DefaultAlchemistDatabase(
      DatabaseSettings settings,
      DataSource dataSource,
      @Nullable HikariDataSource ownPool,
      Dialect dialect,
      SqlErrors errors,
      MeterRegistry registry,
      Clock clock,
      ScheduledExecutorService scheduler,
      boolean ownScheduler,
      StoreListener listener) {
    this.settings = settings;
    this.dataSource = dataSource;
    this.ownPool = ownPool;
    this.dialect = dialect;
    this.errors = errors;
    this.registry = registry;
    this.listener = listener;
    this.scheduler = scheduler;
    this.ownScheduler = ownScheduler;
    this.tags =
        Tags.of(
            "pool", settings.pool().poolName(), "dialect", dialect.name().toLowerCase(Locale.ROOT));
    Jdbi jdbi = JdbiSetup.create(dataSource);
    HikariDataSource hikari = dataSource instanceof HikariDataSource h ? h : null;
    this.sql =
        new Sql(
            jdbi,
            dialect,
            settings.writeChunkSize(),
            errors,
            () -> released,
            () -> OwnPool.evictConnections(hikari));
    CopyLoader copy = dialect == Dialect.POSTGRESQL ? new CopyLoader() : null;
    Partitions partitions = dialect == Dialect.POSTGRESQL ? new Partitions() : null;
    EventWrites eventWrites = new EventWrites(sql, partitions);
    this.dialogs = new JdbiDialogRepository(sql);
    this.messages = new JdbiMessageRepository(sql, copy);
    this.events = new JdbiEventRepository(sql, eventWrites, copy);
    this.outbox = new JdbiOutbox(sql);
    this.transaction = new RepositoriesInTransaction(dialogs, messages, events, outbox);
    this.meters =
        OwnedMeters.of(registry, "the database of pool " + DomainStatsStore.poolName(tags));
    try {
      this.domainStats =
          new DomainStatsStore(
              sql,
              partitions,
              settings.eventRetention(),
              settings.partitionsAhead(),
              settings.maintenanceInterval(),
              clock,
              meters,
              tags,
              listener);
      this.projection =
          new JdbiEventProjection(sql, eventWrites, clock, settings.eventRetention(), meters, tags);
    } catch (RuntimeException e) {
      meters.close();
      throw e;
    }
  }

  /** Connects, migrates and runs the maintenance; closes what it opened if any step fails. */
  public static DefaultAlchemistDatabase start(
      DatabaseSettings settings,
      @Nullable DataSource hostDataSource,
      MeterRegistry registry,
      Clock clock,
      @Nullable ScheduledExecutorService hostScheduler,
      StoreListener listener) {
    String jdbcUrl = settings.jdbcUrl();
    String safeUrl = jdbcUrl == null ? "(host DataSource)" : Urls.redact(jdbcUrl);
    JdbcLogin login =
        jdbcUrl == null ? null : JdbcLogin.of(jdbcUrl, settings.user(), settings.password());
    PoolSettings pool = settings.pool();
    HikariDataSource ownPool = null;
    ScheduledExecutorService scheduler = hostScheduler;
    try {
      DataSource dataSource;
      if (hostDataSource != null) {
        dataSource = hostDataSource;
      } else {
        if (login == null) {
          throw new IllegalStateException("jdbcUrl is required without a dataSource");
        }
        SqlErrors startupErrors =
            new SqlErrors(safeUrl, pool.poolName(), pool.connectionTimeout(), Optional::empty);
        OwnPool.refuseSharedPoolMeters(pool.poolName(), registry);
        ownPool = OwnPool.open(settings, login, registry, startupErrors);
        dataSource = ownPool;
      }
      HikariDataSource hikari =
          hostDataSource instanceof HikariDataSource h ? h : ownPool; // pool state if we can
      SqlErrors errors =
          new SqlErrors(
              safeUrl, pool.poolName(), pool.connectionTimeout(), () -> OwnPool.poolState(hikari));
      Dialect dialect = SchemaMigration.detect(dataSource, errors);
      if (settings.migrate()) {
        SchemaMigration.migrate(
            settings, login, hostDataSource == null ? null : dataSource, dialect, errors);
      }
      boolean ownScheduler = hostScheduler == null;
      if (scheduler == null) {
        scheduler = newScheduler(pool.poolName());
      }
      DefaultAlchemistDatabase db =
          new DefaultAlchemistDatabase(
              settings,
              dataSource,
              ownPool,
              dialect,
              errors,
              registry,
              clock,
              scheduler,
              ownScheduler,
              listener);
      db.maintainOnStart();
      db.domainStats.start(scheduler);
      return db;
    } catch (RuntimeException e) {
      if (ownPool != null) {
        ownPool.close();
      }
      if (hostScheduler == null && scheduler != null) {
        scheduler.shutdownNow();
      }
      throw e;
    }
  }

  /**
   * The maintenance once at start, so that today's and the next days' partitions exist before the
   * first write. A failure does not fail the start (writes create a missing partition themselves):
   * it is counted and reported like a failed tick.
   */
  private void maintainOnStart() {
    try {
      domainStats.refreshNow();
    } catch (dev.alchemist.store.DatabaseException e) {
      // reported by the store; the schedule retries
    }
  }

  private static ScheduledExecutorService newScheduler(String poolName) {
    ScheduledThreadPoolExecutor executor =
        new ScheduledThreadPoolExecutor(2, DaemonThreads.named("alchemist-store-" + poolName));
    executor.setRemoveOnCancelPolicy(true);
    return executor;
  }

  @Override
  public Dialect dialect() {
    return dialect;
  }

  @Override
  public DialogRepository dialogs() {
    return dialogs;
  }

  @Override
  public MessageRepository messages() {
    return messages;
  }

  @Override
  public EventRepository events() {
    return events;
  }

  @Override
  public Outbox outbox() {
    return outbox;
  }

  @Override
  public <R> R inTransaction(Function<Transaction, R> work) {
    dev.alchemist.core.Checks.notNull("work", work);
    // The repositories reach the database through Jdbi, which hands calls on this thread the
    // handle of the transaction open here: so the same repositories serve inside and outside.
    return sql.inTransaction("transaction", h -> work.apply(transaction));
  }

  Sql sql() {
    return sql;
  }

  /** The registry of the builder and the store's tags, for the meters of an outbox relay. */
  MeterRegistry registry() {
    return registry;
  }

  Tags tags() {
    return tags;
  }

  @Override
  public DomainStatsReader domainStats() {
    return domainStats;
  }

  @Override
  public EventProjection eventProjection() {
    return projection;
  }

  /** The maintenance, with the tick the scheduler runs and a run at a given time; for tests. */
  public DomainStatsStore domainStatsStore() {
    return domainStats;
  }

  @Override
  public BatchingWriter<Message> messageWriter(BatchSettings batch) {
    // A dialog's messages share a lane, so they keep their order.
    return register(writer("messages", batch, messages::insertAll, m -> m.dialogId().hashCode()));
  }

  @Override
  public BatchingWriter<DomainEvent> eventWriter(BatchSettings batch) {
    // A session's events share a lane; events without a session spread by their id.
    return register(
        writer(
            "events",
            batch,
            events::insertAll,
            e -> e.sessionId() != null ? e.sessionId().hashCode() : e.id().hashCode()));
  }

  @Override
  public BatchingWriter<Dialog> dialogWriter(BatchSettings batch) {
    return register(writer("dialogs", batch, dialogs::insertAll, d -> d.id().hashCode()));
  }

  @Override
  public <T> BatchingWriter<T> transactionWriter(
      String name,
      BatchSettings batch,
      ToIntFunction<? super T> laneKey,
      BiConsumer<Transaction, List<T>> work) {
    dev.alchemist.core.Checks.token("name", name);
    dev.alchemist.core.Checks.notNull("settings", batch);
    dev.alchemist.core.Checks.notNull("laneKey", laneKey);
    dev.alchemist.core.Checks.notNull("work", work);
    Consumer<List<T>> sink =
        rows ->
            sql.inTransaction(
                name + ".writer",
                h -> {
                  work.accept(transaction, rows);
                  return null;
                });
    return register(writer(name, batch, sink, laneKey::applyAsInt));
  }

  private <T> BatchingWriter<T> writer(
      String name, BatchSettings batch, Consumer<List<T>> sink, ToIntFunction<T> key) {
    Function<BatchSettings, BatchingWriter<T>> lane =
        settings ->
            new DefaultBatchingWriter<T>(
                name,
                settings,
                sink,
                e -> errors.translate(name + ".writer", e),
                scheduler,
                registry,
                tags,
                listener);
    if (batch.concurrency() == 1) {
      return lane.apply(batch);
    }
    if (ownScheduler && scheduler instanceof ScheduledThreadPoolExecutor own) {
      // Each lane drains on a scheduler thread while it writes: keep one free for the rest.
      synchronized (own) {
        own.setCorePoolSize(Math.max(own.getCorePoolSize(), batch.concurrency() + 1));
      }
    }
    return new LanedBatchingWriter<>(batch, lane, key);
  }

  private <T> BatchingWriter<T> register(BatchingWriter<T> writer) {
    if (closed.get()) {
      throw new IllegalStateException("database is closed");
    }
    writers.add(writer);
    return writer;
  }

  @Override
  public Optional<PoolState> poolState() {
    return OwnPool.poolState(dataSource instanceof HikariDataSource h ? h : null);
  }

  @Override
  public DataSource dataSource() {
    return dataSource;
  }

  @Override
  public DatabaseSettings settings() {
    return settings;
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    domainStats.close();
    meters.close();
    List<RuntimeException> failures = new ArrayList<>();
    for (BatchingWriter<?> writer : writers) {
      try {
        writer.close();
      } catch (RuntimeException e) {
        failures.add(e);
      }
    }
    released = true;
    if (ownScheduler) {
      scheduler.shutdown();
      try {
        if (!scheduler.awaitTermination(10, TimeUnit.SECONDS)) {
          scheduler.shutdownNow();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        scheduler.shutdownNow();
      }
    }
    if (ownPool != null) {
      if (settings.embedded()) {
        shutdownEmbedded();
      }
      ownPool.close();
    }
    if (!failures.isEmpty()) {
      RuntimeException first = failures.get(0);
      failures.subList(1, failures.size()).forEach(first::addSuppressed);
      throw first;
    }
  }

  private void shutdownEmbedded() {
    // DB_CLOSE_DELAY=-1 keeps the in-memory database alive between pooled connections; drop it
    // explicitly so closed databases do not accumulate in the JVM.
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement()) {
      s.execute("SHUTDOWN");
    } catch (SQLException e) {
      LOG.debug("shutting down the embedded database failed", e);
    }
  }

  @Override
  public String toString() {
    return "AlchemistDatabase[" + dialect + ", " + settings + "]";
  }
}
