package dev.alchemist.nats.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.alchemist.core.DomainEvent;
import dev.alchemist.core.flow.FakeScheduler;
import dev.alchemist.nats.JetStreamPublisherSettings;
import dev.alchemist.nats.PublishException;
import dev.alchemist.nats.PublishReceipt;
import dev.alchemist.nats.SubjectSpace;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * close() waits on a condition with a deadline on the real clock: with virtual time standing still
 * (the ticker only moves when the test advances it), the wait still ends after closeTimeout, and an
 * ack that arrives meanwhile ends it at once. The timeouts only guard against a hang.
 */
class BoundedJetStreamPublisherCloseTest {
  private final FakeScheduler scheduler = new FakeScheduler();
  private final FakeJetStream fake = new FakeJetStream(false);
  private final SubjectSpace space = SubjectSpace.of("close");
  private final DomainEvent event =
      DomainEvent.of("dialog", "message", "created", "s-1", Instant.EPOCH, "{}");

  private BoundedJetStreamPublisher publisher(Duration closeTimeout) {
    return fake.publisher(
        JetStreamPublisherSettings.builder()
            .expectedStream("S")
            .ackTimeout(Duration.ofSeconds(1))
            .maxRetryTime(Duration.ofSeconds(5))
            .closeTimeout(closeTimeout),
        scheduler,
        Runnable::run);
  }

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void close_ackNeverArrivesAndVirtualTimeStandsStill_failsTheFutureClosedAfterCloseTimeout()
      throws Exception {
    BoundedJetStreamPublisher publisher = publisher(Duration.ofMillis(200));
    CompletableFuture<PublishReceipt> result = publisher.publish(space.subject(event), event);

    publisher.close();

    assertThat(result).isCompletedExceptionally();
    try {
      result.get();
    } catch (ExecutionException e) {
      assertThat(e.getCause())
          .isInstanceOfSatisfying(
              PublishException.class,
              p -> {
                assertThat(p.reason()).isEqualTo(PublishException.Reason.CLOSED);
                assertThat(p.getMessage()).contains("closed with the ack outstanding after PT0.2S");
              });
    }
    assertThat(publisher.inFlight()).isZero();
    assertThat(publisher.occupiedSlots()).isZero();
  }

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void close_ackArrivesWhileItWaits_returnsWithTheFutureAcked() throws Exception {
    BoundedJetStreamPublisher publisher = publisher(Duration.ofMinutes(5));
    CompletableFuture<PublishReceipt> result = publisher.publish(space.subject(event), event);
    Thread acker =
        new Thread(
            () -> {
              // ack only once close() is waiting, so the wake-up (not the fast path) is what ends
              // it
              while (Thread.State.WAITING != mainState()
                  && Thread.State.TIMED_WAITING != mainState()) {
                Thread.onSpinWait();
              }
              fake.sent.get(0).ack().complete(FakeJetStream.ack(1));
            },
            "close-test-acker");
    closer = Thread.currentThread();
    acker.start();

    publisher.close(); // a 5 minute close timeout: only the ack can end this within the guard

    assertThat(result).isCompleted();
    assertThat(result.get().sequence()).isEqualTo(1);
    assertThat(publisher.inFlight()).isZero();
    acker.join();
  }

  private volatile Thread closer;

  private Thread.State mainState() {
    Thread t = closer;
    return t == null ? Thread.State.NEW : t.getState();
  }
}
