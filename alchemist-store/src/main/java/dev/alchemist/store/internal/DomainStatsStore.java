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
import io.micrometer.core.instrument.MeterRegistry;
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
 * Reads and refreshes {@code domain_stats}.
 *
 * <p>Many instances share one database, so a refresh is guarded twice. A transaction-scoped lock
 * ({@code pg_try_advisory_xact_lock} on PostgreSQL, a row lock on {@code domain_stats_refresh} on
 * H2) makes concurrent attempts skip instead of queueing; and the scheduled tick also skips when
 * {@code domain_stats_refresh.refreshed_at} says another instance refreshed less than half an
 * interval ago. Together, N instances ticking every minute refresh about once a minute between
 * them, not N times.
 *
 * <p>Staleness is measured in database time ({@code now() - refreshed_at} as of the last check)
 * plus the local time since that check, so skew between the hosts' clocks and the database's does
 * not show up as staleness.
 */
public final class DomainStatsStore implements DomainStatsReader, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DomainStatsStore.class);

  /** Both ints of the two-key advisory lock: the library's and this schema's view. */
  static final String PG_LOCK_KEYS =
      "hashtext('alchemist'), hashtext(current_schema() || '.domain_stats')";

  private static final String PG_REFRESH = "REFRESH MATERIALIZED VIEW CONCURRENTLY domain_stats";
  private static final String H2_REFRESH =
      "INSERT INTO domain_stats (domain, event_count, last_event_at, unique_sessions)"
          + " SELECT domain, count(*), max(created_at), count(DISTINCT session_id) FROM events"
          + " WHERE created_at > CURRENT_TIMESTAMP - INTERVAL '1' HOUR GROUP BY domain";
  private static final String STATS_COLUMNS =
      "SELECT domain, event_count, last_event_at, unique_sessions FROM domain_stats ";

  private final Sql sql;
  private final Duration interval;
  private final Clock clock;
  private final StoreListener listener;
  private final Timer duration;
  private final Counter failures;
  private final OwnedMeters meters;
  private final AtomicBoolean failureLogged = new AtomicBoolean();
  private @Nullable ScheduledFuture<?> task;

  // The last observation of refreshed_at, as database time, and when it was observed locally.
  private volatile @Nullable Observation observed;

  private record Observation(Instant refreshedAt, Instant databaseNow, long localMillis) {}

  DomainStatsStore(
      Sql sql,
      Duration interval,
      Clock clock,
      MeterRegistry registry,
      Tags tags,
      StoreListener listener) {
    this.sql = sql;
    this.interval = interval;
    this.clock = clock;
    this.listener = listener;
    this.meters = OwnedMeters.of(registry, "the database of pool " + poolName(tags));
    // The gauge first, so that a refusal (another live database with this pool name on the
    // registry) leaves nothing registered.
    meters.exclusive(
        Gauge.builder(
                    "alchemist.store.domain_stats.staleness",
                    this,
                    DomainStatsStore::stalenessSeconds)
                .description(
                    "Seconds since domain_stats was last refreshed by any instance, NaN if unknown")
                .baseUnit("seconds")
                .tags(tags)
                .strongReference(false)
            ::register);
    this.duration =
        meters.shared(
            Timer.builder("alchemist.store.domain_stats.refresh")
                    .description("Time to refresh domain_stats, when this instance did")
                    .tags(tags)
                ::register);
    this.failures =
        meters.shared(
            Counter.builder("alchemist.store.domain_stats.refresh.failures")
                    .description("Refreshes of domain_stats that failed")
                    .tags(tags)
                ::register);
  }

  private static String poolName(Tags tags) {
    for (Tag tag : tags) {
      if (tag.getKey().equals("pool")) {
        return tag.getValue();
      }
    }
    return "?";
  }

  /** Starts the background refresher unless the interval is zero. */
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
      LOG.error("domain_stats refresher failed unexpectedly", e);
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
    return sql.read("domainStats.refreshedAt", this::observe).refreshedAt();
  }

  @Override
  public RefreshOutcome refreshNow() {
    return refresh(false);
  }

  /** What the scheduled tick does: {@link #refreshNow()} unless another instance just did it. */
  public RefreshOutcome refreshIfDue() {
    return refresh(true);
  }

  private RefreshOutcome refresh(boolean onlyIfDue) {
    long start = System.nanoTime();
    try {
      RefreshOutcome outcome =
          sql.inTransaction("domainStats.refresh", h -> refreshInTransaction(h, onlyIfDue));
      if (outcome == RefreshOutcome.REFRESHED) {
        duration.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        sql.read("domainStats.refreshedAt", this::observe);
      }
      failureLogged.set(false);
      return outcome;
    } catch (DatabaseException e) {
      failures.increment();
      // Logged once per run of failures, not once a minute for as long as the database is down.
      if (failureLogged.compareAndSet(false, true)) {
        LOG.warn("refreshing domain_stats failed; retrying every {}: {}", interval, e.getMessage());
      }
      try {
        listener.onRefreshFailed(e);
      } catch (RuntimeException listenerFailure) {
        LOG.warn("StoreListener.onRefreshFailed threw", listenerFailure);
      }
      throw e;
    }
  }

  private RefreshOutcome refreshInTransaction(Handle h, boolean onlyIfDue) {
    if (sql.dialect == Dialect.POSTGRESQL) {
      boolean locked =
          h.createQuery("SELECT pg_try_advisory_xact_lock(" + PG_LOCK_KEYS + ")")
              .mapTo(Boolean.class)
              .one();
      if (!locked) {
        observe(h);
        return RefreshOutcome.LOCKED_ELSEWHERE;
      }
    } else {
      // H2 has no advisory locks; the row lock serializes refreshes (it waits rather than skips).
      h.createQuery("SELECT refreshed_at FROM domain_stats_refresh WHERE id = 1 FOR UPDATE")
          .mapTo(Instant.class)
          .one();
    }
    Observation now = observe(h);
    if (onlyIfDue
        && Duration.between(now.refreshedAt(), now.databaseNow()).compareTo(interval.dividedBy(2))
            < 0) {
      return RefreshOutcome.FRESH_ENOUGH;
    }
    if (sql.dialect == Dialect.POSTGRESQL) {
      h.execute(PG_REFRESH);
    } else {
      h.execute("DELETE FROM domain_stats");
      h.execute(H2_REFRESH);
    }
    h.execute("UPDATE domain_stats_refresh SET refreshed_at = CURRENT_TIMESTAMP WHERE id = 1");
    return RefreshOutcome.REFRESHED;
  }

  private Observation observe(Handle h) {
    Observation o =
        h.createQuery("SELECT refreshed_at, CURRENT_TIMESTAMP AS db_now FROM domain_stats_refresh")
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

  /** Seconds since the last refresh by any instance, NaN before the first observation. */
  double stalenessSeconds() {
    Observation o = observed;
    if (o == null) {
      return Double.NaN;
    }
    long millis =
        Duration.between(o.refreshedAt(), o.databaseNow()).toMillis()
            + (clock.millis() - o.localMillis());
    return Math.max(0, millis) / 1000.0;
  }

  @Override
  public void close() {
    ScheduledFuture<?> t = task;
    if (t != null) {
      t.cancel(false);
    }
    meters.close();
  }
}
