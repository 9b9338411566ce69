package dev.alchemist.cache;

import static dev.alchemist.cache.Fixtures.count;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.alchemist.cache.Fixtures.Profile;
import dev.alchemist.core.AlchemistException;
import dev.alchemist.testing.PrivateServer;
import io.micrometer.core.instrument.search.Search;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A private redis-server killed and restarted mid-test. */
class DegradationIT {

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  @Test
  void deadRedis_getsMissPutsDropCircuitOpensThenResumesByItself() {
    Queue<String> transitions = new ConcurrentLinkedQueue<>();
    CacheListener listener =
        new CacheListener() {
          @Override
          public void onCircuitStateChange(CircuitState from, CircuitState to) {
            transitions.add(from + ">" + to);
          }
        };
    CachePolicy policy = CachePolicy.builder("outage").ttl(Duration.ofMinutes(1)).build();
    try (PrivateServer server = PrivateServer.redis();
        CacheManager manager =
            CacheManager.builder()
                .redis(server.uri())
                .codec(Fixtures.CODECS)
                .meterRegistry(registry)
                .listener(listener)
                .operationTimeout(Duration.ofMillis(200))
                .circuitBreaker(3, Duration.ofMillis(300))
                .build()) {
      Cache<String, Profile> cache = manager.cache(policy, String.class, Profile.class);
      cache.put("k", new Profile("Up", 1));
      assertThat(cache.get("k")).isEqualTo(new Profile("Up", 1));

      server.kill();

      AtomicInteger loads = new AtomicInteger();
      for (int i = 0; i < 5; i++) {
        assertThat(cache.get("k", key -> load(loads))).isEqualTo(new Profile("Loaded", 2));
        cache.put("other", new Profile("Dropped", 3));
      }
      assertThat(cache.get("k")).isNull();
      assertThat(cache.getAsync("k").join()).isNull();
      assertThat(cache.getAll(List.of("k", "other"))).isEmpty();
      cache.invalidate("k");
      assertThat(loads).hasValue(5);
      assertThat(manager.circuitState()).isEqualTo(CircuitState.OPEN);
      assertThat(count(registry, "alchemist.cache.puts", "result", "dropped"))
          .isGreaterThanOrEqualTo(5);
      assertThat(count(registry, "alchemist.cache.errors", "kind", "circuit_open")).isPositive();
      assertThat(Search.in(registry).name("alchemist.cache.circuit.state").gauge().value())
          .isEqualTo(2.0);

      server.restart();

      await()
          .atMost(Duration.ofSeconds(20))
          .pollInterval(Duration.ofMillis(50))
          .until(
              () -> {
                cache.put("k", new Profile("Back", 4));
                return new Profile("Back", 4).equals(cache.get("k"));
              });
      assertThat(manager.circuitState()).isEqualTo(CircuitState.CLOSED);
      assertThat(transitions).contains("CLOSED>OPEN", "OPEN>HALF_OPEN", "HALF_OPEN>CLOSED");
      assertThat(cache.getAll(List.of("k"))).isEqualTo(Map.of("k", new Profile("Back", 4)));
    }
  }

  @Test
  void build_unreachableRedis_failsNamingAddressButNotPassword() {
    int port;
    try (PrivateServer server = PrivateServer.redis()) {
      port = server.port();
    }
    CacheManager.Builder builder =
        CacheManager.builder()
            .redis("redis://:hunter2@127.0.0.1:" + port)
            .connectTimeout(Duration.ofMillis(500));
    try {
      builder.build().close();
      throw new AssertionError("expected a connection failure");
    } catch (AlchemistException e) {
      assertThat(e.getMessage()).contains("redis://127.0.0.1:" + port).doesNotContain("hunter2");
    }
  }

  private static Profile load(AtomicInteger loads) {
    loads.incrementAndGet();
    return new Profile("Loaded", 2);
  }
}
