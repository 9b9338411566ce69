package dev.alchemist.ai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.alchemist.cache.CacheManager;
import dev.alchemist.core.codec.KryoCodecs;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

/** A cache manager whose codec lacks CachedResponse is told how to fix it. */
class ResponseStoreCodecTest {

  @Test
  void cache_codecWithoutCachedResponse_pointsToAiCodecsRegister() {
    try (CacheManager caches =
        CacheManager.builder().local().meterRegistry(new SimpleMeterRegistry()).build()) {
      assertThatThrownBy(() -> ResponseStore.cache(caches))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("CachedResponse")
          .hasMessageContaining("AiCodecs.register")
          .hasMessageContaining("CacheManager.builder().codec");
    }
  }

  @Test
  void cache_codecFromAiCodecs_opensTheRegion() {
    try (CacheManager caches =
        CacheManager.builder()
            .local()
            .codec(AiCodecs.register(KryoCodecs.builder()).build())
            .meterRegistry(new SimpleMeterRegistry())
            .build()) {
      assertThat(ResponseStore.cache(caches)).isNotNull();
    }
  }
}
