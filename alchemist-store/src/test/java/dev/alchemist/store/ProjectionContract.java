package dev.alchemist.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.alchemist.core.DomainEvent;
import dev.alchemist.core.DomainStats;
import dev.alchemist.store.internal.DefaultAlchemistDatabase;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
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
 * {@link EventProjection} and the incremental {@code domain_stats} on every dialect: run against
 * PostgreSQL ({@link PostgresProjectionIT}) and H2 ({@link H2ProjectionTest}). Each test uses
 * domains of its own.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ProjectionContract {
  protected AlchemistDatabase db;
  protected SimpleMeterRegistry registry;

  protected abstract AlchemistDatabase.Builder builder();

  protected void dropSchema() throws Exception {}

  @BeforeAll
  void open() {
    registry = new SimpleMeterRegistry();
    db = builder().meterRegistry(registry).maintenanceInterval(Duration.ZERO).build();
  }

  @AfterAll
  void close() throws Exception {
    if (db != null) {
      db.close();
    }
    dropSchema();
  }

  static String uniqueDomain() {
    return "p" + UUID.randomUUID().toString().replace("-", "").substring(0, 20);
  }

  static Instant now() {
    return Instant.now().truncatedTo(ChronoUnit.MICROS);
  }

  private double counted(String outcome) {
    return registry
        .get("alchemist.store.projection.events")
        .tag("outcome", outcome)
        .counter()
        .count();
  }

  private long rows(String domain) throws Exception {
    try (Connection c = db.dataSource().getConnection();
        PreparedStatement s = c.prepareStatement("SELECT count(*) FROM events WHERE domain = ?")) {
      s.setString(1, domain);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  @Test
  void store_sameBatchTwice_storesAndCountsOnce() throws Exception {
    String domain = uniqueDomain();
    Instant now = now();
    List<DomainEvent> batch = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      batch.add(DomainEvent.of(domain, "e", "t", "s" + (i % 7), now.minusSeconds(i), "{}"));
    }
    double storedBefore = counted("stored");
    double duplicatesBefore = counted("duplicate");

    assertThat(db.eventProjection().store(batch)).isEqualTo(50);
    assertThat(db.eventProjection().store(batch)).isZero();

    assertThat(rows(domain)).isEqualTo(50);
    assertThat(db.domainStats().forDomain(domain)).contains(new DomainStats(domain, 50, now, 7));
    assertThat(counted("stored") - storedBefore).isEqualTo(50);
    assertThat(counted("duplicate") - duplicatesBefore).isEqualTo(50);
    assertThat(registry.get("alchemist.store.projection.store").timer().count()).isPositive();
  }

  @Test
  void store_duplicateWithinOneBatch_storedOnce() throws Exception {
    String domain = uniqueDomain();
    DomainEvent e = DomainEvent.of(domain, "e", "t", "s", now(), "");
    assertThat(db.eventProjection().store(List.of(e, e, e))).isEqualTo(1);
    assertThat(rows(domain)).isEqualTo(1);
    assertThat(db.domainStats().forDomain(domain))
        .contains(new DomainStats(domain, 1, e.createdAt(), 1));
  }

  @Test
  void store_twoThreadsOverlappingBatches_eachEventStoredAndCountedOnce() throws Exception {
    String domain = uniqueDomain();
    Instant now = now();
    List<DomainEvent> all = new ArrayList<>();
    for (int i = 0; i < 600; i++) {
      all.add(DomainEvent.of(domain, "e", "t", "s" + (i % 40), now.minusMillis(i * 50L), ""));
    }
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      for (int round = 0; round < 3; round++) {
        // both threads store every event, in batches that overlap differently and shuffled
        List<DomainEvent> a = new ArrayList<>(all.subList(round * 200, all.size()));
        List<DomainEvent> b = new ArrayList<>(all.subList(0, 400 + round * 100));
        Collections.shuffle(a, new Random(round));
        Collections.shuffle(b, new Random(round + 100));
        CyclicBarrier start = new CyclicBarrier(2);
        Future<Integer> fa = pool.submit(() -> storeInBatches(start, a, 70));
        Future<Integer> fb = pool.submit(() -> storeInBatches(start, b, 90));
        fa.get(60, TimeUnit.SECONDS);
        fb.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(rows(domain)).isEqualTo(600);
    assertThat(db.domainStats().forDomain(domain)).contains(new DomainStats(domain, 600, now, 40));
    assertThat(bruteForce(domain)).isEqualTo(db.domainStats().forDomain(domain));
  }

  @Test
  void insertAll_fromFourThreadsIntoOneDomainAndMinute_allCommitAndCountExactly() throws Exception {
    String domain = uniqueDomain();
    Instant now = now();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      CyclicBarrier start = new CyclicBarrier(4);
      List<Future<Integer>> done = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int thread = t;
        done.add(
            pool.submit(
                () -> {
                  start.await();
                  int n = 0;
                  for (int b = 0; b < 40; b++) {
                    List<DomainEvent> batch = new ArrayList<>();
                    for (int i = 0; i < 5; i++) {
                      // sessions shared between the threads, new ones appearing all the time
                      String session = "s" + ((b * 5 + i + thread) % 60);
                      batch.add(
                          DomainEvent.of(
                              domain, "e", "t", session, now.minusMillis(b * 10L + thread), ""));
                    }
                    n += db.events().insertAll(batch);
                  }
                  return n;
                }));
      }
      for (Future<Integer> f : done) {
        assertThat(f.get(60, TimeUnit.SECONDS)).isEqualTo(200);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(rows(domain)).isEqualTo(800);
    assertThat(db.domainStats().forDomain(domain)).isEqualTo(bruteForce(domain));
    assertThat(db.domainStats().forDomain(domain))
        .hasValueSatisfying(st -> assertThat(st.uniqueSessions()).isEqualTo(60));
  }

  private int storeInBatches(CyclicBarrier start, List<DomainEvent> events, int size)
      throws Exception {
    start.await();
    int stored = 0;
    for (int i = 0; i < events.size(); i += size) {
      stored += db.eventProjection().store(events.subList(i, Math.min(events.size(), i + size)));
    }
    return stored;
  }

  @Test
  void domainStats_everyWritePathTogether_matchesBruteForceOverEvents() throws Exception {
    String a = uniqueDomain();
    String b = uniqueDomain();
    Instant now = now();
    Random random = new Random(7);
    List<DomainEvent> projected = new ArrayList<>();
    List<DomainEvent> inserted = new ArrayList<>();
    List<DomainEvent> loaded = new ArrayList<>();
    for (int i = 0; i < 900; i++) {
      String domain = i % 3 == 0 ? b : a;
      // inside the window, around its start, and before it
      Instant at = now.minusSeconds(random.nextInt(2 * 3600));
      String session = random.nextInt(5) == 0 ? null : "s" + random.nextInt(120);
      DomainEvent e = DomainEvent.of(domain, "e", "t", session, at, "");
      (i % 3 == 0 ? projected : i % 3 == 1 ? inserted : loaded).add(e);
    }
    db.eventProjection().store(projected);
    db.events().insertAll(inserted);
    db.events().bulkLoad(loaded);
    db.events().append(DomainEvent.of(a, "e", "t", "late", now, ""));

    for (String domain : List.of(a, b)) {
      Optional<DomainStats> view = db.domainStats().forDomain(domain);
      assertThat(view).isPresent();
      assertThat(view).as(domain).isEqualTo(bruteForce(domain));
    }
    assertThat(db.domainStats().all()).extracting(DomainStats::domain).contains(a, b);
  }

  @Test
  void append_inATransactionThatRollsBack_leavesNeitherTheRowNorItsCount() {
    String domain = uniqueDomain();
    DomainEvent e = DomainEvent.of(domain, "e", "t", null, now(), "");
    assertThatThrownBy(
            () ->
                db.useTransaction(
                    tx -> {
                      tx.events().append(e);
                      throw new IllegalStateException("rolled back on purpose");
                    }))
        .hasMessageContaining("rolled back on purpose");
    assertThat(db.events().find(e.id())).isEmpty();
    assertThat(db.domainStats().forDomain(domain)).isEmpty();

    db.useTransaction(tx -> tx.events().append(e));

    assertThat(db.domainStats().forDomain(domain))
        .contains(new DomainStats(domain, 1, e.createdAt(), 0));
  }

  @Test
  void sessions_movingToALaterMinute_countOnce_andALateEventDoesNotMoveThemBack() throws Exception {
    String domain = uniqueDomain();
    Instant now = now();
    EventProjection p = db.eventProjection();

    p.store(List.of(DomainEvent.of(domain, "e", "t", "s1", now.minus(Duration.ofMinutes(50)), "")));
    assertThat(db.domainStats().forDomain(domain))
        .contains(new DomainStats(domain, 1, now.minus(Duration.ofMinutes(50)), 1))
        .isEqualTo(bruteForce(domain));

    // s1's newest event moves 40 minutes later: still one session
    p.store(List.of(DomainEvent.of(domain, "e", "t", "s1", now.minus(Duration.ofMinutes(10)), "")));
    assertThat(db.domainStats().forDomain(domain))
        .contains(new DomainStats(domain, 2, now.minus(Duration.ofMinutes(10)), 1))
        .isEqualTo(bruteForce(domain));

    // a late event of s1 between the two: counted, but s1's newest event stays the later one
    p.store(List.of(DomainEvent.of(domain, "e", "t", "s1", now.minus(Duration.ofMinutes(30)), "")));
    assertThat(db.domainStats().forDomain(domain))
        .contains(new DomainStats(domain, 3, now.minus(Duration.ofMinutes(10)), 1))
        .isEqualTo(bruteForce(domain));

    // s2 was last seen before the window, then comes back inside it: one more session
    p.store(List.of(DomainEvent.of(domain, "e", "t", "s2", now.minus(Duration.ofMinutes(70)), "")));
    assertThat(db.domainStats().forDomain(domain)).isEqualTo(bruteForce(domain));
    p.store(List.of(DomainEvent.of(domain, "e", "t", "s2", now.minusSeconds(5), "")));
    assertThat(db.domainStats().forDomain(domain))
        .contains(new DomainStats(domain, 4, now.minusSeconds(5), 2))
        .isEqualTo(bruteForce(domain));
    assertThat(
            count("SELECT sum(newest_sessions) FROM domain_stats_minute WHERE domain = ?", domain))
        .as("each session counted in exactly one minute")
        .isEqualTo(2);
  }

  @Test
  void store_eventOlderThanRetention_isSkippedAndCounted() throws Exception {
    String domain = uniqueDomain();
    Instant now = now();
    DomainEvent old = DomainEvent.of(domain, "e", "t", "s", now.minus(Duration.ofDays(8)), "");
    DomainEvent fresh = DomainEvent.of(domain, "e", "t", "s", now, "");
    double expiredBefore = counted("expired");

    assertThat(db.eventProjection().store(List.of(old, fresh))).isEqualTo(1);
    assertThat(db.eventProjection().store(List.of(old))).isZero();

    assertThat(db.events().find(old.id())).isEmpty();
    assertThat(db.events().find(fresh.id())).contains(fresh);
    assertThat(counted("expired") - expiredBefore).isEqualTo(2);
  }

  @Test
  void store_eventDatedYearsAhead_isSkippedAndCounted_andTheBatchGoesOn() throws Exception {
    String domain = uniqueDomain();
    DomainEvent broken =
        DomainEvent.of(domain, "e", "t", "s", Instant.parse("+10000-01-01T00:00:00Z"), "");
    DomainEvent ok = DomainEvent.of(domain, "e", "t", "s", now(), "");
    double before = counted("future");

    assertThat(db.eventProjection().store(List.of(broken, ok))).isEqualTo(1);

    assertThat(db.events().find(ok.id())).contains(ok);
    assertThat(rows(domain)).isEqualTo(1);
    assertThat(counted("future") - before).isEqualTo(1);
  }

  @Test
  void store_badInputs_throwIllegalArgumentAndStoreNothing() throws Exception {
    String domain = uniqueDomain();
    assertThatThrownBy(() -> db.eventProjection().store(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("events must not be null");
    List<DomainEvent> withNull = new ArrayList<>();
    withNull.add(DomainEvent.of(domain, "e", "t", null, now(), ""));
    withNull.add(null);
    assertThatThrownBy(() -> db.eventProjection().store(withNull))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("events[1] must not be null");
    List<DomainEvent> tooMany = new ArrayList<>();
    for (int i = 0; i <= EventProjection.MAX_BATCH; i++) {
      tooMany.add(DomainEvent.of(domain, "e", "t", null, now(), ""));
    }
    assertThatThrownBy(() -> db.eventProjection().store(tooMany))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("events must hold at most 10000 events but held 10001");
    assertThat(db.eventProjection().store(List.of())).isZero();
    assertThat(rows(domain)).isZero();
  }

  @Test
  void store_largestBatch_isStoredInOneCall() throws Exception {
    String domain = uniqueDomain();
    Instant now = now();
    List<DomainEvent> batch = new ArrayList<>();
    for (int i = 0; i < EventProjection.MAX_BATCH; i++) {
      batch.add(DomainEvent.of(domain, "e", "t", "s" + (i % 100), now.minusMillis(i), ""));
    }
    assertThat(db.eventProjection().store(batch)).isEqualTo(EventProjection.MAX_BATCH);
    assertThat(db.domainStats().forDomain(domain))
        .contains(new DomainStats(domain, EventProjection.MAX_BATCH, now, 100));
  }

  @Test
  void maintenance_prunesRollupsThatLeftTheWindow_andDomainStatsIsUnchanged() throws Exception {
    String domain = uniqueDomain();
    Instant now = now();
    db.eventProjection()
        .store(
            List.of(
                DomainEvent.of(domain, "e", "t", "gone", now.minus(Duration.ofHours(3)), ""),
                DomainEvent.of(domain, "e", "t", "here", now.minusSeconds(1), "")));
    Optional<DomainStats> before = db.domainStats().forDomain(domain);

    DefaultAlchemistDatabase impl = (DefaultAlchemistDatabase) db;
    var report = impl.domainStatsStore().maintainAt(Instant.now());

    assertThat(report.outcome()).isEqualTo(RefreshOutcome.REFRESHED);
    assertThat(report.prunedMinutes()).isGreaterThanOrEqualTo(1);
    assertThat(report.prunedSessions()).isGreaterThanOrEqualTo(1);
    assertThat(db.domainStats().forDomain(domain)).isEqualTo(before).isEqualTo(bruteForce(domain));
    assertThat(count("SELECT count(*) FROM domain_sessions WHERE domain = ?", domain)).isEqualTo(1);
  }

  private long count(String sql, String domain) throws Exception {
    try (Connection c = db.dataSource().getConnection();
        PreparedStatement s = c.prepareStatement(sql)) {
      s.setString(1, domain);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  /** The guide's aggregate over events itself, for the same window, in the view's transaction. */
  protected abstract String windowStart();

  Optional<DomainStats> bruteForce(String domain) throws Exception {
    try (Connection c = db.dataSource().getConnection()) {
      c.setAutoCommit(false);
      try {
        Optional<DomainStats> brute;
        try (PreparedStatement s =
            c.prepareStatement(
                "SELECT count(*), max(created_at), count(DISTINCT session_id) FROM events"
                    + " WHERE domain = ? AND created_at >= "
                    + windowStart())) {
          s.setString(1, domain);
          try (ResultSet rs = s.executeQuery()) {
            rs.next();
            long n = rs.getLong(1);
            brute =
                n == 0
                    ? Optional.empty()
                    : Optional.of(
                        new DomainStats(
                            domain,
                            n,
                            rs.getObject(2, java.time.OffsetDateTime.class).toInstant(),
                            rs.getLong(3)));
          }
        }
        // the view, in the same transaction: the same now()
        try (PreparedStatement s =
            c.prepareStatement(
                "SELECT event_count, last_event_at, unique_sessions FROM domain_stats"
                    + " WHERE domain = ?")) {
          s.setString(1, domain);
          try (ResultSet rs = s.executeQuery()) {
            Optional<DomainStats> view =
                rs.next()
                    ? Optional.of(
                        new DomainStats(
                            domain,
                            rs.getLong(1),
                            rs.getObject(2, java.time.OffsetDateTime.class).toInstant(),
                            rs.getLong(3)))
                    : Optional.empty();
            assertThat(view).as("view in the brute force's transaction").isEqualTo(brute);
          }
        }
        return brute;
      } finally {
        c.rollback();
      }
    }
  }
}
