package dev.alchemist.examples.outbox;

import static dev.alchemist.examples.outbox.RelayFixture.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.alchemist.core.DomainEvent;
import dev.alchemist.nats.JetStreamPublisher;
import dev.alchemist.nats.NatsEvents;
import dev.alchemist.nats.StreamSpec;
import dev.alchemist.nats.SubjectSpace;
import dev.alchemist.store.AlchemistDatabase;
import dev.alchemist.store.OutboxRelay;
import dev.alchemist.testing.PostgresAddress;
import dev.alchemist.testing.PrivateServer;
import dev.alchemist.testing.TestServices;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A private nats-server is SIGKILLed while the relay publishes the outbox of a writer that keeps
 * committing, then restarted on the same port and store directory: after the drain every committed
 * event is in the stream, and none twice (the stream's duplicate window outlasts the outage).
 */
class OutboxRelayNatsKilledIT {
  private final PostgresAddress pg = TestServices.postgres();
  private final String schema = TestServices.uniquePrefix("relay_nats_killed");

  @AfterEach
  void dropSchema() throws Exception {
    RelayFixture.dropSchema(pg, schema);
  }

  @Test
  void natsKilledMidRelayAndRestarted_everyCommittedEventStoredOnce() throws Exception {
    SubjectSpace space = SubjectSpace.of(TestServices.uniquePrefix("relaykill"));
    StreamSpec spec = RelayFixture.stream("RELAY-KILLED", space);
    List<String> committed = new CopyOnWriteArrayList<>();
    AtomicLong attempts = new AtomicLong();
    AtomicBoolean armed = new AtomicBoolean();
    AtomicLong armedPublishes = new AtomicLong();
    CountDownLatch killNow = new CountDownLatch(1);
    SimpleMeterRegistry natsMeters = new SimpleMeterRegistry();
    double publisherRetries;
    AtomicBoolean writing = new AtomicBoolean(true);
    AtomicReference<Throwable> writerFailure = new AtomicReference<>();
    try (PrivateServer nats = PrivateServer.nats();
        AlchemistDatabase db =
            RelayFixture.store(pg, schema, "relay-nats-killed")
                .meterRegistry(new SimpleMeterRegistry())
                .build();
        NatsEvents bus =
            NatsEvents.builder()
                .url(nats.uri())
                .subjects(space)
                .meterRegistry(natsMeters)
                .closeTimeout(Duration.ofSeconds(20))
                .build()) {
      bus.provisioner().provision(spec);
      Thread writer =
          new Thread(
              () -> {
                long n = 0;
                try {
                  while (writing.get()) {
                    DomainEvent e = RelayFixture.event("s-" + (n % 16), n++);
                    db.useTransaction(tx -> tx.outbox().add(e));
                    committed.add(e.id().toString()); // only once the commit returned
                    if (n % 10 == 0) {
                      Thread.sleep(2);
                    }
                  }
                } catch (Throwable t) {
                  writerFailure.set(t);
                }
              },
              "outbox-writer");
      try (JetStreamPublisher publisher = bus.jetStreamPublisher(RelayFixture.publisher(spec));
          OutboxRelay relay =
              OutboxRelay.start(
                  db,
                  e -> {
                    attempts.incrementAndGet();
                    var ack = publisher.publish(space.subject(e), e);
                    if (armed.get() && armedPublishes.incrementAndGet() == 50) {
                      killNow.countDown(); // the relay goes on publishing while the test kills
                    }
                    return ack;
                  },
                  RelayFixture.relay("killed"))) {
        writer.start();
        await("the relay publishing", Duration.ofSeconds(60), () -> relay.relayed() >= 500);
        armed.set(true);
        assertThat(killNow.await(60, TimeUnit.SECONDS)).as("the relay publishing again").isTrue();

        nats.kill(); // while the relay publishes: some of its events are in flight
        long failedBefore = relay.failedRounds();
        long relayedAtKill = relay.relayed();
        await(
            "the relay seeing the outage",
            Duration.ofSeconds(60),
            () -> relay.failedRounds() > failedBefore);
        int committedDuringOutage = committed.size();
        nats.restart();
        await(
            "the relay publishing again",
            Duration.ofSeconds(120),
            () ->
                relay.relayed() > relayedAtKill + 500 && committed.size() > committedDuringOutage);

        writing.set(false);
        writer.join();
        assertThat(writerFailure.get()).as("the writer never failed").isNull();
        assertThat(relay.drain(Duration.ofSeconds(120))).as("drained").isTrue();
        assertThat(relay.failedRounds()).as("the outage failed rounds").isPositive();
        var retries = natsMeters.find("alchemist.nats.retries").counter();
        publisherRetries = retries == null ? 0 : retries.count();
      }

      assertThat(db.outbox().size()).isZero();
      Map<String, Integer> stored = RelayFixture.storedIds(nats.uri(), spec.name(), space);
      assertThat(stored.keySet())
          .as("every committed event is in the stream")
          .containsAll(committed);
      assertThat(RelayFixture.twice(stored)).as("events stored twice").isEmpty();
      assertThat(stored).hasSameSizeAs(committed);
      System.out.printf(
          "OutboxRelayNatsKilledIT: %d events committed and stored once; the relay published"
              + " %d times (the excess in a later round), the publisher retried %.0f times"
              + " (same Nats-Msg-Id)%n",
          committed.size(), attempts.get(), publisherRetries);
    }
  }
}
