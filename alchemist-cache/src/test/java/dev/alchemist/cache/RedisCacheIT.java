package dev.alchemist.cache;

import static dev.alchemist.cache.Fixtures.count;
import static org.assertj.core.api.Assertions.assertThat;

import dev.alchemist.cache.Fixtures.Profile;
import dev.alchemist.core.codec.Codec;
import dev.alchemist.core.codec.CodecException;
import dev.alchemist.core.codec.CodecRegistry;
import dev.alchemist.testing.TestServices;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What only a real Redis can show: TTLs, key layout, foreign bytes, threads, leases. */
class RedisCacheIT {

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final String prefix = TestServices.uniquePrefix("redis_cache");
  private final List<CacheManager> managers = new ArrayList<>();
  private RedisClient client;
  private StatefulRedisConnection<String, byte[]> connection;
  private RedisCommands<String, byte[]> redis;

  @BeforeEach
  void connect() {
    client = RedisClient.create(TestServices.redis().uri());
    connection = Fixtures.raw(client);
    redis = connection.sync();
  }

  @AfterEach
  void cleanUp() {
    List<String> keys = redis.keys(prefix + ":*");
    if (!keys.isEmpty()) {
      redis.del(keys.toArray(new String[0]));
    }
    managers.forEach(CacheManager::close);
    connection.close();
    client.shutdown();
  }

  private CacheManager open(CacheManager.Builder builder) {
    CacheManager m = builder.build();
    managers.add(m);
    return m;
  }

  private CacheManager.Builder builder() {
    return Fixtures.manager(Fixtures.Backend.REDIS, registry, prefix);
  }

