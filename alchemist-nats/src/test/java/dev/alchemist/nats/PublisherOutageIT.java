package dev.alchemist.nats;

import static org.assertj.core.api.Assertions.assertThat;

import dev.alchemist.core.DomainEvent;
import dev.alchemist.testing.PrivateServer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * A private nats-server is killed (SIGKILL) and restarted while events are published: every future
 * completes, every acknowledged event is in the stream, and no event is stored twice.
 */
class PublisherOutageIT {

  @Test
  void publish_serverKilledAndRestarted_everyFutureCompletesNoAckedLossNoDuplicate()
      throws Exception {
    try (PrivateServer server = PrivateServer.nats()) {
      SubjectSpace space = SubjectSpace.of("outage");
      StreamSpec spec =
          StreamSpec.alchemistEvents().forDevelopment().toBuilder()
              .name("OUTAGE")
              .subjects(space)
              .maxAge(Duration.ofHours(1))
              .build();
      List<CompletableFuture<PublishReceipt>> futures = new ArrayList<>();
      List<UUID> ids = new ArrayList<>();
      SimpleMeterRegistry registry = new SimpleMeterRegistry();
      Counter retries;
      try (NatsEvents events =
          NatsEvents.builder()
              .url(server.uri())
              .subjects(space)
              .meterRegistry(registry)
              .closeTimeout(Duration.ofSeconds(20))
              .build()) {
        events.provisioner().provision(spec);
        try (JetStreamPublisher publisher =
            events.jetStreamPublisher(
                JetStreamPublisherSettings.builder().stream(spec)
                    .maxInFlight(256)
                    .blockTimeout(Duration.ofMillis(200))
                    .ackTimeout(Duration.ofSeconds(2))
                    .retryBackoff(Duration.ofMillis(50), Duration.ofMillis(500))
                    .maxRetryTime(Duration.ofSeconds(30))
                    .closeTimeout(Duration.ofSeconds(20))
                    .build())) {
          // Kill and restart on a timer while the loop keeps publishing through the outage.
          Thread chaos =
              new Thread(
                  () -> {
                    pause(1000);
                    server.kill();
                    pause(2000);
                    server.restart();
                  },
                  "outage-chaos");
          chaos.start();
          long end = System.nanoTime() + Duration.ofSeconds(6).toNanos();
          while (System.nanoTime() - end < 0 || chaos.isAlive()) {
            DomainEvent e = Fixtures.event("created", "{}");
            ids.add(e.id());
            futures.add(publisher.publish(space.subject(e), e));
            if (futures.size() % 5 == 0) {
              pause(1); // at most ~5k events/s: enough to span the outage, quick to read back
            }
          }
          chaos.join();
          // held past close, which removes the meters from the registry but still counts on them
          retries = registry.get("alchemist.nats.retries").counter();
        }
        // close() above waited for the acks; every future must be done now
        assertThat(futures).allSatisfy(f -> assertThat(f).isDone());
      }
      Set<String> acked = new HashSet<>();
      for (int i = 0; i < futures.size(); i++) {
        CompletableFuture<PublishReceipt> f = futures.get(i);
        if (!f.isCompletedExceptionally()) {
          acked.add(ids.get(i).toString());
        }
      }
      long failed = futures.size() - acked.size();
      assertThat(acked).as("some publishes succeed").isNotEmpty();
      assertThat(retries.count())
          .as("the outage forced retries (else the test proved nothing); failed=" + failed)
          .isPositive();

      // Read the whole stream back with a fresh connection.
      List<String> stored = StoredEvents.ids(server.uri(), spec.name(), space);
      assertThat(new HashSet<>(stored)).as("no duplicate stored").hasSameSizeAs(stored);
      assertThat(stored).as("every acknowledged event is stored").containsAll(acked);
    }
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
