package dev.alchemist.cache;

import static dev.alchemist.cache.Fixtures.count;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.alchemist.cache.Fixtures.Backend;
import dev.alchemist.cache.Fixtures.MutableClock;
import dev.alchemist.cache.Fixtures.Profile;
import dev.alchemist.testing.TestServices;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The same semantics against the embedded store and the real Redis. */
class CacheSemanticsIT {

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final String prefix = TestServices.uniquePrefix("semantics");
  private final List<CacheManager> managers = new ArrayList<>();
  private final io.lettuce.core.RedisClient redisClient =
      io.lettuce.core.RedisClient.create(TestServices.redis().uri());

  private static final CachePolicy PROFILES =
      CachePolicy.builder("profiles")
          .ttl(Duration.ofMinutes(1))
          .ttlJitter(Duration.ofSeconds(5))
          .nearCache(100, Duration.ofSeconds(30))
          .build();

  @AfterEach
  void cleanUp() {
    managers.forEach(CacheManager::close);
    try (io.lettuce.core.api.StatefulRedisConnection<String, byte[]> raw =
        Fixtures.raw(redisClient)) {
      List<String> keys = raw.sync().keys(prefix + ":*");
      if (!keys.isEmpty()) {
        raw.sync().del(keys.toArray(new String[0]));
      }
    } finally {
      redisClient.shutdown();
    }
  }

  private CacheManager open(Backend backend) {
    return open(backend, Fixtures.manager(backend, registry, prefix));
  }

