package dev.alchemist.cache;

import static dev.alchemist.cache.Fixtures.count;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.alchemist.cache.Fixtures.Profile;
import dev.alchemist.testing.PrivateServer;
import dev.alchemist.testing.TestServices;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Near-cache invalidation across two managers (two instances) over real Redis pub/sub. */
class NearCacheIT {

  private static final CachePolicy POLICY =
      CachePolicy.builder("near")
          .ttl(Duration.ofMinutes(5))
          .nearCache(1000, Duration.ofMinutes(5))
          .build();

  private final SimpleMeterRegistry registryA = new SimpleMeterRegistry();
  private final SimpleMeterRegistry registryB = new SimpleMeterRegistry();
  private final String prefix = TestServices.uniquePrefix("near_cache");
  private final List<AutoCloseable> closeables = new ArrayList<>();

  @AfterEach
  void cleanUp() throws Exception {
    for (int i = closeables.size() - 1; i >= 0; i--) {
      closeables.get(i).close();
    }
  }

  private CacheManager open(String uri, SimpleMeterRegistry registry, CacheListener listener) {
    CacheManager m =
        CacheManager.builder()
            .redis(uri)
            .codec(Fixtures.CODECS)
            .meterRegistry(registry)
            .listener(listener)
            .keyPrefix(prefix)
            .operationTimeout(Duration.ofMillis(200))
            .circuitBreaker(2, Duration.ofMillis(200))
            .build();
    closeables.add(m);
    return m;
  }

  @Test
  void putOrInvalidateOnA_isSeenByNextGetOnB() {
    String uri = TestServices.redis().uri();
    Cache<String, Profile> a =
        open(uri, registryA, CacheListener.NONE).cache(POLICY, String.class, Profile.class);
    Cache<String, Profile> b =
        open(uri, registryB, CacheListener.NONE).cache(POLICY, String.class, Profile.class);
    try {
      a.put("k", new Profile("One", 1));
      // A's own invalidation message may reach B after B's first read; then B fills again
      await()
          .atMost(Duration.ofSeconds(5))
          .until(
              () ->
                  new Profile("One", 1).equals(b.get("k"))
                      && count(registryB, "alchemist.cache.gets", "result", "l1_hit") >= 1);

      long start = System.nanoTime();
      a.put("k", new Profile("Two", 2));
      await().atMost(Duration.ofSeconds(5)).until(() -> new Profile("Two", 2).equals(b.get("k")));
      long putSeen = System.nanoTime() - start;

      start = System.nanoTime();
      a.invalidate("k");
      await().atMost(Duration.ofSeconds(5)).until(() -> b.get("k") == null);
      long invalidateSeen = System.nanoTime() - start;

      b.put("r", new Profile("Region", 3));
      a.put("k", new Profile("Three", 3));
      assertThat(b.get("k")).isEqualTo(new Profile("Three", 3));
      a.invalidateAll();
      await().atMost(Duration.ofSeconds(5)).until(() -> b.get("k") == null && b.get("r") == null);

      assertThat(count(registryB, "alchemist.cache.near.invalidations", "source", "remote"))
          .isGreaterThanOrEqualTo(2);
      // reported, not asserted: speed belongs to benchmarks
      System.out.printf(
          "near-cache invalidation seen by B after %.2f ms (put), %.2f ms (invalidate)%n",
          putSeen / 1e6, invalidateSeen / 1e6);
    } finally {
      a.invalidateAll();
    }
  }

  @Test
  void pubSubReconnect_clearsNearCache_soMissedMessagesNeverLeaveStaleValues() {
    PrivateServer server = PrivateServer.redis();
    closeables.add(server);
    Queue<String> clears = new ConcurrentLinkedQueue<>();
    CacheListener listener =
        new CacheListener() {
          @Override
          public void onNearCacheCleared(String reason) {
            clears.add(reason);
          }
        };
    Cache<String, Profile> b =
        open(server.uri(), registryB, listener).cache(POLICY, String.class, Profile.class);
    b.put("k", new Profile("Before", 1));
    assertThat(b.get("k")).isEqualTo(new Profile("Before", 1));

    server.kill();
    server.restart();
    await().atMost(Duration.ofSeconds(20)).until(() -> clears.contains("resubscribed"));
    assertThat(clears).contains("disconnected");

    // The restarted Redis is empty and nobody published anything: only the clear on reconnect
    // can make B stop serving its near-cache copy (whose own TTL is 5 minutes).
    await().atMost(Duration.ofSeconds(10)).until(() -> b.get("k") == null);
    assertThat(count(registryB, "alchemist.cache.near.invalidations", "source", "clear"))
        .isGreaterThanOrEqualTo(1);
  }
}
