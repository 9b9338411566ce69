package dev.alchemist.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.alchemist.cache.Fixtures.Profile;
import dev.alchemist.cache.internal.DefaultCache;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a write leaves in the near cache when nothing races it. */
class NearFillTest {

  @Test
  void putAll_manyKeysSharingStripes_keepsEveryValueInTheNearCache() {
    CachePolicy policy =
        CachePolicy.builder("filled").nearCache(10_000, Duration.ofMinutes(1)).build();
    try (CacheManager manager =
        CacheManager.builder()
            .local()
            .codec(Fixtures.CODECS)
            .meterRegistry(new SimpleMeterRegistry())
            .build()) {
      Cache<String, Profile> cache = manager.cache(policy, String.class, Profile.class);
      Map<String, Profile> entries = new LinkedHashMap<>();
      for (int i = 0; i < 500; i++) {
        entries.put("k" + i, new Profile("P" + i, i));
      }
      cache.putAll(entries);
      assertThat(((DefaultCache<String, Profile>) cache).nearSize()).isEqualTo(500);
      cache.put("one", new Profile("One", 1));
      assertThat(((DefaultCache<String, Profile>) cache).nearSize()).isEqualTo(501);
    }
  }
}
