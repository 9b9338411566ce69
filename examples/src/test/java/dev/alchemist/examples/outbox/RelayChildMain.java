package dev.alchemist.examples.outbox;

import dev.alchemist.nats.JetStreamPublisher;
import dev.alchemist.nats.NatsEvents;
import dev.alchemist.nats.StreamSpec;
import dev.alchemist.nats.SubjectSpace;
import dev.alchemist.store.AlchemistDatabase;
import dev.alchemist.store.OutboxRelay;
import dev.alchemist.store.OutboxRelaySettings;
import dev.alchemist.testing.PostgresAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The relay that {@link OutboxRelayKilledMidBatchIT} kills: it relays the outbox of a schema to a
 * stream, but no round of it ever ends. Each event is published and stored in the stream (the line
 * {@code ACKED <n>} says so), and the ack handed to the relay never completes, so the round stays
 * open, holding its rows and the schema's relay lock, until the process is killed.
 *
 * <p>Arguments: JDBC URL, user, schema, NATS URL, subject root, stream name; the password, if any,
 * in the environment variable {@code ALCHEMIST_PG_PASSWORD}.
 */
public final class RelayChildMain {
  private RelayChildMain() {}

  public static void main(String[] args) throws Exception {
    String password = System.getenv().getOrDefault("ALCHEMIST_PG_PASSWORD", "");
    PostgresAddress pg = new PostgresAddress(args[0], args[1], password);
    String schema = args[2];
    SubjectSpace space = SubjectSpace.of(args[4]);
    StreamSpec spec = RelayFixture.stream(args[5], space);
    AtomicLong acked = new AtomicLong();
    AlchemistDatabase db = RelayFixture.store(pg, schema, "relay-child").build();
    NatsEvents bus = NatsEvents.builder().url(args[3]).subjects(space).build();
    JetStreamPublisher publisher = bus.jetStreamPublisher(RelayFixture.publisher(spec));
    OutboxRelay.start(
        db,
        e ->
            publisher
                .publish(space.subject(e), e)
                .thenCompose(
                    receipt -> {
                      System.out.println("ACKED " + acked.incrementAndGet());
                      return new CompletableFuture<Void>(); // never: the round stays open
                    }),
        OutboxRelaySettings.builder()
            .name("child")
            .batchSize(200)
            .publishTimeout(Duration.ofMinutes(10))
            .build());
    System.out.println("STARTED");
    Thread.sleep(
        Duration.ofMinutes(10).toMillis()); // until killed; the test's timeouts are shorter
    System.exit(3);
  }
}
