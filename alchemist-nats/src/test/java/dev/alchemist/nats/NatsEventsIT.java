package dev.alchemist.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.alchemist.core.DomainEvent;
import dev.alchemist.testing.TestServices;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class NatsEventsIT {
  private Fixtures.Space space;
  private NatsEvents events;

  @BeforeEach
  void setUp() {
    space = Fixtures.space("events");
    events = Fixtures.connect(TestServices.nats().uri(), space.subjects());
  }

  @AfterEach
  void tearDown() {
    events.provisioner().delete(space.stream());
    events.close();
  }

  @Test
  void subscribe_corePublish_deliversMatchingWithHeaders() {
    List<ReceivedEvent> creations = new CopyOnWriteArrayList<>();
    events.subscribe(space.subjects().pattern("*.*.created"), creations::add);
    events.flush(Duration.ofSeconds(5));
    DomainEvent created = Fixtures.event("created", "{\"a\":1}");
    events.publish(space.subjects().subject(created), created, "trace-1");
    events.publish(Fixtures.event("deleted", "{}"));
    events.flush(Duration.ofSeconds(5));
    await().atMost(Duration.ofSeconds(10)).until(() -> creations.size() == 1);
    ReceivedEvent got = creations.get(0);
    assertThat(got.event()).isEqualTo(created);
    assertThat(got.traceId()).isEqualTo("trace-1");
    assertThat(got.subject()).isEqualTo(space.subjects().root() + ".dialog.message.created");
  }

  @Test
  void consume_handlerFailsUntilMaxDeliver_deadLettersAndAcksTheRest() throws Exception {
    events.provisioner().provision(space.spec());
    String deadLetters = space.subjects().root() + "_dlq.dead";
    List<ReceivedEvent> dead = new CopyOnWriteArrayList<>();
    events.subscribe(SubjectPattern.parse(deadLetters), dead::add);
    AtomicInteger attemptsOnPoison = new AtomicInteger();
    ConsumerSettings settings =
        ConsumerSettings.builder(space.stream(), "worker")
            .filter(space.subjects().all())
            .maxDeliver(3)
            .backoff(Duration.ofMillis(50), Duration.ofMillis(50))
            .ackWait(Duration.ofSeconds(5))
            .deadLetterSubject(deadLetters)
            .lagInterval(Duration.ofMillis(200))
            .build();
    try (JetStreamPublisher publisher =
        events.jetStreamPublisher(
            JetStreamPublisherSettings.builder().stream(space.spec()).build())) {
      for (int i = 0; i < 20; i++) {
        DomainEvent e = Fixtures.event(i == 7 ? "poison" : "created", "{}");
        publisher.publish(space.subjects().subject(e), e).get(10, TimeUnit.SECONDS);
      }
    }
    try (EventConsumer consumer =
        events.consume(
            settings,
            e -> {
              if (e.event().type().equals("poison")) {
                attemptsOnPoison.incrementAndGet();
                throw new IllegalStateException("cannot handle poison");
              }
            })) {
      await().atMost(Duration.ofSeconds(20)).until(() -> consumer.acknowledged() == 19);
      await().atMost(Duration.ofSeconds(20)).until(() -> consumer.deadLettered() == 1);
      await().atMost(Duration.ofSeconds(10)).until(() -> dead.size() == 1);
      assertThat(attemptsOnPoison).hasValue(3);
      assertThat(dead.get(0).event().type()).isEqualTo("poison");
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> consumer.refreshLag().equals(new ConsumerLag(0, 0)));
    }
  }

  @Test
  void consume_backlog_lagShowsPending() throws Exception {
    events.provisioner().provision(space.spec());
    try (JetStreamPublisher publisher =
        events.jetStreamPublisher(
            JetStreamPublisherSettings.builder().stream(space.spec()).build())) {
      for (int i = 0; i < 50; i++) {
        DomainEvent e = Fixtures.event("created", "{}");
        publisher.publish(space.subjects().subject(e), e).get(10, TimeUnit.SECONDS);
      }
    }
    java.util.concurrent.CountDownLatch never = new java.util.concurrent.CountDownLatch(1);
    ConsumerSettings settings =
        ConsumerSettings.builder(space.stream(), "slow")
            .filter(space.subjects().all())
            .maxAckPending(5)
            .batchSize(5)
            .build();
    try (EventConsumer consumer =
        events.consume(settings, e -> never.await(50, TimeUnit.MILLISECONDS))) {
      ConsumerLag lag = consumer.refreshLag();
      assertThat(lag.pending() + lag.ackPending()).isGreaterThan(0);
      assertThat(lag.ackPending()).isLessThanOrEqualTo(5);
    }
  }
}
