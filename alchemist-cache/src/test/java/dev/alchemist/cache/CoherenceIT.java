package dev.alchemist.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.alchemist.cache.Fixtures.Profile;
import dev.alchemist.cache.internal.DefaultCacheManager;
import dev.alchemist.testing.PrivateServer;
import dev.alchemist.testing.TestServices;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Coherence promises under the conditions that break them: a load racing an invalidation, an
 * invalidation made while Redis is hung or down (and keeps its data), two quick disconnects.
 */
class CoherenceIT {

  private static final CachePolicy NEAR =
      CachePolicy.builder("coherent")
          .ttl(Duration.ofMinutes(5))
          .nearCache(1000, Duration.ofMinutes(5))
          .build();

  private static final Profile OLD = new Profile("Old", 1);
  private static final Profile NEW = new Profile("New", 2);

  private final String prefix = TestServices.uniquePrefix("coherence");
  private final List<AutoCloseable> closeables = new ArrayList<>();

  @AfterEach
  void cleanUp() throws Exception {
    for (int i = closeables.size() - 1; i >= 0; i--) {
      closeables.get(i).close();
    }
    RedisClient client = RedisClient.create(TestServices.redis().uri());
    try (StatefulRedisConnection<String, String> raw = client.connect()) {
      List<String> keys = raw.sync().keys(prefix + ":*");
      if (!keys.isEmpty()) {
        raw.sync().del(keys.toArray(new String[0]));
      }
    } finally {
      client.shutdown();
    }
  }

  private CacheManager open(String uri, CacheManager.Builder extra) {
    CacheManager m =
        extra
            .redis(uri)
            .codec(Fixtures.CODECS)
            .meterRegistry(new SimpleMeterRegistry())
            .keyPrefix(prefix)
            .operationTimeout(Duration.ofMillis(200))
            .circuitBreaker(2, Duration.ofMillis(200))
            .build();
    closeables.add(m);
    return m;
  }

  private CacheManager open(String uri) {
    return open(uri, CacheManager.builder());
  }

  private byte[] rawValue(String uri, String key) {
    RedisClient client = RedisClient.create(uri);
    try (StatefulRedisConnection<String, byte[]> raw = Fixtures.raw(client)) {
      return raw.sync().get(CacheKeys.redisKey(prefix, NEAR, key));
    } finally {
      client.shutdown();
    }
  }

  // ------------------------------------------------------------ item: load overlapping invalidate

  @Test
  void loadOverlappingInvalidate_sameOrOtherInstance_neverWritesOldValueBack() throws Exception {
    String uri = TestServices.redis().uri();
    Cache<String, Profile> a = open(uri).cache(NEAR, String.class, Profile.class);
    Cache<String, Profile> b = open(uri).cache(NEAR, String.class, Profile.class);
    for (Cache<String, Profile> invalidator : List.of(a, b)) {
      String key = "raced-" + (invalidator == a ? "same" : "other");
      CountDownLatch loading = new CountDownLatch(1);
      CountDownLatch invalidated = new CountDownLatch(1);
      CompletableFuture<Profile> load =
          CompletableFuture.supplyAsync(
              () ->
                  a.get(
                      key,
                      k -> {
                        // read the database (old row), then stall until the row has changed
                        loading.countDown();
                        awaitLatch(invalidated);
                        return OLD;
                      }));
      assertThat(loading.await(10, TimeUnit.SECONDS)).isTrue();
      // the row changes to NEW; the writer invalidates the cache
      invalidator.invalidate(key);
      invalidated.countDown();
      load.get(10, TimeUnit.SECONDS);

      assertThat(a.get(key)).as("A after invalidation by %s", key).isNotEqualTo(OLD);
      assertThat(b.get(key)).as("B after invalidation by %s", key).isNotEqualTo(OLD);
      byte[] stored = rawValue(uri, key);
      // whatever Redis keeps must not decode to the old value: a reader with no near cache
      CacheManager fresh = open(uri);
      assertThat(
              fresh
                  .cache(NEAR.toBuilder().noNearCache().build(), String.class, Profile.class)
                  .get(key))
          .as("a fresh reader (stored %s bytes)", stored == null ? "no" : stored.length)
          .isNotEqualTo(OLD);
      // a load after the invalidation stores and serves the new value
      assertThat(a.get(key, k -> NEW)).isEqualTo(NEW);
      assertThat(b.get(key)).isEqualTo(NEW);
    }
  }

  // ------------------------------------------------------------ item: invalidation while hung

  @Test
  void invalidateWhileRedisHung_isNotLost_afterRecoveryNoManagerReadsOldValue() {
    try (PrivateServer server = PrivateServer.redis();
        ServerControl control = new ServerControl(server)) {
      Cache<String, Profile> a = open(server.uri()).cache(NEAR, String.class, Profile.class);
      Cache<String, Profile> b = open(server.uri()).cache(NEAR, String.class, Profile.class);
      a.put("k", OLD);
      a.put("p", OLD);
      awaitBoth(b, "k", OLD);
      awaitBoth(b, "p", OLD);

      control.pause();
      try {
        a.invalidate("k"); // times out: Redis is hung
        a.put("p", NEW); // dropped: the old value must not survive it either
        for (int i = 0; i < 5; i++) {
          assertThat(a.get("k")).isNotEqualTo(OLD);
        }
      } finally {
        control.resume();
      }
      assertNoOldAfterRecovery(a, b);
    }
  }

