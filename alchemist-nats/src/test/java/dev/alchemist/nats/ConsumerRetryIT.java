package dev.alchemist.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.alchemist.core.DomainEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A handler that always fails: deliveries follow the configured backoff (one delay per failure, not
 * a server backoff added on top), and the message is dead-lettered after {@code maxDeliver}.
 */
class ConsumerRetryIT extends Fixtures.OnOwnStream {
  private static final List<Duration> BACKOFF =
      List.of(Duration.ofMillis(400), Duration.ofMillis(1200), Duration.ofMillis(2400));

  /** Allowed lateness of a redelivery: timers, the pull round trip and a busy machine. */
  private static final long SLACK_MILLIS = 700;

  ConsumerRetryIT() {
    super("retry");
  }

  @Test
  void consume_handlerAlwaysFails_redeliversAtTheBackoffGapsThenDeadLetters() throws Exception {
    String deadLetters = space.subjects().root() + "_dead.retry";
    List<ReceivedEvent> dead = new CopyOnWriteArrayList<>();
    events.subscribe(SubjectPattern.parse(deadLetters), dead::add);
    ConsumerSettings settings =
        ConsumerSettings.builder(space.stream(), "retry")
            .filter(space.subjects().all())
            .maxDeliver(5)
            .backoff(BACKOFF.toArray(new Duration[0]))
            .deadLetterSubject(deadLetters)
            .build();
    List<Long> deliveredAt = new CopyOnWriteArrayList<>();
    try (EventConsumer consumer =
        events.consume(
            settings,
            e -> {
              deliveredAt.add(System.nanoTime());
              throw new IllegalStateException("always fails");
            })) {
      DomainEvent e = Fixtures.event("created", "{}");
      try (JetStreamPublisher publisher =
          events.jetStreamPublisher(
              JetStreamPublisherSettings.builder().stream(space.spec()).build())) {
        publisher.publish(space.subjects().subject(e), e).get(10, TimeUnit.SECONDS);
      }
      await().atMost(Duration.ofSeconds(60)).until(() -> consumer.deadLettered() == 1);
      await().atMost(Duration.ofSeconds(10)).until(() -> dead.size() == 1);
      assertThat(deliveredAt).as("deliveries before dead-lettering").hasSize(5);
      List<Long> gaps = new ArrayList<>();
      for (int i = 1; i < deliveredAt.size(); i++) {
        gaps.add(TimeUnit.NANOSECONDS.toMillis(deliveredAt.get(i) - deliveredAt.get(i - 1)));
      }
      System.out.println("ConsumerRetryIT gaps between deliveries (ms): " + gaps);
      for (int i = 0; i < gaps.size(); i++) {
        long step = BACKOFF.get(Math.min(i, BACKOFF.size() - 1)).toMillis();
        assertThat(gaps.get(i))
            .as("gap after failure %d of %s (ms)", i + 1, gaps)
            .isBetween(step - 50, step + SLACK_MILLIS);
      }
    }
  }
}
