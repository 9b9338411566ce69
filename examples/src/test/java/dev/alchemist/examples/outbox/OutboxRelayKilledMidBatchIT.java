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
import dev.alchemist.testing.ServiceAddress;
import dev.alchemist.testing.TestServices;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two relays on one outbox: one in a child JVM ({@link RelayChildMain}) that leads and is SIGKILLed
 * in the middle of a round whose events are already in the stream, one in this JVM that waits as
 * standby and takes over. No committed event is missing from the stream, and none is in it twice:
 * the survivor re-publishes the dead round's batch and the stream's duplicate window drops it.
 */
class OutboxRelayKilledMidBatchIT {
  private static final int PREFILLED = 1_000;
  private static final int CHILD_BATCH = 200;

  private final PostgresAddress pg = TestServices.postgres();
  private final ServiceAddress natsAddress = TestServices.nats();
  private final String schema = TestServices.uniquePrefix("relay_mid_batch");
  private final String root = TestServices.uniquePrefix("relaymid");
  private final String streamName = root.toUpperCase(Locale.ROOT);
  private Process child;

  @AfterEach
  void cleanUp() throws Exception {
    if (child != null && child.isAlive()) {
      child.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
    RelayFixture.dropSchema(pg, schema);
  }

  @Test
  void relayKilledMidRound_anotherTakesOver_noEventLostNoneStoredTwice() throws Exception {
    SubjectSpace space = SubjectSpace.of(root);
    StreamSpec spec = RelayFixture.stream(streamName, space);
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    List<String> committed = new CopyOnWriteArrayList<>();
    AtomicBoolean writing = new AtomicBoolean(true);
    AtomicReference<Throwable> writerFailure = new AtomicReference<>();
    try (AlchemistDatabase db =
            RelayFixture.store(pg, schema, "relay-mid-batch").meterRegistry(registry).build();
        NatsEvents bus =
            NatsEvents.builder()
                .url(natsAddress.uri())
                .subjects(space)
                .meterRegistry(new SimpleMeterRegistry())
                .build()) {
      bus.provisioner().provision(spec);
      try {
        for (int i = 0; i < PREFILLED; i++) {
          DomainEvent e = RelayFixture.event("s-" + (i % 16), i);
          db.useTransaction(tx -> tx.outbox().add(e));
          committed.add(e.id().toString());
        }

        AtomicLong childAcked = new AtomicLong();
        StringBuilder childOutput = new StringBuilder();
        child = startChild(childAcked, childOutput);
        await(
            "the child storing a whole batch in the stream; its output: " + childOutput,
            Duration.ofSeconds(90),
            () -> childAcked.get() >= CHILD_BATCH);
        assertThat(child.isAlive()).isTrue();

        Thread writer = writer(db, committed, writing, writerFailure);
        try (JetStreamPublisher publisher = bus.jetStreamPublisher(RelayFixture.publisher(spec));
            OutboxRelay survivor =
                OutboxRelay.start(
                    db,
                    e -> publisher.publish(space.subject(e), e),
                    RelayFixture.relay("survivor"))) {
          writer.start();
          // While the child's round is open it holds the schema's relay lock: standby here.
          await("standby rounds", Duration.ofSeconds(30), () -> standbyRounds(registry) >= 5);
          assertThat(survivor.relayed()).as("nothing relayed while the child leads").isZero();
          assertThat(childAcked.get()).as("the child's round is still open").isEqualTo(CHILD_BATCH);

          long pid = child.pid();
          child.destroyForcibly(); // SIGKILL: no close, no rollback from the child itself
          assertThat(child.waitFor(30, TimeUnit.SECONDS)).as("child " + pid + " dead").isTrue();

          await(
              "the survivor relaying the dead round's rows and more",
              Duration.ofSeconds(120),
              () -> survivor.relayed() > PREFILLED + 200);
          writing.set(false);
          writer.join();
          assertThat(writerFailure.get()).as("the writer never failed").isNull();
          assertThat(survivor.drain(Duration.ofSeconds(120))).as("drained").isTrue();
          // The child deleted nothing: every committed event went through the survivor, the
          // child's batch a second time.
          assertThat(survivor.relayed()).isEqualTo(committed.size());
        }

        assertThat(db.outbox().size()).isZero();
        Map<String, Integer> stored = RelayFixture.storedIds(natsAddress.uri(), streamName, space);
        assertThat(committed.subList(0, CHILD_BATCH))
            .as("the child's batch was in the stream before the survivor re-published it")
            .allMatch(stored::containsKey);
        assertThat(stored.keySet())
            .as("every committed event is in the stream")
            .containsAll(committed);
        assertThat(RelayFixture.twice(stored)).as("events stored twice").isEmpty();
        assertThat(stored).hasSameSizeAs(committed);
        System.out.printf(
            "OutboxRelayKilledMidBatchIT: %d events committed, %d published by the killed relay"
                + " and again by the survivor, each stored once%n",
            committed.size(), CHILD_BATCH);
      } finally {
        bus.provisioner().delete(streamName);
      }
    }
  }

  private static long standbyRounds(SimpleMeterRegistry registry) {
    Timer t = registry.find("alchemist.store.outbox.round").tag("outcome", "standby").timer();
    return t == null ? 0 : t.count();
  }

  private static Thread writer(
      AlchemistDatabase db,
      List<String> committed,
      AtomicBoolean writing,
      AtomicReference<Throwable> failure) {
    return new Thread(
        () -> {
          long n = PREFILLED;
          try {
            while (writing.get()) {
              DomainEvent e = RelayFixture.event("s-" + (n % 16), n++);
              db.useTransaction(tx -> tx.outbox().add(e));
              committed.add(e.id().toString());
              if (n % 10 == 0) {
                Thread.sleep(2);
              }
            }
          } catch (Throwable t) {
            failure.set(t);
          }
        },
        "outbox-writer");
  }

  /**
   * Starts {@link RelayChildMain} on this JVM's test class path; counts its {@code ACKED} lines.
   */
  private Process startChild(AtomicLong acked, StringBuilder output) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx256m");
    command.add("-cp");
    command.add(testClassPath());
    command.add(RelayChildMain.class.getName());
    command.addAll(List.of(pg.jdbcUrl(), pg.user(), schema, natsAddress.uri(), root, streamName));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("ALCHEMIST_PG_PASSWORD", pg.password());
    Process p = builder.start();
    p.getOutputStream().close();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(
                      new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                  if (line.startsWith("ACKED ")) {
                    acked.set(Long.parseLong(line.substring(6).trim()));
                  } else {
                    synchronized (output) {
                      if (output.length() < 20_000) {
                        output.append(line).append('\n');
                      }
                    }
                  }
                }
              } catch (IOException | NumberFormatException e) {
                // the child was killed; its output ends here
              }
            },
            "relay-child-output");
    reader.setDaemon(true);
    reader.start();
    return p;
  }

  /** Surefire's and Failsafe's manifest-only jar leaves the real class path in a property. */
  private static String testClassPath() {
    String forked = System.getProperty("surefire.test.class.path");
    String path =
        forked != null && !forked.isBlank() ? forked : System.getProperty("java.class.path");
    List<String> entries = new ArrayList<>();
    for (String entry : path.split(File.pathSeparator)) {
      if (!entry.isEmpty()) {
        entries.add(entry);
      }
    }
    return String.join(File.pathSeparator, entries);
  }
}
