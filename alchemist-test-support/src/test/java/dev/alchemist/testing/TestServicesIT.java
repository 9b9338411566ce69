package dev.alchemist.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

class TestServicesIT {

  @Test
  void redis_sharedService_answersPingAndStoresUnderOwnPrefix() throws Exception {
    ServiceAddress redis = TestServices.redis();
    String key = TestServices.uniquePrefix("test_services_it") + ":k";

    assertThat(redis.uri()).isEqualTo("redis://" + redis.hostAndPort());
    assertThat(Wire.redis(redis, "PING")).isEqualTo("+PONG");
    try {
      assertThat(Wire.redis(redis, "SET", key, "v", "EX", "60")).isEqualTo("+OK");
      assertThat(Wire.redis(redis, "GET", key)).isEqualTo("v");
    } finally {
      Wire.redis(redis, "DEL", key);
    }
  }

  @Test
  void nats_sharedService_sendsInfoWithJetStream() throws Exception {
    ServiceAddress nats = TestServices.nats();

    assertThat(nats.uri()).isEqualTo("nats://" + nats.hostAndPort());
    assertThat(Wire.natsInfo(nats)).startsWith("INFO {").contains("\"jetstream\":true");
  }

  @Test
  void postgres_sharedService_runsQueriesInOwnSchema() throws Exception {
    PostgresAddress postgres = TestServices.postgres();
    String schema = TestServices.uniquePrefix("test_services_it");

    try (Connection connection = postgres.connect();
        Statement statement = connection.createStatement()) {
      statement.execute("create schema " + schema);
      try {
        statement.execute("create table " + schema + ".t (v int)");
        statement.execute("insert into " + schema + ".t values (42)");
        try (ResultSet result = statement.executeQuery("select v from " + schema + ".t")) {
          assertThat(result.next()).isTrue();
          assertThat(result.getInt(1)).isEqualTo(42);
        }
      } finally {
        statement.execute("drop schema " + schema + " cascade");
      }
    }
  }

  @Test
  void redis_closedPort_failsNamingAddressAndScript() throws Exception {
    ServiceAddress closed = new ServiceAddress("redis", "127.0.0.1", Wire.closedPort());

    assertThatThrownBy(() -> TestServices.checkRedis(closed))
        .isInstanceOf(ServiceUnavailableException.class)
        .hasMessageContaining(closed.uri())
        .hasMessageContaining("scripts/services.sh")
        .hasMessageContaining("ALCHEMIST_REDIS_URI")
        .satisfies(
            e -> assertThat(((ServiceUnavailableException) e).address()).isEqualTo(closed.uri()));
  }

  @Test
  void nats_closedPort_failsNamingAddressAndScript() throws Exception {
    ServiceAddress closed = new ServiceAddress("nats", "127.0.0.1", Wire.closedPort());

    assertThatThrownBy(() -> TestServices.checkNats(closed))
        .isInstanceOf(ServiceUnavailableException.class)
        .hasMessageContaining(closed.uri())
        .hasMessageContaining("scripts/services.sh")
        .hasMessageContaining("ALCHEMIST_NATS_URL");
  }

  @Test
  void postgres_closedPort_failsNamingAddressAndScript() throws Exception {
    String url = "jdbc:postgresql://127.0.0.1:" + Wire.closedPort() + "/test";
    PostgresAddress closed = new PostgresAddress(url, "postgres", "secret-not-shown");

    assertThatThrownBy(() -> TestServices.checkPostgres(closed))
        .isInstanceOf(ServiceUnavailableException.class)
        .hasMessageContaining(url)
        .hasMessageContaining("scripts/services.sh")
        .hasMessageContaining("ALCHEMIST_PG_URL")
        .hasMessageNotContaining("secret-not-shown");
  }

  @Test
  void redis_addressOfAnotherProtocol_failsWithWhatItAnswered() {
    ServiceAddress natsPort = TestServices.nats();
    ServiceAddress wrong = new ServiceAddress("redis", natsPort.host(), natsPort.port());

    assertThatThrownBy(() -> TestServices.checkRedis(wrong))
        .isInstanceOf(ServiceUnavailableException.class)
        .hasMessageContaining(wrong.uri())
        .hasMessageContaining("INFO");
  }
}
