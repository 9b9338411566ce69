package dev.alchemist.examples.outbox;

import dev.alchemist.core.DomainEvent;
import dev.alchemist.nats.EventHeaders;
import dev.alchemist.nats.JetStreamPublisherSettings;
import dev.alchemist.nats.StreamSpec;
import dev.alchemist.nats.SubjectSpace;
import dev.alchemist.store.AlchemistDatabase;
import dev.alchemist.store.OutboxRelaySettings;
import dev.alchemist.store.PoolSettings;
import dev.alchemist.testing.PostgresAddress;
import io.nats.client.Connection;
import io.nats.client.JetStreamOptions;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.PullSubscribeOptions;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/** What the outbox reliability tests share: the store, the stream, the events, reading back. */
final class RelayFixture {
  /** Longer than any outage or kill in these tests: a re-published event is dropped. */
  static final Duration DUPLICATE_WINDOW = Duration.ofMinutes(5);

  private RelayFixture() {}

  /** The store on the shared PostgreSQL in {@code schema}, with a small pool. */
  static AlchemistDatabase.Builder store(PostgresAddress pg, String schema, String pool) {
    AlchemistDatabase.Builder b =
        AlchemistDatabase.builder()
            .jdbcUrl(pg.jdbcUrl())
            .user(pg.user())
            .schema(schema)
            .domainStatsRefreshInterval(Duration.ZERO)
            .pool(PoolSettings.builder().poolName(pool).maxConnections(4).build());
    if (!pg.password().isEmpty()) {
      b.password(pg.password());
    }
    return b;
  }

  static void dropSchema(PostgresAddress pg, String schema) throws Exception {
    try (java.sql.Connection c = pg.connect();
        Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }
  }

  /** A single-server file stream on {@code space} with the tests' duplicate window. */
  static StreamSpec stream(String name, SubjectSpace space) {
    return StreamSpec.alchemistEvents().forDevelopment().toBuilder()
        .name(name)
        .subjects(space)
        .maxAge(Duration.ofHours(1))
        .duplicateWindow(DUPLICATE_WINDOW)
        .build();
  }

  /** A publisher that retries through an outage, inside the duplicate window. */
  static JetStreamPublisherSettings publisher(StreamSpec spec) {
    return JetStreamPublisherSettings.builder().stream(spec)
        .maxInFlight(2048)
        .ackTimeout(Duration.ofSeconds(2))
        .retryBackoff(Duration.ofMillis(50), Duration.ofMillis(500))
        .maxRetryTime(Duration.ofSeconds(30))
        .closeTimeout(Duration.ofSeconds(20))
        .build();
  }

  static OutboxRelaySettings relay(String name) {
    return OutboxRelaySettings.builder()
        .name(name)
        .batchSize(200)
        .pollInterval(Duration.ofMillis(10))
        .retryDelay(Duration.ofMillis(100))
        .publishTimeout(Duration.ofSeconds(10))
        .build();
  }

  /** A dialog event with a realistic payload of about 256 bytes. */
  static DomainEvent event(String session, long n) {
    StringBuilder payload =
        new StringBuilder("{\"n\":")
            .append(n)
            .append(",\"role\":\"assistant\",\"tokens\":128,\"text\":\"");
    while (payload.length() < 240) {
      payload.append("lorem ipsum ");
    }
    payload.append("\"}");
    return DomainEvent.of(
        "dialog", "message", "created", session, Instant.now(), payload.toString());
  }

  /**
   * How often each {@code Nats-Msg-Id} (the event id) is stored in {@code stream}, read back in
   * stream order over a connection of its own.
   */
  static Map<String, Integer> storedIds(String url, String stream, SubjectSpace space)
      throws Exception {
    Map<String, Integer> ids = new HashMap<>();
    Connection nc = Nats.connect(url);
    try {
      JetStreamOptions patient =
          JetStreamOptions.builder().requestTimeout(Duration.ofSeconds(10)).build();
      long total =
          nc.jetStreamManagement(patient).getStreamInfo(stream).getStreamState().getMsgCount();
      JetStreamSubscription sub =
          nc.jetStream(patient)
              .subscribe(
                  space.all().toString(), PullSubscribeOptions.builder().stream(stream).build());
      long read = 0;
      while (read < total) {
        List<Message> batch = sub.fetch(500, Duration.ofSeconds(5));
        if (batch.isEmpty()) {
          throw new AssertionError("read " + read + " of " + total + " messages, then none");
        }
        for (Message m : batch) {
          ids.merge(m.getHeaders().getFirst(EventHeaders.MSG_ID), 1, Integer::sum);
          m.ack();
          read++;
        }
      }
      sub.unsubscribe();
    } finally {
      nc.close();
    }
    return ids;
  }

  /** The ids stored more than once. */
  static List<String> twice(Map<String, Integer> stored) {
    List<String> out = new ArrayList<>();
    stored.forEach(
        (id, n) -> {
          if (n > 1) {
            out.add(id);
          }
        });
    return out;
  }

  /** Waits for {@code condition}, failing with {@code what} after {@code timeout}. */
  static void await(String what, Duration timeout, BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("timed out after " + timeout + " waiting for: " + what);
      }
      Thread.sleep(10);
    }
  }
}
