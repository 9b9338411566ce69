package dev.alchemist.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.alchemist.core.DomainEvent;
import dev.alchemist.testing.PrivateServer;
import dev.alchemist.testing.TestServices;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nats.client.Connection;
import io.nats.client.Options;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A consumer keeps consuming after any handler failure (an {@link Error} included) and after an
 * outage in which it could not acknowledge, and reports each failure to the listener.
 */
class ConsumerFailureIT {

  /** Collects what the consumer reports. */
  static final class Recorder implements EventBusListener {
    final List<Throwable> handlerFailures = new CopyOnWriteArrayList<>();
    final List<String> consumerFailures = new CopyOnWriteArrayList<>();

    @Override
    public void onHandlerFailed(String subject, Throwable cause) {
      handlerFailures.add(cause);
    }

    @Override
    public void onConsumerFailed(String consumer, String action, Throwable cause) {
      consumerFailures.add(action + ": " + cause.getClass().getSimpleName());
    }
  }

  @Test
  void consume_handlerThrowsStackOverflowError_reportsRedeliversAndKeepsConsuming()
      throws Exception {
    Fixtures.Space space = Fixtures.space("soe");
    Recorder recorder = new Recorder();
    try (NatsEvents events =
        NatsEvents.builder()
            .url(TestServices.nats().uri())
            .subjects(space.subjects())
            .meterRegistry(new SimpleMeterRegistry())
            .listener(recorder)
            .closeTimeout(Duration.ofSeconds(10))
            .build()) {
      events.provisioner().provision(space.spec());
      try {
        List<String> handled = new CopyOnWriteArrayList<>();
        ConsumerSettings settings =
            ConsumerSettings.builder(space.stream(), "soe")
                .filter(space.subjects().all())
                .backoff(Duration.ofMillis(100))
                .build();
        try (EventConsumer consumer =
            events.consume(
                settings,
                e -> {
                  if (e.event().type().equals("deep") && e.deliveries() == 1) {
                    throw new StackOverflowError();
                  }
                  handled.add(e.event().type() + "#" + e.deliveries());
                })) {
          publish(events, space, "deep", "after");
          await()
              .atMost(Duration.ofSeconds(20))
              .untilAsserted(() -> assertThat(handled).contains("after#1", "deep#2"));
          assertThat(recorder.handlerFailures)
              .singleElement()
              .isInstanceOf(StackOverflowError.class);
          await().atMost(Duration.ofSeconds(10)).until(() -> consumer.acknowledged() == 2);
        }
      } finally {
        events.provisioner().delete(space.stream());
      }
    }
  }

  @Test
  void consume_ackFailsWhileReconnecting_reportsAndKeepsConsumingAfterRestart() throws Exception {
    try (PrivateServer server = PrivateServer.nats()) {
      SubjectSpace subjects = SubjectSpace.of("ackfail");
      StreamSpec spec =
          StreamSpec.alchemistEvents().forDevelopment().toBuilder()
              .name("ACKFAIL")
              .subjects(subjects)
              .maxAge(Duration.ofHours(1))
              .build();
      Fixtures.Space space = new Fixtures.Space(spec.name(), subjects, spec);
      Recorder recorder = new Recorder();
      // No reconnect buffer: a publish (the ack) while reconnecting throws IllegalStateException.
      Options options =
          new Options.Builder()
              .server(server.uri())
              .maxReconnects(-1)
              .reconnectWait(Duration.ofMillis(100))
              .reconnectBufferSize(0)
              .build();
      try (NatsEvents events =
          NatsEvents.builder()
              .options(options)
              .subjects(subjects)
              .meterRegistry(new SimpleMeterRegistry())
              .listener(recorder)
              .closeTimeout(Duration.ofSeconds(10))
              .build()) {
        events.provisioner().provision(spec);
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<String> handled = new CopyOnWriteArrayList<>();
        ConsumerSettings settings =
            ConsumerSettings.builder(spec.name(), "ackfail")
                .filter(subjects.all())
                .ackWait(Duration.ofSeconds(2))
                .build();
        try (EventConsumer consumer =
            events.consume(
                settings,
                e -> {
                  if (e.event().type().equals("stuck") && e.deliveries() == 1) {
                    entered.countDown();
                    release.await(30, TimeUnit.SECONDS);
                  }
                  handled.add(e.event().type() + "#" + e.deliveries());
                })) {
          publish(events, space, "stuck");
          assertThat(entered.await(20, TimeUnit.SECONDS)).isTrue();
          server.kill();
          await()
              .atMost(Duration.ofSeconds(10))
              .until(() -> events.connection().getStatus() != Connection.Status.CONNECTED);
          release.countDown(); // the handler returns: its ack cannot be sent
          await().atMost(Duration.ofSeconds(10)).until(() -> handled.contains("stuck#1"));
          server.restart();
          await()
              .atMost(Duration.ofSeconds(20))
              .until(() -> events.connection().getStatus() == Connection.Status.CONNECTED);
          publish(events, space, "later");
          await()
              .atMost(Duration.ofSeconds(60))
              .untilAsserted(
                  () -> {
                    assertThat(handled).contains("later#1");
                    // redelivered after the ack wait (the restarted server may count it as #1)
                    assertThat(handled.stream().filter(h -> h.startsWith("stuck#"))).hasSize(2);
                  });
          assertThat(recorder.consumerFailures).contains("ack: IllegalStateException");
          await().atMost(Duration.ofSeconds(10)).until(() -> consumer.acknowledged() >= 2);
        }
      }
    }
  }

  static void publish(NatsEvents events, Fixtures.Space space, String... types) throws Exception {
    try (JetStreamPublisher publisher =
        events.jetStreamPublisher(
            JetStreamPublisherSettings.builder().stream(space.spec()).build())) {
      for (String type : types) {
        DomainEvent e = Fixtures.event(type, "{}");
        publisher.publish(space.subjects().subject(e), e).get(30, TimeUnit.SECONDS);
      }
    }
  }
}
