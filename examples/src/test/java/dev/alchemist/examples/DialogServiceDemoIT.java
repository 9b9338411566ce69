package dev.alchemist.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.alchemist.examples.dialog.DialogOptions;
import dev.alchemist.examples.dialog.DialogReport;
import dev.alchemist.testing.PostgresAddress;
import dev.alchemist.testing.ServiceAddress;
import dev.alchemist.testing.TestServices;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.nats.client.Connection;
import io.nats.client.Nats;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/** The demo against the real Redis, NATS JetStream and PostgreSQL, isolated by a prefix. */
class DialogServiceDemoIT {

  private static final int USERS = 20;
  private static final int TURNS = 2;

  @Test
  void run_realServices_consistentAndCleanedUp() throws Exception {
    ServiceAddress redis = TestServices.redis();
    ServiceAddress nats = TestServices.nats();
    PostgresAddress pg = TestServices.postgres();
    String prefix = TestServices.uniquePrefix("demo");
    DialogOptions options = options(USERS, redis, nats, pg, prefix);

    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DialogReport report =
        DialogServiceDemo.run(options, new PrintStream(bytes, true, StandardCharsets.UTF_8));

    var s = report.stats();
    assertThat(report.inconsistencies()).isEmpty();
    assertThat(s.messagesSent()).isEqualTo(USERS * TURNS * 2);
    assertThat(report.messagesInStore()).isEqualTo(s.messagesSent());
    assertThat(s.eventsPublished()).isEqualTo(USERS + USERS * TURNS * 3);
    // JetStream acknowledged every event and the subscription saw every one.
    assertThat(s.eventsAcked()).isEqualTo(s.eventsPublished());
    assertThat(s.eventsReceived()).isEqualTo(s.eventsPublished());
    assertThat(report.cacheHits()).isEqualTo(USERS * TURNS); // histories are written at open
    assertThat(report.backends()).contains("JetStream").contains("redis://").contains("postgresql");

    // --cleanup left nothing behind on the shared servers.
    // jnats' close() declares InterruptedException, so no try-with-resources (-Xlint:try).
    Connection nc = Nats.connect(nats.uri());
    try {
      assertThat(nc.jetStreamManagement().getStreamNames()).doesNotContain(options.streamName());
    } finally {
      nc.close();
    }
    RedisClient client = RedisClient.create(redis.uri());
    try (StatefulRedisConnection<String, String> c = client.connect()) {
      assertThat(c.sync().keys(prefix + ":*")).isEmpty();
    } finally {
      client.shutdown();
    }
    try (java.sql.Connection c = pg.connect();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT count(*) FROM information_schema.schemata WHERE schema_name = ?")) {
      ps.setString(1, prefix);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        assertThat(rs.getInt(1)).isZero();
      }
    }
  }

  /**
   * Regression: cleanup deleted the stream while the projection's consumer still pulled from it,
   * and jnats logged a SEVERE "409 Consumer Deleted" for every pull (dozens at the end of each
   * LoadScenario run). The projection now stops before its stream is deleted.
   */
  @Test
  void cleanup_projectionStillPulling_stopsItBeforeDeletingTheStream_noConsumerDeletedErrors()
      throws Exception {
    ServiceAddress redis = TestServices.redis();
    ServiceAddress nats = TestServices.nats();
    PostgresAddress pg = TestServices.postgres();
    String prefix = TestServices.uniquePrefix("demo");
    List<LogRecord> severe = new CopyOnWriteArrayList<>();
    Handler capture =
        new Handler() {
          @Override
          public void publish(LogRecord r) {
            if (r.getLevel().intValue() >= Level.SEVERE.intValue()) {
              severe.add(r);
            }
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    Logger jnats = Logger.getLogger("io.nats.client");
    jnats.addHandler(capture);
    try {
      DialogReport report =
          DialogServiceDemo.run(
              options(5, redis, nats, pg, prefix),
              new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
      assertThat(report.inconsistencies()).isEmpty();
    } finally {
      jnats.removeHandler(capture);
    }
    assertThat(severe).extracting(LogRecord::getMessage).noneMatch(m -> m.contains("409"));
  }

  private static DialogOptions options(
      int users, ServiceAddress redis, ServiceAddress nats, PostgresAddress pg, String prefix) {
    return FastDemo.options(
        users,
        TURNS,
        "--redis",
        redis.uri(),
        "--nats",
        nats.uri(),
        "--jdbc",
        pg.jdbcUrl(),
        "--jdbc-user",
        pg.user(),
        "--prefix",
        prefix,
        "--cleanup",
        "--quiet");
  }
}
