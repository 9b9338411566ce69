package dev.alchemist.examples.projection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.alchemist.core.DomainEvent;
import dev.alchemist.nats.ConsumerSettings;
import dev.alchemist.nats.EventConsumer;
import dev.alchemist.nats.JetStreamPublisher;
import dev.alchemist.nats.JetStreamPublisherSettings;
import dev.alchemist.nats.NatsEvents;
import dev.alchemist.nats.PublishReceipt;
import dev.alchemist.nats.ReceivedEvent;
import dev.alchemist.nats.StreamSpec;
import dev.alchemist.nats.SubjectSpace;
import dev.alchemist.store.AlchemistDatabase;
import dev.alchemist.store.EventProjection;
import dev.alchemist.store.PoolSettings;
import dev.alchemist.testing.PrivatePostgres;
import dev.alchemist.testing.TestServices;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The projection (a batch consumer of the stream storing each batch with {@link EventProjection})
 * while its private PostgreSQL is stopped in immediate mode mid-stream and started again: every
 * event of the stream ends up in {@code events} exactly once and counted once in {@code
 * domain_stats}; the batches that failed during the outage were naked and redelivered, and the
 * idempotent store absorbed the redeliveries of batches that had committed but not been acked.
 */
class ProjectionPostgresStoppedIT {
  private static final int EVENTS = 10_000;

  @Test
  void projection_postgresStoppedImmediatelyMidStream_storesEveryEventOnce() throws Exception {
    String prefix = TestServices.uniquePrefix("projpg");
    SubjectSpace subjects = SubjectSpace.of(prefix);
    StreamSpec spec =
        StreamSpec.alchemistEvents().forDevelopment().toBuilder()
            .name(prefix.toUpperCase(Locale.ROOT))
            .subjects(subjects)
            .maxAge(Duration.ofHours(1))
            .build();
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (PrivatePostgres pg = PrivatePostgres.start();
        AlchemistDatabase db =
            AlchemistDatabase.builder()
                .jdbcUrl(pg.jdbcUrl())
                .user(pg.user())
                .pool(
                    PoolSettings.builder()
                        .maxConnections(3)
                        .connectionTimeout(Duration.ofSeconds(2))
                        .build())
                .meterRegistry(registry)
                .build();
        NatsEvents events =
            NatsEvents.builder()
                .url(TestServices.nats().uri())
                .subjects(subjects)
                .meterRegistry(registry)
                .closeTimeout(Duration.ofSeconds(10))
                .build()) {
      events.provisioner().provision(spec);
      try {
        EventProjection projection = db.eventProjection();
        AtomicLong failedBatches = new AtomicLong();
        ConsumerSettings settings =
            ConsumerSettings.builder(spec.name(), "projection")
                .filter(subjects.all())
                // A projection outlives database outages: many short retries, never a dead letter
                // for a batch that failed only because the database was down.
                .backoff(Duration.ofMillis(250))
                .maxDeliver(1000)
                .build();
        try (EventConsumer consumer =
            events.consumeBatches(
                settings,
                batch -> {
                  try {
                    projection.store(batch.stream().map(ReceivedEvent::event).toList());
                  } catch (RuntimeException e) {
                    failedBatches.incrementAndGet();
                    throw e;
                  }
                })) {
          List<DomainEvent> published = new ArrayList<>(EVENTS);
          try (JetStreamPublisher publisher =
              events.jetStreamPublisher(
                  JetStreamPublisherSettings.builder().stream(spec).build())) {
            List<CompletableFuture<PublishReceipt>> window = new ArrayList<>();
            long stoppedAt = 0;
            for (int i = 0; i < EVENTS; i++) {
              DomainEvent e =
                  DomainEvent.of(
                      "dialog", "message", "created", "s-" + (i % 97), Instant.now(), "{}");
              published.add(e);
              window.add(publisher.publish(subjects.subject(e), e));
              if (window.size() == 500) {
                CompletableFuture.allOf(window.toArray(new CompletableFuture<?>[0]))
                    .get(60, TimeUnit.SECONDS);
                window.clear();
                Thread.sleep(50); // about 10,000 events/s at most, so the stream outlasts the stop
              }
              if (i == EVENTS / 4) {
                await().atMost(Duration.ofSeconds(60)).until(() -> consumer.acknowledged() > 0);
                pg.stopImmediately(); // the projection is writing: its batches fail from here on
                stoppedAt = System.nanoTime();
              }
              if (i == EVENTS / 2) {
                // Down for at least 3 s while the stream keeps filling: several rounds of retries.
                long left = stoppedAt + TimeUnit.SECONDS.toNanos(3) - System.nanoTime();
                if (left > 0) {
                  TimeUnit.NANOSECONDS.sleep(left);
                }
                pg.startAgain();
              }
            }
            CompletableFuture.allOf(window.toArray(new CompletableFuture<?>[0]))
                .get(60, TimeUnit.SECONDS);
          }
          await()
              .atMost(Duration.ofMinutes(3))
              .pollInterval(Duration.ofMillis(250))
              .ignoreExceptions()
              .until(() -> count(db, "SELECT count(*) FROM events") >= EVENTS);
          assertThat(count(db, "SELECT count(*) FROM events")).isEqualTo(EVENTS);
          assertThat(count(db, "SELECT count(DISTINCT id) FROM events")).isEqualTo(EVENTS);
          assertThat(db.domainStats().forDomain("dialog"))
              .hasValueSatisfying(
                  s -> {
                    assertThat(s.eventCount()).isEqualTo(EVENTS);
                    assertThat(s.uniqueSessions()).isEqualTo(97);
                  });
          assertThat(failedBatches.get())
              .as("batches that met the stopped database, retried every 250 ms for 3 s")
              .isGreaterThan(1);
          assertThat(consumer.deadLettered()).isZero();
          System.out.println(
              "ProjectionPostgresStoppedIT: "
                  + failedBatches.get()
                  + " batches failed during the outage and were redelivered; "
                  + EVENTS
                  + " events stored once");
        }
      } finally {
        events.provisioner().delete(spec.name());
      }
    }
  }

  private static long count(AlchemistDatabase db, String sql) throws Exception {
    try (Connection c = db.dataSource().getConnection();
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery(sql)) {
      r.next();
      return r.getLong(1);
    }
  }
}
