package dev.alchemist.nats.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.alchemist.core.DomainEvent;
import dev.alchemist.core.flow.FakeScheduler;
import dev.alchemist.nats.EventHeaders;
import dev.alchemist.nats.JetStreamPublisherSettings;
import dev.alchemist.nats.PublishException;
import dev.alchemist.nats.PublishReceipt;
import dev.alchemist.nats.SubjectSpace;
import io.nats.client.api.PublishAck;
import io.nats.client.impl.NatsMessage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The publisher's timeout and retry logic on virtual time: a fake scheduler and ticker, and a fake
 * JetStream whose ack futures the test completes.
 */
class BoundedJetStreamPublisherTest {

  private final FakeScheduler scheduler = new FakeScheduler();
  private final FakeJetStream fake = new FakeJetStream(false);
  private final List<FakeJetStream.Sent> sent = fake.sent;
  private final SubjectSpace space = SubjectSpace.of("fake");
  private BoundedJetStreamPublisher publisher;

  @AfterEach
  void tearDown() {
    if (publisher != null) {
      publisher.connectionClosed(); // fails what is left, so close() does not wait
      publisher.close();
    }
  }

  private BoundedJetStreamPublisher publisher(JetStreamPublisherSettings.Builder settings) {
    publisher = fake.publisher(settings, scheduler, Runnable::run);
    return publisher;
  }

  private static JetStreamPublisherSettings.Builder settings() {
    return JetStreamPublisherSettings.builder()
        .expectedStream("S")
        .ackTimeout(Duration.ofSeconds(1))
        .retryBackoff(Duration.ofMillis(100), Duration.ofMillis(400))
        .maxRetryTime(Duration.ofSeconds(5))
        .sweepInterval(Duration.ofMillis(50))
        .closeTimeout(Duration.ofSeconds(1));
  }

  private static DomainEvent event() {
    return DomainEvent.of("dialog", "message", "created", "s-1", Instant.EPOCH, "{}");
  }

  private static PublishAck ack(long seq) {
    return FakeJetStream.ack(seq);
  }

  @Test
  void publish_noAckWithinAckTimeout_retriesAfterBackoffWithSameMsgId() throws Exception {
    publisher(settings());
    DomainEvent e = event();
    CompletableFuture<PublishReceipt> result = publisher.publish(space.subject(e), e);
    assertThat(sent).hasSize(1);

    scheduler.advance(Duration.ofMillis(950));
    assertThat(sent).as("no retry before the ack timeout").hasSize(1);
    scheduler.advance(Duration.ofMillis(100)); // past 1 s: the sweep times the attempt out
    assertThat(sent.get(0).ack()).as("the overdue attempt is cancelled").isCancelled();
    assertThat(sent).as("the retry waits for its backoff").hasSize(1);
    scheduler.advance(Duration.ofMillis(100));
    assertThat(sent).hasSize(2);
    assertThat(sent.get(1).headers().getFirst(EventHeaders.MSG_ID))
        .isEqualTo(sent.get(0).headers().getFirst(EventHeaders.MSG_ID))
        .isEqualTo(e.id().toString());

    sent.get(1).ack().complete(ack(7));
    PublishReceipt receipt = result.get();
    assertThat(receipt.sequence()).isEqualTo(7);
    assertThat(receipt.attempts()).isEqualTo(2);
    assertThat(publisher.inFlight()).isZero();
  }

  @Test
  void publish_noResponders_retriedWithDoublingBackoff() throws Exception {
    publisher(settings());
    DomainEvent e = event();
    CompletableFuture<PublishReceipt> result = publisher.publish(space.subject(e), e);
    sent.get(0).ack().completeExceptionally(new IOException("503 No Responders Available"));
    scheduler.advance(Duration.ofMillis(99));
    assertThat(sent).hasSize(1);
    scheduler.advance(Duration.ofMillis(1));
    assertThat(sent).as("first retry after 100 ms").hasSize(2);
    sent.get(1).ack().completeExceptionally(new IOException("503 No Responders Available"));
    scheduler.advance(Duration.ofMillis(199));
    assertThat(sent).hasSize(2);
    scheduler.advance(Duration.ofMillis(1));
    assertThat(sent).as("second retry after 200 ms").hasSize(3);
    sent.get(2).ack().complete(ack(1));
    assertThat(result.get().attempts()).isEqualTo(3);
  }

  @Test
  void publish_neverAcked_failsTimedOutWithinMaxRetryTime() {
    publisher(settings());
    DomainEvent e = event();
    CompletableFuture<PublishReceipt> result = publisher.publish(space.subject(e), e);
    for (int i = 0; i < 200 && !result.isDone(); i++) {
      scheduler.advance(Duration.ofMillis(50));
    }
    assertThat(result).isCompletedExceptionally();
    assertThat(scheduler.millis()).as("gave up within maxRetryTime + ackTimeout").isLessThan(6100);
    try {
      result.get();
    } catch (InterruptedException | ExecutionException ex) {
      assertThat(ex.getCause())
          .isInstanceOfSatisfying(
              PublishException.class,
              p -> assertThat(p.reason()).isEqualTo(PublishException.Reason.TIMED_OUT));
    }
    assertThat(sent.size()).as("several attempts were made").isGreaterThan(2);
    assertThat(publisher.inFlight()).isZero();
  }

  @Test
  void publish_serverRefuses_failsRejectedWithoutRetry() throws Exception {
    publisher(settings());
    DomainEvent e = event();
    CompletableFuture<PublishReceipt> result = publisher.publish(space.subject(e), e);
    String json =
        "{\"error\":{\"code\":400,\"err_code\":10060,\"description\":\"expected stream does not match\"}}";
    Exception refused;
    try {
      new PublishAck(new NatsMessage("reply", null, json.getBytes(StandardCharsets.UTF_8)));
      throw new AssertionError("PublishAck accepted an error response");
    } catch (io.nats.client.JetStreamApiException ex) {
      refused = ex;
    }
    sent.get(0).ack().completeExceptionally(refused);
    scheduler.advance(Duration.ofSeconds(3));
    assertThat(sent).hasSize(1);
    assertThat(result).isCompletedExceptionally();
    assertThat(result.handle((r, ex) -> ((PublishException) ex).reason()).get())
        .isEqualTo(PublishException.Reason.REJECTED);
  }
}
