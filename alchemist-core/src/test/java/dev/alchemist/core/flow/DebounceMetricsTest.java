package dev.alchemist.core.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class DebounceMetricsTest {
  private final FakeScheduler scheduler = new FakeScheduler();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  private DebounceSettings settings() {
    return DebounceSettings.builder()
        .name("dashboard")
        .interval(Duration.ofMillis(16))
        .idleTimeout(Duration.ofMillis(50))
        .scheduler(scheduler)
        .ticker(scheduler.ticker())
        .build();
  }

  private double counter(String name, String outcome) {
    var search = registry.get(name).tag("name", "dashboard");
    return (outcome == null ? search : search.tag("outcome", outcome)).functionCounter().count();
  }

  @Test
  void bindTo_updater_publishesCountersByOutcome() {
    DebouncedUpdater<Integer> updater = DebouncedUpdater.create(settings(), v -> {});
    DebounceMetrics.of(updater).bindTo(registry);

    updater.update(1);
    updater.update(2);
    updater.update(3);
    scheduler.advance(Duration.ofMillis(100));

    assertThat(counter("alchemist.flow.updates.received", null)).isEqualTo(3);
    assertThat(counter("alchemist.flow.updates", "delivered")).isEqualTo(1);
    assertThat(counter("alchemist.flow.updates", "coalesced")).isEqualTo(2);
    assertThat(counter("alchemist.flow.updates", "failed")).isZero();
    assertThat(counter("alchemist.flow.updates", "rejected")).isZero();
    updater.close();
    assertThatThrownBy(() -> updater.update(4)).isInstanceOf(IllegalStateException.class);
    assertThat(updater.stats().rejected()).isEqualTo(1);
  }

  @Test
  void close_removesEveryMeterItRegistered() {
    DebouncedUpdater<Integer> updater = DebouncedUpdater.create(settings(), v -> {});
    KeyedDebouncer<String, Integer> keyed =
        KeyedDebouncer.create(settings().toBuilder().name("keys").build(), (k, v) -> {});
    DebounceMetrics.of(updater).bindTo(registry);
    DebounceMetrics.of(keyed).bindTo(registry);
    assertThat(registry.getMeters()).hasSize(14);

    updater.close();
    keyed.close();

    assertThat(registry.getMeters()).isEmpty();
  }

  @Test
  void twoLiveDebouncersOfOneName_neverShareAGauge() {
    KeyedDebouncer<String, Integer> first = KeyedDebouncer.create(settings(), (k, v) -> {});
    KeyedDebouncer<String, Integer> second = KeyedDebouncer.create(settings(), (k, v) -> {});
    DebounceMetrics.of(first).bindTo(registry);
    first.update("a", 1);
    first.update("b", 1);
    second.update("c", 1);
    scheduler.runDue();

    assertThatThrownBy(() -> DebounceMetrics.of(second).bindTo(registry))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("alchemist.flow.updates.received{name=dashboard}");
    assertThat(registry.get("alchemist.flow.keys").gauge().value()).isEqualTo(2);

    first.close();
    DebounceMetrics.of(second).bindTo(registry);
    assertThat(registry.get("alchemist.flow.keys").gauge().value()).isEqualTo(1);
    assertThat(counter("alchemist.flow.updates.received", null)).isEqualTo(1);
    second.close();
  }

  @Test
  void bindTo_keyed_publishesKeysAndExpiries() {
    KeyedDebouncer<String, Integer> keyed = KeyedDebouncer.create(settings(), (k, v) -> {});
    DebounceMetrics.of(keyed).bindTo(registry);

    keyed.update("a", 1);
    keyed.update("b", 1);
    scheduler.runDue();
    assertThat(registry.get("alchemist.flow.keys").gauge().value()).isEqualTo(2);

    scheduler.advance(Duration.ofMillis(100));
    assertThat(registry.get("alchemist.flow.keys").gauge().value()).isZero();
    assertThat(counter("alchemist.flow.keys.expired", null)).isEqualTo(2);
  }
}
