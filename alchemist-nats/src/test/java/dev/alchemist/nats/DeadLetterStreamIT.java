package dev.alchemist.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.alchemist.core.DomainEvent;
import dev.alchemist.core.codec.KryoCodecs;
import dev.alchemist.testing.TestServices;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.MessageInfo;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Dead letters when a stream captures the dead-letter subject: they are published through JetStream
 * with an ack, so a dead letter the stream refuses is noticed: the original is left unacknowledged
 * in its stream instead of being terminated and counted as dead-lettered.
 */
class DeadLetterStreamIT {
  private static final int EVENTS = 10;
  private static final int POISON = 4;

  private Fixtures.Space space;
  private NatsEvents events;
  private String deadRoot;
  private String deadStream;

  @BeforeEach
  void setUp() {
    space = Fixtures.space("dlqs");
    events = Fixtures.connect(TestServices.nats().uri(), space.subjects());
    deadRoot = space.subjects().root() + "_dead";
    deadStream = space.stream() + "_DEAD";
  }

  @AfterEach
  void tearDown() {
    events.provisioner().delete(space.stream());
    events.provisioner().delete(deadStream);
    events.close();
  }

  private StreamSpec deadLetterSpec() {
    return space.spec().toBuilder().name(deadStream).subjects(deadRoot + ".>").build();
  }

  private ConsumerSettings consumerSettings() {
    return ConsumerSettings.builder(space.stream(), "worker")
        .filter(space.subjects().all())
        .maxDeliver(3)
        .backoff(Duration.ofMillis(50), Duration.ofMillis(50))
        .ackWait(Duration.ofSeconds(30))
        .deadLetterSubject(deadRoot + ".worker")
        .build();
  }

  private UUID publishWithOnePoison() throws Exception {
    UUID poison = null;
    try (JetStreamPublisher publisher =
        events.jetStreamPublisher(
            JetStreamPublisherSettings.builder().stream(space.spec()).build())) {
      for (int i = 0; i < EVENTS; i++) {
        DomainEvent e = Fixtures.event(i == POISON ? "poison" : "created", "{\"i\":" + i + "}");
        if (i == POISON) {
          poison = e.id();
        }
        publisher.publish(space.subjects().subject(e), e).get(10, TimeUnit.SECONDS);
      }
    }
    return poison;
  }

  private static EventHandler failOnPoison(AtomicInteger attempts) {
    return e -> {
      if (e.event().type().equals("poison")) {
        attempts.incrementAndGet();
        throw new IllegalStateException("cannot handle poison\nsecond line");
      }
    };
  }

  @Test
  void consume_streamCapturesDeadLetterSubject_deadLetterStoredWithHeaders() throws Exception {
    events.provisioner().provision(space.spec());
    events.provisioner().provision(deadLetterSpec());
    UUID poison = publishWithOnePoison();
    AtomicInteger attempts = new AtomicInteger();
    try (EventConsumer consumer = events.consume(consumerSettings(), failOnPoison(attempts))) {
      await().atMost(Duration.ofSeconds(20)).until(() -> consumer.deadLettered() == 1);
      await().atMost(Duration.ofSeconds(20)).until(() -> consumer.acknowledged() == EVENTS - 1);
      assertThat(attempts).hasValue(3);
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> consumer.refreshLag().equals(new ConsumerLag(0, 0)));
    }
    JetStreamManagement jsm = events.connection().jetStreamManagement();
    assertThat(jsm.getStreamInfo(deadStream).getStreamState().getMsgCount()).isEqualTo(1);
    MessageInfo dead = jsm.getMessage(deadStream, 1);
    assertThat(dead.getSubject()).isEqualTo(deadRoot + ".worker");
    assertThat(dead.getHeaders().getFirst(EventHeaders.ORIGINAL_SUBJECT))
        .isEqualTo(space.subjects().root() + ".dialog.message.poison");
    assertThat(dead.getHeaders().getFirst(EventHeaders.DELIVERIES)).isEqualTo("3");
    assertThat(dead.getHeaders().getFirst(EventHeaders.LAST_ERROR))
        .contains("IllegalStateException: cannot handle poison second line");
    assertThat(dead.getHeaders().getFirst(EventHeaders.EXPECTED_STREAM))
        .as("the original's expected stream would make the dead-letter stream refuse it")
        .isNull();
    DomainEvent stored =
        KryoCodecs.builder().build().codec(DomainEvent.class).decode(dead.getData());
    assertThat(stored.id()).isEqualTo(poison);
  }

  @Test
  void consume_deadLetterStreamRefuses_notCountedAsDeadLetteredOriginalKept() throws Exception {
    events.provisioner().provision(space.spec());
    // Full, and refusing new messages: a JetStream publish with ack fails where a core publish
    // would have been silently dropped.
    events
        .provisioner()
        .provision(
            deadLetterSpec().toBuilder().maxMessages(1).discard(StreamSpec.Discard.NEW).build());
    events.connection().jetStream().publish(deadRoot + ".filler", new byte[] {1});
    publishWithOnePoison();
    AtomicInteger attempts = new AtomicInteger();
    try (EventConsumer consumer = events.consume(consumerSettings(), failOnPoison(attempts))) {
      await().atMost(Duration.ofSeconds(20)).until(() -> consumer.acknowledged() == EVENTS - 1);
      await().atMost(Duration.ofSeconds(20)).until(() -> attempts.get() == 3);
      await()
          .during(Duration.ofSeconds(1))
          .atMost(Duration.ofSeconds(10))
          .until(() -> consumer.deadLettered() == 0);
    }
    JetStreamManagement jsm = events.connection().jetStreamManagement();
    assertThat(jsm.getStreamInfo(deadStream).getStreamState().getMsgCount())
        .as("nothing got into the full dead-letter stream")
        .isEqualTo(1);
    assertThat(jsm.getStreamInfo(space.stream()).getStreamState().getMsgCount())
        .as("the poison message is still in its stream")
        .isEqualTo(EVENTS);
  }
}
