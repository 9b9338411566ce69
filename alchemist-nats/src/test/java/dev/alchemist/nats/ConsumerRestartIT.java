package dev.alchemist.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.alchemist.testing.PrivateServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nats.client.Connection;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A private nats-server with file storage is SIGKILLed and restarted: the durable consumer handles
 * the first event published after the restart without waiting for its dead pull to expire.
 */
class ConsumerRestartIT {

  @Test
  void consume_serverKilledAndRestarted_handlesTheFirstNewEventPromptly() throws Exception {
    try (PrivateServer server = PrivateServer.nats()) {
      SubjectSpace subjects = SubjectSpace.of("restart");
      StreamSpec spec =
          StreamSpec.alchemistEvents().forDevelopment().toBuilder()
              .name("RESTART")
              .subjects(subjects)
              .maxAge(Duration.ofHours(1))
              .build();
      assertThat(spec.storage()).isEqualTo(StreamSpec.Storage.FILE);
      Fixtures.Space space = new Fixtures.Space(spec.name(), subjects, spec);
      AtomicLong reconnectedAt = new AtomicLong();
      EventBusListener listener =
          new EventBusListener() {
            @Override
            public void onConnectionEvent(String event) {
              if (event.toLowerCase(java.util.Locale.ROOT).contains("reconnected")) {
                reconnectedAt.compareAndSet(0, System.nanoTime());
              }
            }
          };
      try (NatsEvents events =
          NatsEvents.builder()
              .url(server.uri())
              .subjects(subjects)
              .meterRegistry(new SimpleMeterRegistry())
              .listener(listener)
              .closeTimeout(Duration.ofSeconds(10))
              .build()) {
        events.provisioner().provision(spec);
        List<String> handled = new CopyOnWriteArrayList<>();
        AtomicLong laterHandledAt = new AtomicLong();
        ConsumerSettings settings =
            ConsumerSettings.builder(spec.name(), "restart").filter(subjects.all()).build();
        try (EventConsumer consumer =
            events.consume(
                settings,
                e -> {
                  handled.add(e.event().type());
                  if (e.event().type().equals("later")) {
                    laterHandledAt.compareAndSet(0, System.nanoTime());
                  }
                })) {
          ConsumerFailureIT.publish(events, space, "before");
          await().atMost(Duration.ofSeconds(10)).until(() -> handled.contains("before"));
          // A consumer that has been idle for a while, as in production.
          Thread.sleep(3000);
          server.kill();
          Thread.sleep(1000);
          long restartAt = System.nanoTime();
          server.restart(); // returns when JetStream answers
          long upAt = System.nanoTime();
          await()
              .atMost(Duration.ofSeconds(20))
              .until(() -> events.connection().getStatus() == Connection.Status.CONNECTED);
          long connectedAt = System.nanoTime();
          ConsumerFailureIT.publish(events, space, "later");
          long publishedAt = System.nanoTime();
          await().atMost(Duration.ofSeconds(60)).until(() -> laterHandledAt.get() != 0);
          long handledAt = laterHandledAt.get();
          System.out.printf(
              "ConsumerRestartIT: restart took %d ms; reconnected %d ms, connected seen %d ms,"
                  + " published %d ms, first new event handled %d ms after restart began"
                  + " (%d ms after its publish was acknowledged)%n",
              millis(upAt - restartAt),
              reconnectedAt.get() == 0 ? -1 : millis(reconnectedAt.get() - restartAt),
              millis(connectedAt - restartAt),
              millis(publishedAt - restartAt),
              millis(handledAt - restartAt),
              millis(handledAt - publishedAt));
          assertThat(consumer.acknowledged()).isGreaterThanOrEqualTo(1);
          assertThat(millis(handledAt - publishedAt))
              .as("first new event handled within 5 s of its publish after the restart")
              .isLessThan(5000);
        }
      }
    }
  }

  private static long millis(long nanos) {
    return TimeUnit.NANOSECONDS.toMillis(nanos);
  }
}
