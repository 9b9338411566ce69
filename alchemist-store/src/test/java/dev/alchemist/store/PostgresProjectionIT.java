package dev.alchemist.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.alchemist.core.DomainEvent;
import dev.alchemist.core.DomainStats;
import dev.alchemist.testing.PostgresAddress;
import dev.alchemist.testing.TestServices;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The projection contract on the shared PostgreSQL, in a schema of its own, plus what only the
 * partitioned table does: a day without a partition, and a partition dropped behind the cache.
 */
class PostgresProjectionIT extends ProjectionContract {
  private final PostgresAddress pg = TestServices.postgres();
  private final String schema = TestServices.uniquePrefix("projection_it");

  @Override
  protected AlchemistDatabase.Builder builder() {
    return PgSchemas.builder(pg, schema);
  }

  @Override
  protected String windowStart() {
    return "date_trunc('minute', now() - interval '1 hour')";
  }

  @Override
  protected void dropSchema() throws Exception {
    PgSchemas.drop(pg, schema);
  }

  private boolean partitionExists(LocalDate day) throws Exception {
    try (Connection c = pg.connect();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT to_regclass('"
                    + schema
                    + ".events_p"
                    + day.toString().replace("-", "")
                    + "') IS NOT NULL")) {
      rs.next();
      return rs.getBoolean(1);
    }
  }

  @Test
  void store_forADayWithoutAPartition_createsItAndStores() throws Exception {
    String domain = uniqueDomain();
    Instant later = Instant.now().plus(Duration.ofDays(20)).truncatedTo(ChronoUnit.MICROS);
    LocalDate day = LocalDate.ofInstant(later, ZoneOffset.UTC);
    assertThat(partitionExists(day)).as("beyond the partitions ahead").isFalse();
    DomainEvent e = DomainEvent.of(domain, "e", "t", "s", later, "");

    assertThat(db.eventProjection().store(List.of(e))).isEqualTo(1);

    assertThat(partitionExists(day)).isTrue();
    assertThat(db.events().find(e.id())).isPresent();
    // a future event counts in the window, as it did in the guide's view (created_at > now - 1h)
    assertThat(db.domainStats().forDomain(domain))
        .hasValueSatisfying(s -> assertThat(s.eventCount()).isEqualTo(1));
  }

  @Test
  void store_partitionDroppedBehindTheCache_recreatesItAndRetries() throws Exception {
    String domain = uniqueDomain();
    Instant later = Instant.now().plus(Duration.ofDays(30)).truncatedTo(ChronoUnit.MICROS);
    LocalDate day = LocalDate.ofInstant(later, ZoneOffset.UTC);
    DomainEvent first = DomainEvent.of(domain, "e", "t", "s", later, "");
    DomainEvent again = DomainEvent.of(domain, "e", "t", "s", later.plusMillis(1), "");
    assertThat(db.eventProjection().store(List.of(first))).isEqualTo(1); // creates the day
    assertThat(db.eventProjection().store(List.of(again))).isEqualTo(1); // finds it, remembers it
    // the store now believes the day has a partition; another instance drops it meanwhile
    try (Connection c = pg.connect();
        Statement s = c.createStatement()) {
      s.execute("DROP TABLE " + schema + ".events_p" + day.toString().replace("-", ""));
    }
    DomainEvent second = DomainEvent.of(domain, "e", "t", "s2", later.plusSeconds(1), "");

    assertThat(db.eventProjection().store(List.of(second))).isEqualTo(1);

    assertThat(db.events().find(second.id())).isPresent();
    assertThat(partitionExists(day)).isTrue();
  }

  @Test
  void append_forADayWithoutAPartition_createsItInTheSameTransaction() throws Exception {
    String domain = uniqueDomain();
    Instant later = Instant.now().plus(Duration.ofDays(40)).truncatedTo(ChronoUnit.MICROS);
    DomainEvent e = DomainEvent.of(domain, "e", "t", null, later, "");
    db.events().append(e);
    assertThat(db.events().find(e.id())).contains(e);
    assertThat(partitionExists(LocalDate.ofInstant(later, ZoneOffset.UTC))).isTrue();
    assertThat(db.domainStats().forDomain(domain)).contains(new DomainStats(domain, 1, later, 0));
  }
}
