package dev.alchemist.store.internal;

import dev.alchemist.core.Checks;
import dev.alchemist.core.DomainStats;
import dev.alchemist.core.internal.OwnedMeters;
import dev.alchemist.store.DatabaseException;
import dev.alchemist.store.Dialect;
import dev.alchemist.store.DomainStatsReader;
import dev.alchemist.store.RefreshOutcome;
import dev.alchemist.store.StoreListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jdbi.v3.core.Handle;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads {@code domain_stats} (a plain view over the rollups that {@link EventWrites} keeps) and
 * runs the store's maintenance: {@code events} partitions created ahead and dropped after the
 * retention on PostgreSQL (older rows deleted on H2), and rollup rows that left the window pruned.
 *
 * <p>Many instances share one database, so a maintenance run is guarded twice. A transaction-scoped
 * lock ({@code pg_try_advisory_xact_lock} on PostgreSQL, a row lock on {@code store_maintenance} on
 * H2) makes concurrent attempts skip instead of queueing; and the scheduled tick also skips when
 * {@code store_maintenance.ran_at} says another instance ran it less than half an interval ago.
 *
 * <p>The age gauge is measured in database time ({@code now() - ran_at} as of the last check) plus
 * the local time since that check, so skew between the hosts' clocks and the database's does not
 * show up as age. Which day is "today" comes from the configured clock; what is deleted and dropped
 * goes by the earlier of that clock and the database's.
 */
