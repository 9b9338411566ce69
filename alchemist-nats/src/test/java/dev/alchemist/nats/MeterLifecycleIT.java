package dev.alchemist.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.alchemist.core.DomainEvent;
import dev.alchemist.testing.TestServices;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Before, publishers and consumers left their meters in the registry on close, and Micrometer
 * handed the next instance with equal tags the old meters: two publishers on one stream under the
 * default name shared one in-flight gauge, and a re-created consumer's lag gauges read the closed
 * consumer's numbers.
 */
class MeterLifecycleIT extends Fixtures.OnOwnStream {
  MeterLifecycleIT() {
    super("meters");
  }

  @Test
  void close_removesEveryMeterItRegistered() throws Exception {
    SimpleMeterRegistry own = new SimpleMeterRegistry();
    NatsEvents bus = Fixtures.connect(TestServices.nats().uri(), space.subjects(), own);
    try {
      JetStreamPublisher publisher =
          bus.jetStreamPublisher(JetStreamPublisherSettings.builder().stream(space.spec()).build());
      publish(publisher, 2);
      EventConsumer consumer = bus.consume(settings("worker"), e -> {});
      await().atMost(Duration.ofSeconds(10)).until(() -> consumer.acknowledged() == 2);
      assertThat(own.getMeters()).anyMatch(m -> space.stream().equals(m.getId().getTag("stream")));

      publisher.close();
      consumer.close();

      assertThat(own.getMeters()).noneMatch(m -> space.stream().equals(m.getId().getTag("stream")));
    } finally {
      bus.close();
    }
    assertThat(own.getMeters()).isEmpty();
  }

  @Test
  void twoPublishersOnOneStreamUnderTheDefaultName_neverShareAGauge() throws Exception {
    JetStreamPublisher first = publisher(JetStreamPublisherSettings.builder());
    try (JetStreamPublisher second = publisher(JetStreamPublisherSettings.builder())) {
      publish(first, 3);
      publish(second, 1);

      assertThat(registry.get("alchemist.nats.in.flight").gauges()).hasSize(2);
      assertThat(published("default")).isEqualTo(3);
      assertThat(published("default-2")).isEqualTo(1);

      first.close();
      publish(second, 1);
      assertThat(registry.find("alchemist.nats.in.flight").tag("publisher", "default").gauge())
          .isNull();
      assertThat(published("default-2")).isEqualTo(2);
      // A publish leaves the in-flight count just after its future completes (see inFlight()).
      await()
          .atMost(Duration.ofSeconds(5))
          .untilAsserted(
              () -> assertThat(registry.get("alchemist.nats.in.flight").gauge().value()).isZero());
    } finally {
      first.close();
    }
  }

  @Test
  void twoLivePublishersUnderOneChosenName_secondIsRefused() {
    try (JetStreamPublisher first =
        publisher(JetStreamPublisherSettings.builder().name("orders"))) {
      assertThatThrownBy(() -> publisher(JetStreamPublisherSettings.builder().name("orders")))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining(
              "alchemist.nats.in.flight{publisher=orders,stream=" + space.stream())
          .hasMessageContaining("its own MeterRegistry");
      assertThat(first.settings().name()).isEqualTo("orders");
    }
  }

  @Test
  void recreatedConsumer_lagGaugesReadItsOwnNumbers() throws Exception {
    try (JetStreamPublisher publisher = publisher(JetStreamPublisherSettings.builder())) {
      try (EventConsumer first = events.consume(settings("worker"), e -> {})) {
        publish(publisher, 2);
        await().atMost(Duration.ofSeconds(10)).until(() -> first.acknowledged() == 2);
        await()
            .atMost(Duration.ofSeconds(10))
            .until(() -> first.refreshLag().equals(new ConsumerLag(0, 0)));
      }
      publish(publisher, 5);
      CountDownLatch release = new CountDownLatch(1);
      ConsumerSettings slow =
          ConsumerSettings.builder(space.stream(), "worker")
              .filter(space.subjects().all())
              .batchSize(1)
              .maxAckPending(1)
              .lagInterval(Duration.ofMillis(100))
              .build();
      try (EventConsumer second = events.consume(slow, e -> release.await(30, TimeUnit.SECONDS))) {
        await()
            .atMost(Duration.ofSeconds(10))
            .until(
                () ->
                    second.lag().pending() > 0
                        && gauge("alchemist.nats.consumer.pending") == second.lag().pending());
        assertThat(gauge("alchemist.nats.consumer.buffered")).isEqualTo(1);
        release.countDown();
      }
    }
  }

  @Test
  void twoLiveConsumersOfOneDurable_neverShareAGauge() {
    try (EventConsumer first = events.consume(settings("worker"), e -> {})) {
      assertThatThrownBy(() -> events.consume(settings("worker"), e -> {}))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining(
              "alchemist.nats.consumer.pending{consumer=worker,stream=" + space.stream() + "}");
      assertThat(first.settings().durableName()).isEqualTo("worker");
      assertThat(registry.get("alchemist.nats.consumer.pending").gauges()).hasSize(1);
    }
    try (EventConsumer again = events.consume(settings("worker"), e -> {})) {
      assertThat(again.settings().durableName()).isEqualTo("worker");
    }
  }

  private JetStreamPublisher publisher(JetStreamPublisherSettings.Builder builder) {
    return events.jetStreamPublisher(builder.stream(space.spec()).build());
  }

  private ConsumerSettings settings(String durable) {
    return ConsumerSettings.builder(space.stream(), durable)
        .filter(space.subjects().all())
        .lagInterval(Duration.ofMillis(100))
        .build();
  }

  private void publish(JetStreamPublisher publisher, int count) throws Exception {
    for (int i = 0; i < count; i++) {
      DomainEvent e = Fixtures.event("created", "{}");
      publisher.publish(space.subjects().subject(e), e).get(10, TimeUnit.SECONDS);
    }
  }

  private double published(String publisher) {
    return registry
        .get("alchemist.nats.published")
        .tags("publisher", publisher, "stream", space.stream())
        .counter()
        .count();
  }

  private double gauge(String name) {
    return registry.get(name).tags("stream", space.stream(), "consumer", "worker").gauge().value();
  }
}
