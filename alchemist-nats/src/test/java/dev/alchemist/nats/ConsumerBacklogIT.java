package dev.alchemist.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.alchemist.core.DomainEvent;
import io.micrometer.core.instrument.Gauge;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.ConsumerInfo;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A backlog much longer than a second with default consumer settings: every event is handled once,
 * nothing is redelivered while it waits, the consumer holds a bounded number of messages, and the
 * consumer on the server has the documented settings.
 */
class ConsumerBacklogIT extends Fixtures.OnOwnStream {
  private static final int EVENTS = 20_000;

  ConsumerBacklogIT() {
    super("backlog");
  }

  @Test
  void consume_backlogLongerThanFirstBackoff_handlesEveryEventOnceWithoutRedelivery()
      throws Exception {
    publish(EVENTS);
    ConsumerSettings settings =
        ConsumerSettings.builder(space.stream(), "backlog").filter(space.subjects().all()).build();
    Map<String, AtomicInteger> handled = new ConcurrentHashMap<>();
    AtomicLong redelivered = new AtomicLong();
    AtomicLong maxBuffered = new AtomicLong(-1);
    AtomicLong maxAckPending = new AtomicLong();
    AtomicInteger polls = new AtomicInteger();
    try (EventConsumer consumer =
        events.consume(
            settings,
            e -> {
              count(e, handled, redelivered);
              Thread.sleep(5); // a handler that cannot keep up with the backlog
            })) {
      await()
          .atMost(Duration.ofMinutes(5))
          .pollInterval(Duration.ofMillis(100))
          .until(
              () -> {
                Gauge buffered = registry.find("alchemist.nats.consumer.buffered").gauge();
                if (buffered != null) {
                  maxBuffered.accumulateAndGet((long) buffered.value(), Math::max);
                }
                if (polls.incrementAndGet() % 10 == 0) { // the server's view, once a second
                  maxAckPending.accumulateAndGet(consumer.refreshLag().ackPending(), Math::max);
                }
                return consumer.acknowledged() >= EVENTS;
              });
      ConsumerInfo info =
          events.connection().jetStreamManagement().getConsumerInfo(space.stream(), "backlog");
      long twice = handled.values().stream().filter(n -> n.get() > 1).count();
      assertThat(handled.size()).as("distinct events handled").isEqualTo(EVENTS);
      assertThat(twice).as("events handled more than once").isZero();
      assertThat(redelivered).as("deliveries > 1 seen by the handler").hasValue(0);
      assertThat(info.getRedelivered()).as("redelivered on the server").isZero();
      assertThat(maxBuffered.get())
          .as("messages held by the consumer (the gauge must exist)")
          .isBetween(0L, (long) settings.batchSize());
      assertThat(maxAckPending.get())
          .as("unacknowledged on the server: queued, pulled ahead, a few acks on the wire")
          .isBetween(1L, 2L * settings.batchSize() + 20);
      System.out.println(
          "ConsumerBacklogIT: most messages queued for the handler: "
              + maxBuffered.get()
              + ", most ack pending on the server: "
              + maxAckPending.get());
    }
  }

  @Test
  void consume_queueAndHandlerOutlastAckWait_inProgressKeepsEveryMessageFromRedelivery()
      throws Exception {
    // 8 events of 600 ms each behind a 2 s ack wait: the last waits about 4 s in the queue, and
    // the slow one below runs 2.5 s in the handler. Only in-progress keeps them from redelivery.
    publish(8);
    ConsumerSettings settings =
        ConsumerSettings.builder(space.stream(), "slow")
            .filter(space.subjects().all())
            .ackWait(Duration.ofSeconds(2))
            .batchSize(8)
            .build();
    Map<String, AtomicInteger> handled = new ConcurrentHashMap<>();
    AtomicLong redelivered = new AtomicLong();
    AtomicInteger calls = new AtomicInteger();
    try (EventConsumer consumer =
        events.consume(
            settings,
            e -> {
              count(e, handled, redelivered);
              Thread.sleep(calls.incrementAndGet() == 3 ? 2500 : 600);
            })) {
      await().atMost(Duration.ofSeconds(60)).until(() -> consumer.acknowledged() >= 8);
      Thread.sleep(2500); // a redelivery of the last ones would show up within an ack wait
      ConsumerInfo info =
          events.connection().jetStreamManagement().getConsumerInfo(space.stream(), "slow");
      assertThat(handled).hasSize(8);
      assertThat(handled.values()).allSatisfy(n -> assertThat(n).hasValue(1));
      assertThat(redelivered).hasValue(0);
      assertThat(info.getRedelivered()).as("redelivered on the server").isZero();
    }
  }

