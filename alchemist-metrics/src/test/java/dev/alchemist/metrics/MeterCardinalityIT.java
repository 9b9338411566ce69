package dev.alchemist.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class MeterCardinalityIT {

  @Test
  void exercisedApplication_everyMeter_hasOnlyLowCardinalityTags() throws Exception {
    try (ExercisedApplication app = new ExercisedApplication()) {
      assertThat(app.metrics.registry().getMeters()).hasSizeGreaterThan(30);

      assertThat(CardinalityGuard.violations(app.metrics.registry())).isEmpty();
    }
  }

  @Test
  void violations_forbiddenKeyOrUuidValue_areReported() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    Counter.builder("alchemist.bad").tag("dialog_id", "d1").register(registry);
    Counter.builder("alchemist.bad2").tag("session", "s").register(registry);
    Counter.builder("alchemist.bad3")
        .tag("cache", "history-" + UUID.randomUUID())
        .register(registry);
    Counter.builder("alchemist.good").tag("cache", "history").register(registry);

    assertThat(CardinalityGuard.violations(registry))
        .hasSize(3)
        .anySatisfy(v -> assertThat(v).contains("forbidden tag key dialog_id"))
        .anySatisfy(v -> assertThat(v).contains("forbidden tag key session"))
        .anySatisfy(v -> assertThat(v).contains("tag cache looks like an id"));
  }
}
