package dev.alchemist.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.alchemist.core.DomainEvent;
import dev.alchemist.core.DomainStats;
import dev.alchemist.store.internal.DefaultAlchemistDatabase;
import dev.alchemist.testing.PostgresAddress;
import dev.alchemist.testing.TestServices;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Partitions and retention on the shared PostgreSQL: each test in a schema of its own, since a
 * maintenance run at a chosen "now" drops whatever that now makes old.
 */
class PostgresPartitionsIT {
  private final PostgresAddress pg = TestServices.postgres();
  private final List<String> schemas = new ArrayList<>();

  @AfterEach
  void drop() throws Exception {
    for (String schema : schemas) {
      PgSchemas.drop(pg, schema);
    }
  }

  private String newSchema() {
    String schema = TestServices.uniquePrefix("partitions_it");
    schemas.add(schema);
    return schema;
  }

  private List<String> partitions(String schema) throws Exception {
    List<String> names = new ArrayList<>();
    try (Connection c = pg.connect();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
                    + " WHERE i.inhparent = '"
                    + schema
                    + ".events'::regclass ORDER BY 1")) {
      while (rs.next()) {
        names.add(rs.getString(1));
      }
    }
    return names;
  }

  @Test
  void maintenance_createsPartitionsAhead_andDropsThoseWhollyOlderThanTheRetention()
      throws Exception {
    String schema = newSchema();
    try (AlchemistDatabase db =
        PgSchemas.builder(pg, schema)
            .maintenanceInterval(Duration.ZERO)
            .eventRetention(Duration.ofDays(2))
            .partitionsAhead(2)
            .build()) {
      var maintenance = ((DefaultAlchemistDatabase) db).domainStatsStore();
      Instant day1 = Instant.parse("2031-05-10T08:00:00Z");

      var first = maintenance.maintainAt(day1);

      assertThat(first.outcome()).isEqualTo(RefreshOutcome.REFRESHED);
      assertThat(first.created())
          .containsExactly("events_p20310510", "events_p20310511", "events_p20310512");
      assertThat(partitions(schema))
          .contains("events_p20310510", "events_p20310511", "events_p20310512");
      DomainEvent onDay1 = DomainEvent.of("part", "e", "t", null, day1, "");
      DomainEvent onDay2 =
          DomainEvent.of("part", "e", "t", null, day1.plus(Duration.ofDays(1)), "");
      db.events().insertAll(List.of(onDay1, onDay2));

      // 2031-05-12 08:00 minus 2 days = 05-10 08:00: the 10th is not wholly older yet
      var second = maintenance.maintainAt(day1.plus(Duration.ofDays(2)));
      assertThat(second.dropped()).doesNotContain("events_p20310510");
      assertThat(second.created()).containsExactly("events_p20310513", "events_p20310514");

      // 2031-05-13 00:00 minus 2 days = 05-11 00:00: the 10th ended by then
      var third = maintenance.maintainAt(Instant.parse("2031-05-13T00:00:00Z"));
      assertThat(third.dropped()).contains("events_p20310510").doesNotContain("events_p20310511");
      assertThat(partitions(schema))
          .doesNotContain("events_p20310510")
          .contains("events_p20310511");
      assertThat(db.events().find(onDay1.id())).isEmpty();
      assertThat(db.events().find(onDay2.id())).contains(onDay2);

      // running again changes nothing
      var again = maintenance.maintainAt(Instant.parse("2031-05-13T00:00:00Z"));
      assertThat(again.created()).isEmpty();
      assertThat(again.dropped()).isEmpty();
    }
  }

  @Test
  void start_runsTheMaintenanceOnce_soTodayAndTheDaysAheadExist_andAClockAheadDropsNothing()
      throws Exception {
    String schema = newSchema();
    Instant now = Instant.parse("2032-02-28T23:59:00Z");
    try (AlchemistDatabase db =
        PgSchemas.builder(pg, schema)
            .maintenanceInterval(Duration.ZERO)
            .partitionsAhead(2)
            .clock(java.time.Clock.fixed(now, java.time.ZoneOffset.UTC))
            .build()) {
      assertThat(db.dialect()).isEqualTo(Dialect.POSTGRESQL);
      assertThat(partitions(schema))
          .contains("events_p20320228", "events_p20320229", "events_p20320301");
      // the clock is years ahead of the database: what is dropped goes by the earlier of the two
      String today =
          "events_p"
              + java.time.LocalDate.now(java.time.ZoneOffset.UTC).toString().replace("-", "");
      assertThat(partitions(schema)).contains(today);
      assertThat(db.domainStats().refreshNow()).isEqualTo(RefreshOutcome.REFRESHED);
      assertThat(partitions(schema)).contains(today);
    }
  }

  @Test
  void migrate_fromVersion2WithRows_copiesThemIntoDailyPartitionsAndCountsTheLastHour()
      throws Exception {
    String schema = newSchema();
    Flyway.configure()
        .dataSource(pg.jdbcUrl(), pg.user(), pg.password())
        .schemas(schema)
        .defaultSchema(schema)
        .createSchemas(true)
        .table("alchemist_schema_history")
        .locations("classpath:db/alchemist/postgresql")
        .target("2")
        .load()
        .migrate();
    Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
    try (Connection c = pg.connect();
        Statement s = c.createStatement()) {
      s.execute("SET search_path TO " + schema);
      s.execute(
          "INSERT INTO events (id, domain, entity, type, session_id, created_at, payload) VALUES"
              + " (gen_random_uuid(), 'old', 'e', 't', 's1', now() - interval '3 days', '{}'),"
              + " (gen_random_uuid(), 'old', 'e', 't', 's1', now() - interval '10 minutes', ''),"
              + " (gen_random_uuid(), 'old', 'e', 't', 's2', now() - interval '5 minutes', ''),"
              + " (gen_random_uuid(), 'old', 'e', 't', NULL, now() - interval '1 minute', '')");
    }

    try (AlchemistDatabase db =
        PgSchemas.builder(pg, schema).maintenanceInterval(Duration.ZERO).build()) {
      assertThat(db.domainStats().forDomain("old"))
          .hasValueSatisfying(
              st -> {
                assertThat(st.eventCount()).isEqualTo(3);
                assertThat(st.uniqueSessions()).isEqualTo(2);
                assertThat(st.lastEventAt()).isBefore(now);
              });
      assertThat(db.events().recent("old", 10)).hasSize(4);
      try (Connection c = pg.connect();
          Statement s = c.createStatement();
          ResultSet rs =
              s.executeQuery(
                  "SELECT count(DISTINCT tableoid) FROM "
                      + schema
                      + ".events WHERE domain = 'old'")) {
        rs.next();
        assertThat(rs.getInt(1)).as("partitions holding the copied rows").isGreaterThanOrEqualTo(2);
      }
      // and new events go on being counted
      db.eventProjection().store(List.of(DomainEvent.of("old", "e", "t", "s3", now, "")));
      assertThat(db.domainStats().forDomain("old")).contains(new DomainStats("old", 4, now, 3));
    }
  }
}