  private CacheManager open(Backend backend, CacheManager.Builder builder) {
    CacheManager m = builder.build();
    managers.add(m);
    return m;
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void put_thenGet_returnsValueFromNearThenStore(Backend backend) {
    Cache<String, Profile> cache = open(backend).cache(PROFILES, String.class, Profile.class);
    cache.put("ada", new Profile("Ada", 36));

    assertThat(cache.get("ada")).isEqualTo(new Profile("Ada", 36));
    assertThat(count(registry, "alchemist.cache.gets", "result", "l1_hit")).isEqualTo(1);

    CachePolicy noNear = PROFILES.toBuilder().noNearCache().build();
    // a second live manager over the same store (Redis shares it, the embedded store does not),
    // on its own registry: it may not report the same region's gauge as the first
    CacheManager other =
        open(backend, Fixtures.manager(backend, new SimpleMeterRegistry(), prefix));
    Profile seen = other.cache(noNear, String.class, Profile.class).get("ada");
    assertThat(seen).isEqualTo(backend == Backend.REDIS ? new Profile("Ada", 36) : null);
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void get_absent_isNullAndCountedAsMiss(Backend backend) {
    Cache<String, Profile> cache = open(backend).cache(PROFILES, String.class, Profile.class);
    assertThat(cache.get("nobody")).isNull();
    assertThat(cache.getAsync("nobody").join()).isNull();
    assertThat(count(registry, "alchemist.cache.gets", "result", "miss")).isEqualTo(2);
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void getAsync_afterPut_returnsValue(Backend backend) {
    CachePolicy noNear = PROFILES.toBuilder().noNearCache().build();
    Cache<String, Profile> cache = open(backend).cache(noNear, String.class, Profile.class);
    cache.putAsync("bo", new Profile("Bo", 3)).join();
    assertThat(cache.getAsync("bo").join()).isEqualTo(new Profile("Bo", 3));
    assertThat(count(registry, "alchemist.cache.gets", "result", "l2_hit")).isEqualTo(1);
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void getWithLoader_64ConcurrentMisses_loadExactlyOnce(Backend backend) throws Exception {
    Cache<String, Profile> cache = open(backend).cache(PROFILES, String.class, Profile.class);
    AtomicInteger loads = new AtomicInteger();
    AtomicInteger arrived = new AtomicInteger();
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(64);
    try {
      List<Future<Profile>> results = new ArrayList<>();
      for (int i = 0; i < 64; i++) {
        results.add(
            pool.submit(
                () -> {
                  start.await();
                  arrived.incrementAndGet();
                  return cache.get(
                      "hot",
                      k -> {
                        loads.incrementAndGet();
                        // hold the flight open until every caller asked, so most of them join it
                        await().atMost(Duration.ofSeconds(10)).until(() -> arrived.get() == 64);
                        return new Profile("Hot", 1);
                      });
                }));
      }
      start.countDown();
      for (Future<Profile> result : results) {
        assertThat(result.get(30, TimeUnit.SECONDS)).isEqualTo(new Profile("Hot", 1));
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(loads).hasValue(1);
    assertThat(count(registry, "alchemist.cache.loads", "result", "success")).isEqualTo(1);
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void getWithLoader_loaderThrows_everyCallerSeesItAndNothingIsStored(Backend backend) {
    Cache<String, Profile> cache = open(backend).cache(PROFILES, String.class, Profile.class);
    assertThatThrownBy(
            () ->
                cache.get(
                    "x",
                    k -> {
                      throw new IllegalArgumentException("backend said no");
                    }))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("backend said no");
    assertThat(cache.get("x")).isNull();
    assertThat(count(registry, "alchemist.cache.loads", "result", "failure")).isEqualTo(1);
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void getWithLoader_askingForItsOwnKey_isIllegalState(Backend backend) {
    Cache<String, Profile> cache = open(backend).cache(PROFILES, String.class, Profile.class);
    assertThatThrownBy(() -> cache.get("loop", k -> cache.get("loop", k2 -> null)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("asked for the key it is loading");
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void getWithLoader_null_isRememberedOnlyWithNegativeCaching(Backend backend) {
    CacheManager m = open(backend);
    Cache<String, Profile> plain = m.cache(PROFILES, String.class, Profile.class);
    Cache<String, Profile> negative =
        m.cache(
            PROFILES.toBuilder().name("negative").cacheNulls(Duration.ofSeconds(30)).build(),
            String.class,
            Profile.class);
    AtomicInteger loads = new AtomicInteger();
    for (int i = 0; i < 3; i++) {
      assertThat(plain.get("ghost", k -> nothing(loads))).isNull();
      assertThat(negative.get("ghost", k -> nothing(loads))).isNull();
    }
    // 3 loads for the plain cache, 1 for the negative one
    assertThat(loads).hasValue(4);
    assertThat(negative.get("ghost")).isNull();
    negative.invalidateAll();
  }

  private static @org.jspecify.annotations.Nullable Profile nothing(AtomicInteger loads) {
    loads.incrementAndGet();
    return null;
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void putAll_thenGetAll_returnsOnlyPresentKeys(Backend backend) {
    Cache<String, Profile> cache =
        open(backend)
            .cache(PROFILES.toBuilder().noNearCache().build(), String.class, Profile.class);
    Map<String, Profile> entries = new HashMap<>();
    for (int i = 0; i < 50; i++) {
      entries.put("user-" + i, new Profile("User " + i, i));
    }
    cache.putAll(entries);
    List<String> wanted = new ArrayList<>(entries.keySet());
    wanted.add("missing");
    Map<String, Profile> found = cache.getAll(wanted);
    assertThat(found).isEqualTo(entries);
    assertThat(count(registry, "alchemist.cache.gets", "result", "miss")).isEqualTo(1);
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void invalidate_andInvalidateAll_removeOnlyTheirRegion(Backend backend) {
    CacheManager m = open(backend);
    Cache<String, Profile> cache = m.cache(PROFILES, String.class, Profile.class);
    Cache<String, Profile> other =
        m.cache(PROFILES.toBuilder().name("other").build(), String.class, Profile.class);
    cache.put("a", new Profile("A", 1));
    cache.put("b", new Profile("B", 2));
    other.put("a", new Profile("Other", 3));

    cache.invalidate("a");
    assertThat(cache.get("a")).isNull();
    assertThat(cache.get("b")).isNotNull();

    cache.invalidateAll();
    assertThat(cache.get("b")).isNull();
    assertThat(other.get("a")).isEqualTo(new Profile("Other", 3));
    other.invalidateAll();
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void entries_expireAfterTheirTtl(Backend backend) {
    CachePolicy shortLived =
        CachePolicy.builder("short")
            .ttl(Duration.ofMillis(300))
            .nearCache(10, Duration.ofSeconds(30))
            .build();
    Cache<String, Profile> cache = open(backend).cache(shortLived, String.class, Profile.class);
    cache.put("brief", new Profile("Brief", 1));
    assertThat(cache.get("brief")).isNotNull();
    // the near cache never keeps an entry longer than the store does
    await().atMost(Duration.ofSeconds(10)).until(() -> cache.get("brief") == null);
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void refreshAhead_nearExpiry_returnsCurrentAndReloadsInBackground(Backend backend) {
    MutableClock clock = new MutableClock();
    CachePolicy refreshing =
        CachePolicy.builder("refreshing")
            .ttl(Duration.ofSeconds(30))
            .refreshAhead(Duration.ofSeconds(10))
            .build();
    Cache<String, Profile> cache =
        open(backend, Fixtures.manager(backend, registry, prefix).clock(clock))
            .cache(refreshing, String.class, Profile.class);
    cache.put("k", new Profile("Old", 1));
    assertThat(cache.get("k", k -> new Profile("New", 2))).isEqualTo(new Profile("Old", 1));

    clock.advance(Duration.ofSeconds(25));
    assertThat(cache.get("k", k -> new Profile("New", 2))).isEqualTo(new Profile("Old", 1));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> new Profile("New", 2).equals(cache.get("k")));
    cache.invalidateAll();
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void cache_sameNameOtherPolicy_isIllegalState(Backend backend) {
    CacheManager m = open(backend);
    m.cache(PROFILES, String.class, Profile.class);
    assertThat(m.cache(PROFILES, String.class, Profile.class))
        .isSameAs(m.cache(PROFILES, String.class, Profile.class));
    assertThatThrownBy(
            () ->
                m.cache(
                    PROFILES.toBuilder().ttl(Duration.ofSeconds(9)).build(),
                    String.class,
                    Profile.class))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("cache profiles already exists");
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void cache_unregisteredValueOrBadKeyType_isRefused(Backend backend) {
    CacheManager m = open(backend);
    assertThatThrownBy(() -> m.cache(PROFILES, String.class, Thread.class))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> m.cache(PROFILES, Object.class, Profile.class))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("key type java.lang.Object is not supported");
  }
}
