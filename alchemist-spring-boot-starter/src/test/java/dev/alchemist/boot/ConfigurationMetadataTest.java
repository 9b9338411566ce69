package dev.alchemist.boot;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The metadata IDEs complete alchemist.* from: generated, with descriptions and defaults. */
class ConfigurationMetadataTest {

  private static Map<String, JsonNode> properties() throws Exception {
    try (InputStream in =
        ConfigurationMetadataTest.class
            .getClassLoader()
            .getResourceAsStream("META-INF/spring-configuration-metadata.json")) {
      assertThat(in).as("generated metadata").isNotNull();
      Map<String, JsonNode> byName = new HashMap<>();
      for (JsonNode p : new JsonMapper().readTree(in).get("properties")) {
        byName.put(p.get("name").asString(), p);
      }
      return byName;
    }
  }

  @Test
  void metadata_everyModulesProperties_haveDescriptions() throws Exception {
    Map<String, JsonNode> properties = properties();
    assertThat(properties)
        .containsKeys(
            "alchemist.cache.redis-uri",
            "alchemist.cache.policies",
            "alchemist.store.jdbc-url",
            "alchemist.store.pool.max-connections",
            "alchemist.nats.servers",
            "alchemist.nats.streams",
            "alchemist.nats.publisher.max-in-flight",
            "alchemist.ai.provider",
            "alchemist.ai.openai.api-key",
            "alchemist.ai.chunk.max-tokens",
            "alchemist.metrics.common-tags");
    assertThat(properties.values())
        .allSatisfy(p -> assertThat(p.has("description")).as(p.get("name").asString()).isTrue());
  }

  @Test
  void metadata_defaults_areThoseOfTheSdk() throws Exception {
    Map<String, JsonNode> properties = properties();
    assertThat(properties.get("alchemist.cache.key-prefix").get("defaultValue").asString())
        .isEqualTo("alchemist");
    assertThat(properties.get("alchemist.ai.chunk.max-tokens").get("defaultValue").asInt())
        .isEqualTo(dev.alchemist.ai.ChunkPolicy.DEFAULTS.maxTokens());
    assertThat(properties.get("alchemist.nats.publisher.max-in-flight").get("defaultValue").asInt())
        .isEqualTo(dev.alchemist.nats.JetStreamPublisherSettings.DEFAULT_MAX_IN_FLIGHT);
  }
}