  @Test
  void consume_durableCreatedWithServerBackoff_updateRemovesTheBackoff() throws Exception {
    // A durable created by an older version carried the backoff on the server.
    events
        .connection()
        .jetStreamManagement()
        .addOrUpdateConsumer(
            space.stream(),
            ConsumerConfiguration.builder()
                .durable("upgraded")
                .filterSubject(space.subjects().all().toString())
                .ackPolicy(AckPolicy.Explicit)
                .ackWait(Duration.ofSeconds(30))
                .maxDeliver(5)
                .backoff(Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(30))
                .build());
    ConsumerSettings settings =
        ConsumerSettings.builder(space.stream(), "upgraded").filter(space.subjects().all()).build();
    try (EventConsumer consumer = events.consume(settings, e -> {})) {
      ConsumerConfiguration config =
          events
              .connection()
              .jetStreamManagement()
              .getConsumerInfo(space.stream(), consumer.settings().durableName())
              .getConsumerConfiguration();
      assertThat(config.getBackoff()).isEmpty();
      assertThat(config.getAckWait()).isEqualTo(Duration.ofSeconds(30));
    }
  }

  @Test
  void consume_defaultSettings_serverConsumerHasTheDocumentedSettings() throws Exception {
    ConsumerSettings settings =
        ConsumerSettings.builder(space.stream(), "documented")
            .filter(space.subjects().all())
            .build();
    try (EventConsumer consumer = events.consume(settings, e -> {})) {
      ConsumerConfiguration config =
          events
              .connection()
              .jetStreamManagement()
              .getConsumerInfo(space.stream(), "documented")
              .getConsumerConfiguration();
      assertThat(config.getAckPolicy()).isEqualTo(AckPolicy.Explicit);
      assertThat(config.getAckWait()).isEqualTo(Duration.ofSeconds(30));
      assertThat(config.getBackoff())
          .as("no server backoff: it would replace the ack wait with its first step")
          .isEmpty();
      assertThat(config.getMaxAckPending()).isEqualTo(1000);
      assertThat(config.getMaxDeliver()).isEqualTo(5);
      assertThat(config.getFilterSubject()).isEqualTo(space.subjects().all().toString());
      assertThat(consumer.settings().backoff())
          .containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(30));
    }
  }

  private void publish(int count) throws Exception {
    try (JetStreamPublisher publisher =
        events.jetStreamPublisher(
            JetStreamPublisherSettings.builder().stream(space.spec()).build())) {
      List<CompletableFuture<PublishReceipt>> window = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        DomainEvent e = Fixtures.event("created", "{\"i\":" + i + "}");
        window.add(publisher.publish(space.subjects().subject(e), e));
        if (window.size() == 1000) {
          CompletableFuture.allOf(window.toArray(new CompletableFuture<?>[0]))
              .get(30, TimeUnit.SECONDS);
          window.clear();
        }
      }
      CompletableFuture.allOf(window.toArray(new CompletableFuture<?>[0]))
          .get(30, TimeUnit.SECONDS);
    }
  }

  /** Counts each handling per event id, and the deliveries past the first. */
  private static void count(
      ReceivedEvent e, Map<String, AtomicInteger> handled, AtomicLong redelivered) {
    if (e.deliveries() > 1) {
      redelivered.incrementAndGet();
    }
    handled.computeIfAbsent(e.event().id().toString(), k -> new AtomicInteger()).incrementAndGet();
  }
}
