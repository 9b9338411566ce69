package dev.alchemist.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.alchemist.core.AlchemistException;
import dev.alchemist.testing.PrivateServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The messages a new user meets, and that no password ever shows in them. */
class ErrorMessagesIT {

  private static final String PASSWORD = "hunter2-s3cret";

  record Unregistered(String name) {}

  @Test
  void redis_uriWithoutScheme_showsRedactedInputAndExpectedForm() {
    assertThatThrownBy(() -> CacheManager.builder().redis("127.0.0.1:6379"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("127.0.0.1:6379")
        .hasMessageContaining("redis://host:port")
        .hasMessageNotContaining("unparsable");
    Throwable withPassword =
        org.assertj.core.api.Assertions.catchThrowable(
            () -> CacheManager.builder().redis(":" + PASSWORD + "@127.0.0.1:6379"));
    assertThat(withPassword).isInstanceOf(IllegalArgumentException.class);
    assertNoSecret(withPassword);
    assertThat(withPassword.getMessage()).contains("127.0.0.1:6379").contains("redis://");
  }

  @Test
  void build_serverDown_saysConnectionRefusedWithRedactedCause() {
    int port;
    try (PrivateServer server = PrivateServer.redis()) {
      port = server.port();
    }
    Throwable failure =
        org.assertj.core.api.Assertions.catchThrowable(
            () ->
                CacheManager.builder()
                    .redis("redis://:" + PASSWORD + "@127.0.0.1:" + port)
                    .meterRegistry(new SimpleMeterRegistry())
                    .connectTimeout(Duration.ofMillis(500))
                    .build()
                    .close());
    assertThat(failure).isInstanceOf(AlchemistException.class);
    assertThat(failure.getMessage())
        .contains("redis://127.0.0.1:" + port)
        .containsIgnoringCase("refused");
    assertThat(failure.getCause()).isNotNull();
    assertNoSecret(failure);
  }

  @Test
  void build_wrongPassword_saysAuthenticationFailedWithRedactedCause() {
    try (PrivateServer server = PrivateServer.redis();
        ServerControl control = new ServerControl(server)) {
      control.sync().configSet("requirepass", "the-right-one");
      Throwable failure =
          org.assertj.core.api.Assertions.catchThrowable(
              () ->
                  CacheManager.builder()
                      .redis("redis://:" + PASSWORD + "@127.0.0.1:" + server.port())
                      .meterRegistry(new SimpleMeterRegistry())
                      .build()
                      .close());
      assertThat(failure).isInstanceOf(AlchemistException.class);
      assertThat(failure.getMessage())
          .contains("redis://127.0.0.1:" + server.port())
          .containsIgnoringCase("auth");
      assertThat(failure.getCause()).isNotNull();
      assertNoSecret(failure);
      // the right password works, and the manager's own text never shows it either
      try (CacheManager ok =
          CacheManager.builder()
              .redis("redis://:the-right-one@127.0.0.1:" + server.port())
              .meterRegistry(new SimpleMeterRegistry())
              .build()) {
        assertThat(ok.toString()).doesNotContain("the-right-one");
        assertThat(ok.settings().toString()).doesNotContain("the-right-one");
      }
    }
  }

  @Test
  void policy_badValueIsIllegalArgument_contradictoryCombinationIsIllegalState() {
    assertThatThrownBy(() -> CachePolicy.builder("p").ttlJitter(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ttlJitter");
    assertThatThrownBy(
            () ->
                CachePolicy.builder("p")
                    .ttl(Duration.ofSeconds(10))
                    .ttlJitter(Duration.ofSeconds(10))
                    .build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("ttlJitter (PT10S)")
        .hasMessageContaining("ttl (PT10S)");
  }

  @Test
  void cache_unregisteredValueClass_pointsToTheManagersCodecSettingAndIdRange() {
    try (CacheManager manager =
        CacheManager.builder().local().meterRegistry(new SimpleMeterRegistry()).build()) {
      assertThatThrownBy(
              () ->
                  manager.cache(CachePolicy.builder("p").build(), String.class, Unregistered.class))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(Unregistered.class.getName())
          .hasMessageContaining("CacheManager.builder().codec(")
          .hasMessageContaining("128")
          .hasMessageContaining("cache p");
    }
  }

  /** Neither the message, the causes, their toString() nor a printed stack trace has it. */
  static void assertNoSecret(Throwable failure) {
    StringWriter printed = new StringWriter();
    failure.printStackTrace(new PrintWriter(printed));
    assertThat(printed.toString()).doesNotContain(PASSWORD);
    for (Throwable t = failure; t != null; t = t.getCause()) {
      assertThat(String.valueOf(t.getMessage())).doesNotContain(PASSWORD);
      assertThat(t.toString()).doesNotContain(PASSWORD);
    }
  }
}
