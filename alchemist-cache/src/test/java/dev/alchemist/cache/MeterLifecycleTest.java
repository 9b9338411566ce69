package dev.alchemist.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.alchemist.cache.Fixtures.Backend;
import dev.alchemist.cache.Fixtures.Profile;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

/**
 * Before, a manager's meters stayed in the registry after close, and Micrometer handed the next
 * manager's region the same meters: a re-created manager reported the closed one's numbers, and two
 * live managers shared one circuit gauge.
 */
class MeterLifecycleTest {
  private static final CachePolicy PLAIN = CachePolicy.builder("plain").build();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  @Test
  void close_removesEveryMeterItRegistered() {
    CacheManager manager = Fixtures.manager(Backend.LOCAL, registry, "meters").build();
    Cache<String, Profile> cache = manager.cache(PLAIN, String.class, Profile.class);
    cache.put("k", new Profile("Ada", 36));
    cache.get("k");
    cache.get("missing", k -> new Profile("Grace", 45));
    assertThat(alchemistMeters()).isNotEmpty();

    manager.close();

    assertThat(alchemistMeters()).isEmpty();
  }

  @Test
  void recreatedManager_reportsItsOwnNumbersNotTheClosedOnes() {
    try (CacheManager first = Fixtures.manager(Backend.LOCAL, registry, "meters").build()) {
      Cache<String, Profile> cache = first.cache(PLAIN, String.class, Profile.class);
      cache.put("k", new Profile("Ada", 36));
      cache.get("k");
      cache.get("k");
    }
    try (CacheManager second = Fixtures.manager(Backend.LOCAL, registry, "meters").build()) {
      second.cache(PLAIN, String.class, Profile.class).get("k");

      assertThat(
              Fixtures.count(
                  registry, "alchemist.cache.gets", "cache", "plain", "result", "l1_hit"))
          .isZero();
      assertThat(
              Fixtures.count(registry, "alchemist.cache.gets", "cache", "plain", "result", "miss"))
          .isEqualTo(1);
      assertThat(Fixtures.count(registry, "alchemist.cache.puts", "cache", "plain")).isZero();
    }
  }

  @Test
  void twoLiveManagers_neverShareAGauge() {
    CacheManager first = Fixtures.manager(Backend.LOCAL, registry, "meters").build();
    try (CacheManager second = Fixtures.manager(Backend.LOCAL, registry, "meters").build()) {
      first.cache(PLAIN, String.class, Profile.class);

      assertThatThrownBy(() -> second.cache(PLAIN, String.class, Profile.class))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("alchemist.cache.circuit.state{cache=plain}")
          .hasMessageContaining("its own MeterRegistry");
      assertThat(registry.get("alchemist.cache.circuit.state").gauges()).hasSize(1);

      first.close();
      second.cache(PLAIN, String.class, Profile.class).get("k");
      assertThat(registry.get("alchemist.cache.circuit.state").gauge().value()).isZero();
      assertThat(Fixtures.count(registry, "alchemist.cache.gets", "result", "miss")).isEqualTo(1);
    } finally {
      first.close();
    }
  }

  @Test
  void twoLiveManagers_onTheirOwnRegistries_eachReportTheirRegion() {
    SimpleMeterRegistry other = new SimpleMeterRegistry();
    try (CacheManager first = Fixtures.manager(Backend.LOCAL, registry, "meters").build();
        CacheManager second = Fixtures.manager(Backend.LOCAL, other, "meters").build()) {
      first.cache(PLAIN, String.class, Profile.class).get("k");
      second.cache(PLAIN, String.class, Profile.class).get("k");
      second.cache(PLAIN, String.class, Profile.class).get("k");

      assertThat(Fixtures.count(registry, "alchemist.cache.gets", "result", "miss")).isEqualTo(1);
      assertThat(Fixtures.count(other, "alchemist.cache.gets", "result", "miss")).isEqualTo(2);
    }
  }

  private java.util.List<Meter> alchemistMeters() {
    return registry.getMeters().stream()
        .filter(m -> m.getId().getName().startsWith("alchemist."))
        .toList();
  }
}
