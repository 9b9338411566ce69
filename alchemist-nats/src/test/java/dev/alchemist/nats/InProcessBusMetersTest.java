package dev.alchemist.nats;

import static org.assertj.core.api.Assertions.assertThat;

import dev.alchemist.core.DomainEvent;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.Test;

/** Before, a closed bus's counters stayed in the registry and a re-created bus counted on them. */
class InProcessBusMetersTest {
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final Executor direct = Runnable::run;

  @Test
  void close_removesEveryMeterItRegistered() {
    EventBus bus = InProcessEventBus.builder().executor(direct).meterRegistry(registry).build();
    bus.subscribe(bus.subjects().pattern(">"), e -> {});
    bus.publish(event());
    assertThat(registry.find("alchemist.nats.handled").counter()).isNotNull();

    bus.close();

    assertThat(registry.getMeters()).isEmpty();
  }

  @Test
  void recreatedBus_countsOnlyItsOwnEvents_whileAnotherLiveBusKeepsItsCounts() {
    EventBus first = InProcessEventBus.builder().executor(direct).meterRegistry(registry).build();
    first.publish(event());
    first.publish(event());
    first.close();
    EventBus second = InProcessEventBus.builder().executor(direct).meterRegistry(registry).build();
    try (EventBus third =
        InProcessEventBus.builder().executor(direct).meterRegistry(registry).build()) {
      second.publish(event());
      third.publish(event());
      second.close();
      third.publish(event());

      // live buses of one kind share the bus=in-process counters: they add up
      assertThat(registry.get("alchemist.nats.published").counter().count()).isEqualTo(3);
    } finally {
      second.close();
    }
    assertThat(registry.getMeters()).isEmpty();
  }

  private static DomainEvent event() {
    return DomainEvent.of("dialog", "message", "created", null, Instant.EPOCH, "{}");
  }
}
