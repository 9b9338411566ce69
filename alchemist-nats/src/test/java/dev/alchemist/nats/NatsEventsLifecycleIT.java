package dev.alchemist.nats;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What the bus keeps track of: only what is open. */
class NatsEventsLifecycleIT extends Fixtures.OnOwnStream {
  NatsEventsLifecycleIT() {
    super("lifecycle");
  }

  @Test
  void consumerClose_removesItFromTheBus() {
    ConsumerSettings settings =
        ConsumerSettings.builder(space.stream(), "lifecycle")
            .filter(space.subjects().all())
            .build();
    for (int i = 0; i < 3; i++) {
      EventConsumer consumer = events.consume(settings, e -> {});
      assertThat(events.toString()).contains("consumers=1");
      consumer.close();
      assertThat(events.toString()).as("after close %d", i).contains("consumers=0");
    }
  }

  @Test
  void publisherAndSubscriptionClose_removeThemFromTheBus() {
    JetStreamPublisher publisher =
        events.jetStreamPublisher(
            JetStreamPublisherSettings.builder().stream(space.spec()).build());
    EventSubscription subscription = events.subscribe(space.subjects().all(), e -> {});
    assertThat(events.toString()).contains("publishers=1", "subscriptions=1");
    publisher.close();
    subscription.close();
    assertThat(events.toString()).contains("publishers=0", "subscriptions=0");
  }
}
