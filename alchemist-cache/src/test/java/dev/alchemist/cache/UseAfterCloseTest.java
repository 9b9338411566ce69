package dev.alchemist.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.alchemist.cache.Fixtures.Profile;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/**
 * A cache used after its manager closed fails loudly: before, {@code get} returned null, {@code
 * get(key, loader)} quietly ran the loader and {@code put} was dropped, which a caller cannot tell
 * from a Redis outage.
 */
class UseAfterCloseTest {

  private static final CachePolicy PLAIN = CachePolicy.builder("plain").build();

  @Test
  void everyOperation_afterManagerClose_throwsIllegalStateNamingTheManagerAndCache() {
    CacheManager manager =
        CacheManager.builder()
            .local()
            .codec(Fixtures.CODECS)
            .meterRegistry(new SimpleMeterRegistry())
            .build();
    Cache<String, Profile> cache = manager.cache(PLAIN, String.class, Profile.class);
    cache.put("k", new Profile("Ada", 36));
    manager.close();
    AtomicInteger loads = new AtomicInteger();
    Profile value = new Profile("Grace", 45);

    List<ThrowingCallable> calls =
        List.of(
            () -> cache.get("k"),
            () -> cache.getAsync("k"),
            () -> cache.get("k", k -> loads.incrementAndGet() > 0 ? value : null),
            () -> cache.getAll(List.of("k")),
            () -> cache.put("k", value),
            () -> cache.putAsync("k", value),
            () -> cache.putAll(Map.of("k", value)),
            () -> cache.invalidate("k"),
            cache::invalidateAll);
    for (ThrowingCallable call : calls) {
      assertThatThrownBy(call)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("cache manager is closed")
          .hasMessageContaining("plain");
    }
    assertThat(loads).hasValue(0);
  }
}