  @Test
  void put_storesUnderDocumentedKeyWithTtlWithinJitter() {
    CachePolicy policy =
        CachePolicy.builder("ttl_check")
            .ttl(Duration.ofSeconds(20))
            .ttlJitter(Duration.ofSeconds(5))
            .keyVersion(3)
            .build();
    Cache<UUID, Profile> cache = open(builder()).cache(policy, UUID.class, Profile.class);
    List<Long> ttls = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      UUID id = UUID.randomUUID();
      cache.put(id, new Profile("P", i));
      String key = prefix + ":ttl_check:v3:" + id;
      assertThat(redis.exists(key)).isEqualTo(1);
      ttls.add(redis.pttl(key));
    }
    assertThat(ttls).allSatisfy(ttl -> assertThat(ttl).isBetween(14_000L, 25_000L));
    // jitter spreads the TTLs: 40 draws from 10 s of spread are not all within one second
    assertThat(
            ttls.stream().mapToLong(Long::longValue).max().getAsLong()
                - ttls.stream().mapToLong(Long::longValue).min().getAsLong())
        .isGreaterThan(1000L);
  }

  @Test
  void negativeEntry_usesNullTtl() {
    CachePolicy policy =
        CachePolicy.builder("nulls")
            .ttl(Duration.ofMinutes(10))
            .cacheNulls(Duration.ofSeconds(7))
            .build();
    Cache<String, Profile> cache = open(builder()).cache(policy, String.class, Profile.class);
    assertThat(cache.get("none", k -> null)).isNull();
    assertThat(redis.pttl(prefix + ":nulls:v1:none")).isBetween(1L, 7_000L);
  }

  @Test
  void get_foreignOrCorruptBytes_isCountedMissAndDeletes() {
    Queue<CodecException> failures = new ConcurrentLinkedQueue<>();
    CacheListener listener =
        new CacheListener() {
          @Override
          public void onDecodeFailure(String cache, CodecException failure) {
            failures.add(failure);
          }
        };
    CachePolicy policy =
        CachePolicy.builder("corrupt").nearCache(10, Duration.ofMinutes(1)).build();
    Cache<String, Profile> cache =
        open(builder().listener(listener)).cache(policy, String.class, Profile.class);
    cache.put("good", new Profile("Good", 1));
    byte[] good = redis.get(prefix + ":corrupt:v1:good");

    redis.set(prefix + ":corrupt:v1:foreign", "{\"json\":true}".getBytes(StandardCharsets.UTF_8));
    // cut inside the Kryo payload: the header is intact, the value is not
    byte[] damaged = java.util.Arrays.copyOf(good, good.length - 3);
    redis.set(prefix + ":corrupt:v1:damaged", damaged);
    redis.set(prefix + ":corrupt:v1:short", new byte[] {(byte) 0xAC});

    assertThat(cache.get("foreign")).isNull();
    assertThat(cache.getAsync("damaged").join()).isNull();
    assertThat(cache.get("short", k -> new Profile("Reloaded", 2)))
        .isEqualTo(new Profile("Reloaded", 2));

    assertThat(redis.exists(prefix + ":corrupt:v1:foreign", prefix + ":corrupt:v1:damaged"))
        .isZero();
    assertThat(failures).hasSize(3);
    assertThat(count(registry, "alchemist.cache.decode.failures")).isEqualTo(3);
    assertThat(count(registry, "alchemist.cache.gets", "result", "miss")).isEqualTo(3);
  }

  @Test
  void getAsync_largeValue_decodesOffLettuceThreads() {
    Queue<String> decodeThreads = new ConcurrentLinkedQueue<>();
    CodecRegistry spying = spyingRegistry(decodeThreads);
    CachePolicy policy = CachePolicy.builder("large").build();
    ExecutorService decoders = Executors.newFixedThreadPool(2, r -> new Thread(r, "decoder"));
    try {
      Cache<String, Profile> cache =
          open(builder().codec(spying).executor(decoders))
              .cache(policy, String.class, Profile.class);
      Profile big = new Profile("x".repeat(256 * 1024), 1);
      cache.put("big", big);
      Queue<String> stageThreads = new ConcurrentLinkedQueue<>();
      assertThat(
              cache
                  .getAsync("big")
                  .thenApply(
                      v -> {
                        stageThreads.add(Thread.currentThread().getName());
                        return v;
                      })
                  .join())
          .isEqualTo(big);
      assertThat(decodeThreads).isNotEmpty().allSatisfy(t -> assertThat(t).isEqualTo("decoder"));
      assertThat(stageThreads).allSatisfy(t -> assertThat(t).doesNotContainIgnoringCase("lettuce"));
    } finally {
      decoders.shutdownNow();
    }
  }

  @Test
  void loadLease_twoInstancesConcurrentMisses_loadOnce() throws Exception {
    CachePolicy policy =
        CachePolicy.builder("leased").loadLease(true, Duration.ofSeconds(10)).build();
    Cache<String, Profile> a = open(builder()).cache(policy, String.class, Profile.class);
    // a second live manager: on a registry of its own, since it may not report a's gauge
    Cache<String, Profile> b =
        open(Fixtures.manager(Fixtures.Backend.REDIS, new SimpleMeterRegistry(), prefix))
            .cache(policy, String.class, Profile.class);
    AtomicInteger loads = new AtomicInteger();
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<Profile>> results = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        Cache<String, Profile> cache = i % 2 == 0 ? a : b;
        results.add(
            pool.submit(
                () -> {
                  start.await();
                  return cache.get(
                      "expensive",
                      k -> {
                        loads.incrementAndGet();
                        sleep(300);
                        return new Profile("Expensive", 9);
                      });
                }));
      }
      start.countDown();
      for (Future<Profile> r : results) {
        assertThat(r.get(30, TimeUnit.SECONDS)).isEqualTo(new Profile("Expensive", 9));
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(loads).hasValue(1);
    assertThat(redis.exists(prefix + ":leased:lease:v1:expensive")).isZero();
  }

  @Test
  void settings_toString_neverShowsThePassword() {
    CacheManagerSettings settings =
        CacheManager.builder().redis("redis://:s3cr3t@127.0.0.1:6390/0").settings();
    assertThat(settings.toString()).doesNotContain("s3cr3t").contains("redis://127.0.0.1:6390");
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static CodecRegistry spyingRegistry(Queue<String> threads) {
    CodecRegistry base = Fixtures.CODECS;
    return new CodecRegistry() {
      @Override
      public <T> Codec<T> codec(Class<T> type) {
        Codec<T> codec = base.codec(type);
        return new Codec<T>() {
          @Override
          public Class<T> type() {
            return codec.type();
          }

          @Override
          public byte[] encode(T value) {
            return codec.encode(value);
          }

          @Override
          public T decode(byte[] bytes, int offset, int length) {
            threads.add(Thread.currentThread().getName());
            return codec.decode(bytes, offset, length);
          }
        };
      }

      @Override
      public boolean isRegistered(Class<?> type) {
        return base.isRegistered(type);
      }

      @Override
      public int schemaId(Class<?> type) {
        return base.schemaId(type);
      }
    };
  }
}
