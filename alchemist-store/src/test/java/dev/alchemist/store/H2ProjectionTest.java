package dev.alchemist.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.alchemist.core.DomainEvent;
import dev.alchemist.store.internal.DefaultAlchemistDatabase;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The projection contract on H2, plus H2's retention: a DELETE of older rows. */
class H2ProjectionTest extends ProjectionContract {
  private final String url = "jdbc:h2:mem:" + java.util.UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";

  @Override
  protected AlchemistDatabase.Builder builder() {
    return AlchemistDatabase.builder().jdbcUrl(url).schema("alchemist");
  }

  @Override
  protected String windowStart() {
    return "DATE_TRUNC('MINUTE', CURRENT_TIMESTAMP - INTERVAL '1' HOUR)";
  }

  @Override
  protected void dropSchema() throws Exception {
    try (var c = java.sql.DriverManager.getConnection(url);
        var s = c.createStatement()) {
      s.execute("SHUTDOWN");
    }
  }

  @Test
  void maintenance_onH2_deletesEventsOlderThanTheRetention() {
    String domain = uniqueDomain();
    Instant now = Instant.parse("2030-03-10T12:00:00Z");
    DomainEvent old = DomainEvent.of(domain, "e", "t", null, now.minus(Duration.ofDays(8)), "");
    DomainEvent kept = DomainEvent.of(domain, "e", "t", null, now.minus(Duration.ofDays(6)), "");
    db.events().insertAll(List.of(old, kept));

    var report = ((DefaultAlchemistDatabase) db).domainStatsStore().maintainAt(now);

    assertThat(report.deletedEvents()).isGreaterThanOrEqualTo(1);
    assertThat(report.created()).isEmpty();
    assertThat(db.events().find(old.id())).isEmpty();
    assertThat(db.events().find(kept.id())).contains(kept);
  }
}
