package dev.alchemist.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.alchemist.testing.TestServices;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code byte[]} as a first-class cached value, on the real Redis and on the embedded store, with a
 * near cache: an array is the one mutable value the codec takes, so the cache must never hand two
 * callers the same array.
 */
class BlobValuesIT {
  private static final CachePolicy NEAR =
      CachePolicy.builder("blobs")
          .ttl(Duration.ofMinutes(5))
          .nearCache(100, Duration.ofMinutes(5))
          .build();

  private final String prefix = TestServices.uniquePrefix("blobs");
  private final List<CacheManager> managers = new ArrayList<>();

  @AfterEach
  void close() {
    for (CacheManager m : managers) {
      m.cache(NEAR, String.class, byte[].class).invalidateAll();
      m.close();
    }
  }

  private Cache<String, byte[]> redis() {
    CacheManager m =
        CacheManager.builder()
            .redis(TestServices.redis().uri())
            .meterRegistry(new SimpleMeterRegistry())
            .keyPrefix(prefix)
            .build();
    managers.add(m);
    return m.cache(NEAR, String.class, byte[].class);
  }

  private Cache<String, byte[]> local() {
    CacheManager m =
        CacheManager.builder().local(100).meterRegistry(new SimpleMeterRegistry()).build();
    managers.add(m);
    return m.cache(NEAR, String.class, byte[].class);
  }

  @Test
  void byteArray_roundTripsThroughRedis_toAnotherInstance_exactly() {
    byte[] blob = new byte[64 * 1024];
    for (int i = 0; i < blob.length; i++) {
      blob[i] = (byte) (i * 31);
    }
    redis().put("k", blob);
    assertThat(redis().get("k")).isEqualTo(blob);
    assertThat(redis().getAll(List.of("k", "missing"))).containsOnlyKeys("k");
  }

  @Test
  void nearCache_sharesNoArray_withTheCallerThatPutIt_orGotIt() {
    for (Cache<String, byte[]> cache : List.of(redis(), local())) {
      byte[] put = {1, 2, 3};
      cache.put("k", put);
      put[0] = 99; // the caller reuses its buffer after the put
      byte[] first = cache.get("k");
      assertThat(first).as("after the caller changed the array it put").containsExactly(1, 2, 3);
      first[1] = 99; // a caller changes what it got
      assertThat(cache.get("k"))
          .as("after a caller changed the array it got")
          .containsExactly(1, 2, 3);
      assertThat(cache.get("k")).isNotSameAs(cache.get("k"));
      Map<String, byte[]> all = cache.getAll(List.of("k"));
      all.get("k")[2] = 99;
      assertThat(cache.getAsync("k").join()).containsExactly(1, 2, 3);
    }
  }

  @Test
  void emptyArray_isAValue_notANull() {
    Cache<String, byte[]> cache = redis();
    cache.put("empty", new byte[0]);
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> cache.get("empty") != null && cache.get("empty").length == 0);
    assertThat(Arrays.equals(cache.get("empty"), new byte[0])).isTrue();
  }
}