public final class DomainStatsStore implements DomainStatsReader, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DomainStatsStore.class);

  /** Both ints of the two-key advisory lock: the library's and this schema's maintenance. */
  static final String PG_LOCK_KEYS =
      "hashtext('alchemist'), hashtext(current_schema() || '.store_maintenance')";

  /** How long rollup rows are kept past the hour window, for readers with a lagging clock. */
  static final Duration ROLLUP_MARGIN = Duration.ofMinutes(10);

  /**
   * A maintenance run gives up on a lock on {@code events} after this, rather than stall writes.
   */
  private static final String PG_LOCK_TIMEOUT = "SET LOCAL lock_timeout = '5s'";

  private static final String STATS_COLUMNS =
      "SELECT domain, event_count, last_event_at, unique_sessions FROM domain_stats ";

  private final Sql sql;
  private final @Nullable Partitions partitions;
  private final Duration retention;
  private final int partitionsAhead;
  private final Duration interval;
  private final Clock clock;
  private final StoreListener listener;
  private final Timer duration;
  private final Counter failures;
  private final Counter partitionsCreated;
  private final Counter partitionsDropped;
  private final AtomicBoolean failureLogged = new AtomicBoolean();
  private @Nullable ScheduledFuture<?> task;

  // The last observation of ran_at, as database time, and when it was observed locally.
  private volatile @Nullable Observation observed;

  private record Observation(Instant ranAt, Instant databaseNow, long localMillis) {}

  /**
   * What one maintenance run did.
   *
   * @param outcome whether it ran
   * @param created partitions created
   * @param dropped partitions dropped
   * @param deletedEvents rows deleted for retention (H2; PostgreSQL drops partitions instead)
   * @param prunedMinutes minute rollup rows pruned
   * @param prunedSessions session rows pruned
   */
  public record Report(
      RefreshOutcome outcome,
      List<String> created,
      List<String> dropped,
      int deletedEvents,
      int prunedMinutes,
      int prunedSessions) {
    static Report skipped(RefreshOutcome outcome) {
      return new Report(outcome, List.of(), List.of(), 0, 0, 0);
    }
  }

  DomainStatsStore(
      Sql sql,
      @Nullable Partitions partitions,
      Duration retention,
      int partitionsAhead,
      Duration interval,
      Clock clock,
      OwnedMeters meters,
      Tags tags,
      StoreListener listener) {
    this.sql = sql;
    this.partitions = partitions;
    this.retention = retention;
    this.partitionsAhead = partitionsAhead;
    this.interval = interval;
    this.clock = clock;
    this.listener = listener;
    // The gauge first, so that a refusal (another live database with this pool name on the
    // registry) leaves nothing registered.
    meters.exclusive(
        Gauge.builder("alchemist.store.maintenance.age", this, DomainStatsStore::ageSeconds)
                .description(
                    "Seconds since any instance last ran the store maintenance, NaN if unknown")
                .baseUnit("seconds")
                .tags(tags)
                .strongReference(false)
            ::register);
    this.duration =
        meters.shared(
            Timer.builder("alchemist.store.maintenance")
                    .description("Time of a maintenance run, when this instance ran it")
                    .tags(tags)
                ::register);
    this.failures =
        meters.shared(
            Counter.builder("alchemist.store.maintenance.failures")
                    .description("Maintenance runs that failed")
                    .tags(tags)
                ::register);
    this.partitionsCreated = partitionCounter(meters, tags, "created");
    this.partitionsDropped = partitionCounter(meters, tags, "dropped");
  }

  private static Counter partitionCounter(OwnedMeters meters, Tags tags, String action) {
    return meters.shared(
        Counter.builder("alchemist.store.events.partitions")
                .description("Daily events partitions the maintenance created or dropped")
                .tags(tags)
                .tag("action", action)
            ::register);
  }

  static String poolName(Tags tags) {
    for (Tag tag : tags) {
      if (tag.getKey().equals("pool")) {
        return tag.getValue();
      }
    }
    return "?";
  }

  /** Schedules the maintenance unless the interval is zero. */
  void start(ScheduledExecutorService scheduler) {
    if (!interval.isZero()) {
      long millis = interval.toMillis();
      task = scheduler.scheduleWithFixedDelay(this::tick, millis, millis, TimeUnit.MILLISECONDS);
    }
  }

  /** One scheduled run; never throws, so the schedule survives failures. */
  public void tick() {
    try {
      refreshIfDue();
    } catch (DatabaseException e) {
      // refreshIfDue already counted and reported it
    } catch (RuntimeException e) {
      LOG.error("store maintenance failed unexpectedly", e);
    }
  }

  @Override
  public List<DomainStats> all() {
    return sql.read(
        "domainStats.all",
        h -> h.createQuery(STATS_COLUMNS + "ORDER BY domain").mapTo(DomainStats.class).list());
  }

  @Override
  public Optional<DomainStats> forDomain(String domain) {
    Checks.token("domain", domain);
    return sql.read(
        "domainStats.forDomain",
        h ->
            h.createQuery(STATS_COLUMNS + "WHERE domain = ?")
                .bind(0, domain)
                .mapTo(DomainStats.class)
                .findOne());
  }

  @Override
  public Instant refreshedAt() {
    return sql.read(
        "domainStats.refreshedAt",
        h ->
            h.createQuery("SELECT CURRENT_TIMESTAMP")
                .mapTo(java.time.OffsetDateTime.class)
                .one()
                .toInstant());
  }

  @Override
  public RefreshOutcome refreshNow() {
    return run(false, clock.instant(), false).outcome();
  }

  /** What the scheduled tick does: {@link #refreshNow()} unless another instance just did it. */
  public RefreshOutcome refreshIfDue() {
    return run(true, clock.instant(), false).outcome();
  }

  /** One maintenance run as of {@code now} (instead of the clock's), for tests and tools. */
  public Report maintainAt(Instant now) {
    dev.alchemist.core.Checks.notNull("now", now);
    return run(false, now, true);
  }

  private Report run(boolean onlyIfDue, Instant now, boolean explicit) {
    long start = System.nanoTime();
    try {
      Report report =
          sql.inTransaction("maintenance", h -> runInTransaction(h, onlyIfDue, now, explicit));
      if (report.outcome() == RefreshOutcome.REFRESHED) {
        duration.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        partitionsCreated.increment(report.created().size());
        partitionsDropped.increment(report.dropped().size());
        if (!report.created().isEmpty() || !report.dropped().isEmpty()) {
          LOG.info("events partitions created {}, dropped {}", report.created(), report.dropped());
        }
        sql.read("maintenance.ranAt", this::observe);
      }
      failureLogged.set(false);
      return report;
    } catch (DatabaseException e) {
      failures.increment();
      // Logged once per run of failures, not once a minute for as long as the database is down.
      if (failureLogged.compareAndSet(false, true)) {
        LOG.warn("store maintenance failed; retrying every {}: {}", interval, e.getMessage());
      }
      try {
        listener.onMaintenanceFailed(e);
      } catch (RuntimeException listenerFailure) {
        LOG.warn("StoreListener.onMaintenanceFailed threw", listenerFailure);
      }
      throw e;
    }
  }

  private Report runInTransaction(Handle h, boolean onlyIfDue, Instant now, boolean explicit) {
    if (sql.dialect == Dialect.POSTGRESQL) {
      boolean locked =
          h.createQuery("SELECT pg_try_advisory_xact_lock(" + PG_LOCK_KEYS + ")")
              .mapTo(Boolean.class)
              .one();
      if (!locked) {
        observe(h);
        return Report.skipped(RefreshOutcome.LOCKED_ELSEWHERE);
      }
    } else {
      // H2 has no advisory locks; the row lock serializes runs (it waits rather than skips).
      h.createQuery("SELECT ran_at FROM store_maintenance WHERE id = 1 FOR UPDATE")
          .mapTo(java.time.OffsetDateTime.class)
          .one();
    }
    Observation seen = observe(h);
    if (onlyIfDue
        && Duration.between(seen.ranAt(), seen.databaseNow()).compareTo(interval.dividedBy(2))
            < 0) {
      return Report.skipped(RefreshOutcome.FRESH_ENOUGH);
    }
    // What is deleted is decided by the earlier of this host's clock and the database's, so a host
    // clock running ahead cannot drop days early. An explicit maintainAt(now) uses its now.
    Instant deleteNow = explicit || now.isBefore(seen.databaseNow()) ? now : seen.databaseNow();
    // Minute-aligned, so that a session is kept exactly when the minute of its newest event is.
    Instant rollupCutoff =
        deleteNow
            .minus(Duration.ofHours(1))
            .minus(ROLLUP_MARGIN)
            .truncatedTo(java.time.temporal.ChronoUnit.MINUTES);
    Instant eventCutoff = deleteNow.minus(retention);
    // Rows first, DDL last: the exclusive lock on events that DDL takes lasts only until commit.
    int minutes =
        h.createUpdate("DELETE FROM domain_stats_minute WHERE minute_start < ?")
            .bind(0, rollupCutoff)
            .execute();
    int sessions =
        h.createUpdate("DELETE FROM domain_sessions WHERE last_seen < ?")
            .bind(0, rollupCutoff)
            .execute();
    int deleted = 0;
    List<String> created = new java.util.ArrayList<>();
    List<String> dropped = List.of();
    if (partitions != null) {
      h.execute(PG_LOCK_TIMEOUT);
      h.createQuery("SELECT 1 FROM pg_advisory_xact_lock(" + Partitions.LOCK_KEYS + ")")
          .mapTo(Integer.class)
          .one();
      java.time.LocalDate today = Partitions.day(now);
      for (int i = 0; i <= partitionsAhead; i++) {
        java.time.LocalDate day = today.plusDays(i);
        if (Partitions.create(h, day)) {
          created.add(Partitions.name(day));
        }
      }
      dropped = partitions.dropEndingBy(h, eventCutoff);
    } else {
      deleted =
          h.createUpdate("DELETE FROM events WHERE created_at < ?").bind(0, eventCutoff).execute();
    }
    h.execute("UPDATE store_maintenance SET ran_at = CURRENT_TIMESTAMP WHERE id = 1");
    return new Report(RefreshOutcome.REFRESHED, created, dropped, deleted, minutes, sessions);
  }

  private Observation observe(Handle h) {
    Observation o =
        h.createQuery("SELECT ran_at, CURRENT_TIMESTAMP AS db_now FROM store_maintenance")
            .map(
                (rs, ctx) ->
                    new Observation(
                        rs.getObject(1, java.time.OffsetDateTime.class).toInstant(),
                        rs.getObject(2, java.time.OffsetDateTime.class).toInstant(),
                        clock.millis()))
            .one();
    observed = o;
    return o;
  }

  /** Seconds since the last maintenance by any instance, NaN before the first observation. */
  double ageSeconds() {
    Observation o = observed;
    if (o == null) {
      return Double.NaN;
    }
    long millis =
        Duration.between(o.ranAt(), o.databaseNow()).toMillis()
            + (clock.millis() - o.localMillis());
    return Math.max(0, millis) / 1000.0;
  }

  @Override
  public void close() {
    ScheduledFuture<?> t = task;
    if (t != null) {
      t.cancel(false);
    }
  }
}
