package dev.alchemist.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;

class PrivateServerIT {

  @Test
  void redis_killThenRestart_answersAgainOnSamePort() throws Exception {
    try (PrivateServer redis = PrivateServer.redis()) {
      int port = redis.port();
      assertThat(redis.isRunning()).isTrue();
      assertThat(redis.host()).isEqualTo("127.0.0.1");
      assertThat(redis.uri()).isEqualTo("redis://127.0.0.1:" + port);
      assertThat(Wire.redis(redis.address(), "SET", "k", "v")).isEqualTo("+OK");
      assertThat(Wire.redis(redis.address(), "GET", "k")).isEqualTo("v");

      redis.kill();

      assertThat(redis.isRunning()).isFalse();
      assertThat(Wire.accepts(redis.address())).isFalse();

      redis.restart();

      assertThat(redis.isRunning()).isTrue();
      assertThat(redis.port()).isEqualTo(port);
      assertThat(Wire.redis(redis.address(), "PING")).isEqualTo("+PONG");
      // No persistence: a crash loses everything, as the tests of outages expect.
      assertThat(Wire.redis(redis.address(), "GET", "k")).isNull();
    }
  }

  @Test
  void redis_runsWithoutPersistence() throws Exception {
    try (PrivateServer redis = PrivateServer.redis()) {
      assertThat(Wire.redisReply(redis.address(), "CONFIG", "GET", "save"))
          .isEqualTo(List.of("save", ""));
      assertThat(Wire.redisReply(redis.address(), "CONFIG", "GET", "appendonly"))
          .isEqualTo(List.of("appendonly", "no"));
    }
  }

  @Test
  void nats_killThenRestart_answersWithJetStreamOnSamePort() throws Exception {
    try (PrivateServer nats = PrivateServer.nats()) {
      int port = nats.port();
      assertThat(nats.uri()).isEqualTo("nats://127.0.0.1:" + port);
      assertThat(Wire.natsInfo(nats.address()))
          .startsWith("INFO {")
          .contains("\"jetstream\":true")
          .contains("\"port\":" + port);

      nats.kill();

      assertThat(nats.isRunning()).isFalse();
      assertThat(Wire.accepts(nats.address())).isFalse();

      nats.restart();

      assertThat(nats.isRunning()).isTrue();
      assertThat(nats.port()).isEqualTo(port);
      assertThat(Wire.natsInfo(nats.address())).contains("\"jetstream\":true");
    }
  }

  @Test
  void stop_thenRestart_answersAgain() throws Exception {
    try (PrivateServer nats = PrivateServer.nats()) {
      nats.stop();
      assertThat(nats.isRunning()).isFalse();
      assertThat(Wire.accepts(nats.address())).isFalse();

      nats.restart();

      assertThat(Wire.natsInfo(nats.address())).contains("\"jetstream\":true");
    }
  }

  @Test
  void restart_whileRunning_replacesTheProcess() throws Exception {
    try (PrivateServer redis = PrivateServer.redis()) {
      Wire.redis(redis.address(), "SET", "k", "v");

      redis.restart();

      assertThat(Wire.redis(redis.address(), "GET", "k")).isNull();
    }
  }

  @Test
  void close_stopsProcessDeletesDirectoryAndIsIdempotent() throws Exception {
    PrivateServer redis = PrivateServer.redis();
    assertThat(redis.logFile()).exists();

    redis.close();
    redis.close();

    assertThat(redis.isRunning()).isFalse();
    assertThat(Wire.accepts(redis.address())).isFalse();
    assertThat(Files.exists(redis.logFile().getParent())).isFalse();
    assertThat(redis.toString()).contains("closed");
    assertThatThrownBy(redis::restart)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
  }

  @Test
  void twoServers_getTheirOwnPortsAndDirectories() {
    try (PrivateServer first = PrivateServer.redis();
        PrivateServer second = PrivateServer.redis()) {
      assertThat(first.port()).isNotEqualTo(second.port());
      assertThat(first.logFile()).isNotEqualTo(second.logFile());
    }
  }
}
