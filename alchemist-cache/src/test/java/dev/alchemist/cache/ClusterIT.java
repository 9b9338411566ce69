package dev.alchemist.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.alchemist.cache.Fixtures.Profile;
import dev.alchemist.testing.PrivateRedisCluster;
import io.lettuce.core.cluster.SlotHash;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A local 3-master cluster that this test starts. */
class ClusterIT {

  private static PrivateRedisCluster cluster;

  private static final CachePolicy POLICY =
      CachePolicy.builder("clustered").nearCache(1000, Duration.ofMinutes(5)).build();

  @BeforeAll
  static void start() {
    cluster = PrivateRedisCluster.start();
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private static CacheManager open() {
    return CacheManager.builder()
        .redisCluster(cluster.uris().toArray(new String[0]))
        .codec(Fixtures.CODECS)
        .meterRegistry(new SimpleMeterRegistry())
        // Node connections open lazily; on a busy machine the first pipelined putAll can take
        // longer than the default 250 ms, and a put that timed out is (rightly) invalidated.
        .operationTimeout(Duration.ofSeconds(2))
        .build();
  }

  @Test
  void putAllGetAllInvalidateAll_acrossSlotsAndNodes() {
    try (CacheManager manager = open()) {
      Cache<String, Profile> cache = manager.cache(POLICY, String.class, Profile.class);
      Map<String, Profile> entries = new HashMap<>();
      Set<Integer> slots = new HashSet<>();
      for (int i = 0; i < 200; i++) {
        String key = "user-" + i;
        entries.put(key, new Profile("U" + i, i));
        slots.add(SlotHash.getSlot(CacheKeys.redisKey("alchemist", POLICY, key)));
      }
      assertThat(slots.size()).isGreaterThan(100);
      cache.putAll(entries);

      try (CacheManager reader = open()) {
        Cache<String, Profile> other = reader.cache(POLICY, String.class, Profile.class);
        assertThat(other.getAll(entries.keySet())).isEqualTo(entries);
        assertThat(other.get("user-7")).isEqualTo(new Profile("U7", 7));

        cache.put("user-7", new Profile("Changed", 70));
        await()
            .atMost(Duration.ofSeconds(5))
            .until(() -> new Profile("Changed", 70).equals(other.get("user-7")));

        cache.invalidateAll();
        // the store is empty at once (SCAN + UNLINK on every master) ...
        try (CacheManager third = open()) {
          Cache<String, Profile> direct =
              third.cache(POLICY.toBuilder().noNearCache().build(), String.class, Profile.class);
          assertThat(direct.getAll(entries.keySet())).isEmpty();
        }
        // ... and the other instance's near cache follows its invalidation message
        await()
            .atMost(Duration.ofSeconds(5))
            .until(() -> other.getAll(List.copyOf(entries.keySet())).isEmpty());
      }
    }
  }
}
