package dev.alchemist.bench.store;

import dev.alchemist.core.DomainEvent;
import dev.alchemist.core.codec.Codec;
import dev.alchemist.core.codec.KryoCodecs;
import dev.alchemist.nats.EventHeaders;
import dev.alchemist.nats.JetStreamPublisher;
import dev.alchemist.nats.JetStreamPublisherSettings;
import dev.alchemist.nats.NatsEvents;
import dev.alchemist.nats.StreamSpec;
import dev.alchemist.nats.Subject;
import dev.alchemist.nats.SubjectSpace;
import dev.alchemist.store.AlchemistDatabase;
import dev.alchemist.store.OutboxRelay;
import dev.alchemist.store.OutboxRelaySettings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.impl.Headers;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * The outbox relay against raw jnats publishing the same rows: microseconds per event (events/s =
 * 1,000,000 / score), {@value #ROWS} events per operation.
 *
 * <ul>
 *   <li>{@code relay}: {@value #ROWS} outbox rows of about 256 B payload, committed before the
 *       operation (not timed), relayed by an {@link OutboxRelay} ({@code drain}: read a batch in
 *       {@code seq} order, publish it pipelined with the JetStream publisher, await the acks,
 *       delete the rows, commit; round after round) until the outbox is empty.
 *   <li>{@code rawJnats}: the same {@value #ROWS} events, encoded with the same codec and headers
 *       before the operation, published with jnats {@code publishAsync} (in-flight bound by a
 *       semaphore of the publisher's default 4096) and every ack awaited.
 * </ul>
 *
 * <p>Both go to R1 file streams of the same spec on the NATS of {@code -Dnats.url} (default {@code
 * nats://127.0.0.1:4222}); the store is the PostgreSQL of {@link BenchDatabase} in a schema of its
 * own, dropped at the end. The ratio of the two scores is what reading, deleting and committing the
 * rows costs on top of publishing them.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3)
@Measurement(iterations = 10)
@Fork(1)
public class OutboxRelayBenchmark {
  static final int ROWS = 10_000;
  private static final int MAX_IN_FLIGHT = JetStreamPublisherSettings.DEFAULT_MAX_IN_FLIGHT;

  /** Rows per relay round. */
  @Param({"500", "2000"})
  public int batchSize;

  private final Codec<DomainEvent> codec = KryoCodecs.builder().build().codec(DomainEvent.class);
  private final String payload = payload();
  private String schema;
  private AlchemistDatabase db;
  private NatsEvents events;
  private JetStreamPublisher publisher;
  private SubjectSpace space;
  private StreamSpec relaySpec;
  private StreamSpec rawSpec;
  private Subject rawSubject;
  private Connection raw;
  private JetStream rawJs;
  private final Semaphore rawPermits = new Semaphore(MAX_IN_FLIGHT);
  private final List<Headers> rawHeaders = new ArrayList<>(ROWS);
  private final List<byte[]> rawBodies = new ArrayList<>(ROWS);

  private static String payload() {
    StringBuilder p = new StringBuilder("{\"role\":\"assistant\",\"tokens\":128,\"text\":\"");
    while (p.length() < 250) {
      p.append("lorem ipsum ");
    }
    return p.append("\"}").toString();
  }

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    String url = System.getProperty("nats.url", "nats://127.0.0.1:4222");
    String prefix = "relay_" + Long.toString(Math.abs(ThreadLocalRandom.current().nextLong()), 36);
    schema = prefix;
    db = BenchDatabase.open(schema);
    space = SubjectSpace.of(prefix);
    SubjectSpace rawSpace = SubjectSpace.of(prefix + "_raw");
    relaySpec = spec(prefix.toUpperCase(Locale.ROOT), space);
    rawSpec = spec(prefix.toUpperCase(Locale.ROOT) + "_RAW", rawSpace);
    events =
        NatsEvents.builder()
            .url(url)
            .subjects(space)
            .meterRegistry(new SimpleMeterRegistry())
            .build();
    events.provisioner().provision(relaySpec);
    events.provisioner().provision(rawSpec);
    publisher =
        events.jetStreamPublisher(JetStreamPublisherSettings.builder().stream(relaySpec).build());
    rawSubject = rawSpace.subject("dialog", "message", "created");
    // The options NatsEvents uses for a URL.
    raw =
        Nats.connect(
            new Options.Builder()
                .server(url)
                .maxReconnects(-1)
                .reconnectWait(Duration.ofMillis(250))
                .dontForceFlushOnRequest()
                .build());
    rawJs = raw.jetStream();
  }

  private static StreamSpec spec(String name, SubjectSpace space) {
    return StreamSpec.alchemistEvents().forDevelopment().toBuilder()
        .name(name)
        .subjects(space)
        .maxAge(Duration.ofMinutes(30))
        .build();
  }

  /** Fresh ids every operation, or the duplicate window would drop them. */
  private DomainEvent event(int n) {
    return DomainEvent.of("dialog", "message", "created", "s-" + (n % 64), Instant.now(), payload);
  }

  /**
   * Before each operation (not timed): for {@code relay} commits {@value #ROWS} outbox rows in one
   * JDBC batch, for {@code rawJnats} encodes {@value #ROWS} events with their headers.
   */
  @Setup(Level.Invocation)
  public void prepare(BenchmarkParams params) throws Exception {
    if (params.getBenchmark().endsWith(".relay")) {
      fillOutbox();
    } else {
      buildMessages();
    }
  }

  private void fillOutbox() throws Exception {
    try (java.sql.Connection c = db.dataSource().getConnection();
        PreparedStatement insert =
            c.prepareStatement(
                "INSERT INTO outbox (id, domain, entity, type, session_id, created_at, payload)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?)")) {
      c.setAutoCommit(false);
      for (int i = 0; i < ROWS; i++) {
        DomainEvent e = event(i);
        insert.setObject(1, e.id());
        insert.setString(2, e.domain());
        insert.setString(3, e.entity());
        insert.setString(4, e.type());
        insert.setString(5, e.sessionId());
        insert.setTimestamp(6, Timestamp.from(e.createdAt()));
        insert.setString(7, e.payload());
        insert.addBatch();
      }
      insert.executeBatch();
      c.commit();
    }
  }

  private void buildMessages() {
    rawHeaders.clear();
    rawBodies.clear();
    for (int i = 0; i < ROWS; i++) {
      DomainEvent e = event(i);
      Headers h = new Headers();
      h.put(EventHeaders.CONTENT_TYPE, EventHeaders.DOMAIN_EVENT_KRYO);
      h.put(EventHeaders.EVENT_TYPE, rawSubject.eventType());
      h.put(EventHeaders.MSG_ID, e.id().toString());
      h.put(EventHeaders.EXPECTED_STREAM, rawSpec.name());
      rawHeaders.add(h);
      rawBodies.add(codec.encode(e));
    }
  }

  /** The relay works through the outbox until it is empty. */
  @Benchmark
  @OperationsPerInvocation(ROWS)
  public long relay() {
    try (OutboxRelay relay =
        OutboxRelay.start(
            db,
            e -> publisher.publish(space.subject(e), e),
            OutboxRelaySettings.builder().name("bench").batchSize(batchSize).build())) {
      if (!relay.drain(Duration.ofMinutes(5))) {
        throw new IllegalStateException("the outbox did not drain");
      }
      return relay.relayed();
    }
  }

  /** Raw jnats: the same events pre-built, published async, every ack awaited. */
  @Benchmark
  @OperationsPerInvocation(ROWS)
  public Object rawJnats() throws Exception {
    List<CompletableFuture<?>> acks = new ArrayList<>(ROWS);
    String subject = rawSubject.toString();
    for (int i = 0; i < ROWS; i++) {
      rawPermits.acquire();
      acks.add(
          rawJs
              .publishAsync(subject, rawHeaders.get(i), rawBodies.get(i))
              .whenComplete((ack, error) -> rawPermits.release()));
    }
    CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).get(5, TimeUnit.MINUTES);
    return acks;
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    publisher.close();
    events.provisioner().delete(relaySpec.name());
    events.provisioner().delete(rawSpec.name());
    events.close();
    raw.close();
    try (java.sql.Connection c = db.dataSource().getConnection();
        Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }
    db.close();
  }
}