  @Test
  void invalidateWhileRedisDown_redisRestartsWithItsData_noManagerReadsOldValue() {
    try (PrivateServer server = PrivateServer.redis()) {
      Cache<String, Profile> a = open(server.uri()).cache(NEAR, String.class, Profile.class);
      Cache<String, Profile> b = open(server.uri()).cache(NEAR, String.class, Profile.class);
      a.put("k", OLD);
      a.put("p", OLD);
      awaitBoth(b, "k", OLD);
      awaitBoth(b, "p", OLD);
      try (ServerControl control = new ServerControl(server)) {
        control.sync().save(); // the restarted server loads this snapshot
      }
      server.kill();
      a.invalidate("k");
      a.put("p", NEW);
      server.restart();
      assertNoOldAfterRecovery(a, b);
    }
  }

  private static void awaitBoth(Cache<String, Profile> b, String key, Profile expected) {
    await().atMost(Duration.ofSeconds(5)).until(() -> expected.equals(b.get(key)));
  }

  /**
   * The invalidating manager never reads the old value again; the other one stops within a few
   * seconds (once the retried invalidation reached Redis), and then never reads it again.
   */
  private static void assertNoOldAfterRecovery(Cache<String, Profile> a, Cache<String, Profile> b) {
    AtomicInteger staleOnA = new AtomicInteger();
    await()
        .atMost(Duration.ofSeconds(15))
        .pollInterval(Duration.ofMillis(50))
        .until(
            () -> {
              for (String key : List.of("k", "p")) {
                if (OLD.equals(a.get(key))) {
                  staleOnA.incrementAndGet();
                }
              }
              return !OLD.equals(b.get("k")) && !OLD.equals(b.get("p"));
            });
    assertThat(staleOnA).as("stale reads on the invalidating manager").hasValue(0);
    for (int i = 0; i < 20; i++) {
      for (Cache<String, Profile> c : List.of(a, b)) {
        assertThat(c.get("k")).isNotEqualTo(OLD);
        assertThat(c.get("p")).isNotEqualTo(OLD);
      }
    }
  }

  // ------------------------------------------------------------ put speed without losing coherence

  @Test
  void put_singleRedis_sendsOnlyItsSet_yetNearCachesElsewhereSeeIt() {
    try (PrivateServer server = PrivateServer.redis();
        ServerControl control = new ServerControl(server)) {
      // B caches the region near; A writes it without a near cache of its own
      Cache<String, Profile> b = open(server.uri()).cache(NEAR, String.class, Profile.class);
      Cache<String, Profile> a =
          open(server.uri())
              .cache(NEAR.toBuilder().noNearCache().build(), String.class, Profile.class);
      a.put("k", OLD);
      awaitBoth(b, "k", OLD);
      control.sync().configResetstat();

      for (int i = 0; i < 50; i++) {
        a.put("k" + i, OLD);
      }
      a.put("k", NEW);
      await().atMost(Duration.ofSeconds(5)).until(() -> NEW.equals(b.get("k")));
      a.invalidate("k");
      await().atMost(Duration.ofSeconds(5)).until(() -> b.get("k") == null);

      String stats = control.sync().info("commandstats");
      assertThat(stats).as("PUBLISH calls").doesNotContain("cmdstat_publish:");
    }
  }

  // ------------------------------------------------------------ item: two quick disconnects

  @Test
  void twoQuickDisconnects_lateRestoreTask_leavesNearCachesUntrustedWhileDown() {
    try (PrivateServer server = PrivateServer.redis();
        ServerControl control = new ServerControl(server)) {
      ServerControl.HeldExecutor held = new ServerControl.HeldExecutor();
      CacheManager manager = open(server.uri(), CacheManager.builder().executor(held));
      DefaultCacheManager internals = (DefaultCacheManager) manager;
      Cache<String, Profile> cache = manager.cache(NEAR, String.class, Profile.class);
      cache.put("k", OLD);
      held.drain();
      assertThat(internals.nearCachesTrusted()).isTrue();

      // first drop: the connections come back at once; the restore task waits in the executor
      control.sync().clientKill(io.lettuce.core.KillArgs.Builder.skipme());
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> held.queued() >= 2 && control.sync().clientList().lines().count() >= 2);
      // second drop, and this time the manager cannot come back (new connections fail AUTH)
      control.sync().configSet("requirepass", "only-the-test-knows");
      control.sync().clientKill(io.lettuce.core.KillArgs.Builder.skipme());
      await().atMost(Duration.ofSeconds(10)).until(() -> held.queued() >= 3);

      held.drain(); // the first restore task runs late, after the second drop
      assertThat(internals.nearCachesTrusted())
          .as("near caches trusted while the invalidation connection is down")
          .isFalse();

      control.sync().configSet("requirepass", "");
      await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () -> {
                held.drain();
                return internals.nearCachesTrusted();
              });
    }
  }

  private static void awaitLatch(CountDownLatch latch) {
    try {
      if (!latch.await(10, TimeUnit.SECONDS)) {
        throw new IllegalStateException("latch not released");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
