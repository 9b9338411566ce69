package dev.alchemist.boot;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.endpoint.SanitizableData;
import org.springframework.core.env.MapPropertySource;

class AlchemistSanitizerTest {
  private static final MapPropertySource SOURCE = new MapPropertySource("test", java.util.Map.of());

  private static Object sanitized(String key, String value) {
    return AlchemistSanitizerAutoConfiguration.sanitize(new SanitizableData(SOURCE, key, value))
        .getValue();
  }

  @Test
  void secrets_areMasked() {
    assertThat(sanitized("alchemist.store.password", "hunter2"))
        .isEqualTo(SanitizableData.SANITIZED_VALUE);
    assertThat(sanitized("alchemist.nats.token", "hunter2"))
        .isEqualTo(SanitizableData.SANITIZED_VALUE);
    assertThat(sanitized("alchemist.ai.openai.api-key", "sk-1"))
        .isEqualTo(SanitizableData.SANITIZED_VALUE);
    assertThat(sanitized("alchemist.ai.openai.headers.OpenAI-Organization", "org-1"))
        .isEqualTo(SanitizableData.SANITIZED_VALUE);
  }

  @Test
  void uris_loseTheirLogin() {
    assertThat(sanitized("alchemist.cache.redis-uri", "redis://:hunter2@cache:6379/0"))
        .isEqualTo("redis://******@cache:6379/0");
    assertThat(sanitized("alchemist.nats.servers[0]", "nats://app:hunter2@nats:4222"))
        .isEqualTo("nats://******@nats:4222");
    assertThat(sanitized("alchemist.store.jdbc-url", "jdbc:postgresql://db/app?password=hunter2"))
        .isEqualTo("jdbc:postgresql://db/app?password=******");
  }

  @Test
  void otherProperties_areLeftAlone() {
    assertThat(sanitized("alchemist.cache.key-prefix", "shop")).isEqualTo("shop");
    assertThat(sanitized("spring.datasource.password", "x")).isEqualTo("x");
  }
}
