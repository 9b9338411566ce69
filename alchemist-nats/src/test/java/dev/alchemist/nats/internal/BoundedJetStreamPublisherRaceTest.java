package dev.alchemist.nats.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.alchemist.core.DomainEvent;
import dev.alchemist.core.flow.FakeScheduler;
import dev.alchemist.nats.JetStreamPublisherSettings;
import dev.alchemist.nats.PublishReceipt;
import dev.alchemist.nats.Subject;
import dev.alchemist.nats.SubjectSpace;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * close() and connectionClosed() racing acks and publishes, jcstress style: two actors start
 * together from a barrier, many times over, and every outcome is checked. The promise: when close()
 * returns, every future it accepted is complete, and a publish racing close() either is accepted
 * (and close() waits for it) or returns a future that is already failed.
 */
class BoundedJetStreamPublisherRaceTest {
  private static final int ROUNDS = 5_000;

  private static ExecutorService actor;
  private static ExecutorService completer;

  private final SubjectSpace space = SubjectSpace.of("race");
  private final DomainEvent event =
      DomainEvent.of("dialog", "message", "created", "s-1", Instant.EPOCH, "{}");
  private final Subject subject = space.subject(event);

  @BeforeAll
  static void threads() {
    actor = Executors.newSingleThreadExecutor(r -> new Thread(r, "race-actor"));
    // stands in for the bus executor: completions run on a thread of their own, as in production
    completer = Executors.newSingleThreadExecutor(r -> new Thread(r, "race-completer"));
  }

  @AfterAll
  static void stopThreads() {
    actor.shutdownNow();
    completer.shutdownNow();
  }

  private static JetStreamPublisherSettings.Builder settings() {
    return JetStreamPublisherSettings.builder()
        .expectedStream("S")
        .maxInFlight(4)
        .ackTimeout(Duration.ofSeconds(1))
        .retryBackoff(Duration.ofMillis(100), Duration.ofMillis(400))
        .maxRetryTime(Duration.ofSeconds(5))
        .closeTimeout(Duration.ofSeconds(5));
  }

  @Test
  void close_racingAnAck_returnsOnlyWhenTheFutureIsComplete() throws Exception {
    raceCloseWithAck(false);
  }

  @Test
  void close_racingAnAckWithACallbackAttached_returnsOnlyWhenTheFutureIsComplete()
      throws Exception {
    raceCloseWithAck(true);
  }

  private void raceCloseWithAck(boolean attachCallback) throws Exception {
    List<String> broken = new ArrayList<>();
    for (int round = 0; round < ROUNDS && broken.size() < 5; round++) {
      FakeJetStream fake = new FakeJetStream(false);
      BoundedJetStreamPublisher publisher =
          fake.publisher(settings(), new FakeScheduler(), completer);
      CompletableFuture<PublishReceipt> result = publisher.publish(subject, event);
      if (attachCallback) {
        result.thenRun(() -> {});
      }
      CyclicBarrier start = new CyclicBarrier(2);
      Future<?> ack =
          actor.submit(
              () -> {
                start.await();
                return fake.sent.get(0).ack().complete(FakeJetStream.ack(1));
              });
      start.await();
      publisher.close();
      boolean done = result.isDone(); // right after close(), not within an await
      ack.get();
      if (!done) {
        broken.add("round " + round + ": future incomplete after close()");
      }
    }
    assertThat(broken).isEmpty();
  }

  @Test
  void publish_racingClose_isAcceptedAndAwaitedOrAlreadyFailed() throws Exception {
    List<String> broken = new ArrayList<>();
    for (int round = 0; round < ROUNDS && broken.size() < 5; round++) {
      FakeJetStream fake = new FakeJetStream(true); // acks at once: close() never waits long
      BoundedJetStreamPublisher publisher =
          fake.publisher(settings(), new FakeScheduler(), completer);
      CyclicBarrier start = new CyclicBarrier(2);
      AtomicBoolean closeReturned = new AtomicBoolean();
      AtomicReference<CompletableFuture<PublishReceipt>> published = new AtomicReference<>();
      Future<String> publishing =
          actor.submit(
              () -> {
                start.await();
                boolean closedBefore = closeReturned.get();
                CompletableFuture<PublishReceipt> f = publisher.publish(subject, event);
                published.set(f);
                if (closedBefore && !f.isDone()) {
                  return "publish after close() returned an incomplete future";
                }
                return null;
              });
      start.await();
      publisher.close();
      CompletableFuture<PublishReceipt> seen = published.get();
      boolean incompleteAfterClose = seen != null && !seen.isDone();
      closeReturned.set(true);
      String outcome = publishing.get();
      if (incompleteAfterClose) {
        broken.add("round " + round + ": an accepted future was incomplete after close()");
      }
      if (outcome != null) {
        broken.add("round " + round + ": " + outcome);
      }
      if (publisher.occupiedSlots() != 0) {
        broken.add("round " + round + ": " + publisher.occupiedSlots() + " slots still held");
      }
    }
    assertThat(broken).isEmpty();
  }

  @Test
  void connectionClosed_racingPublishes_freesEverySlotAndCompletesEveryFuture() throws Exception {
    List<String> broken = new ArrayList<>();
    for (int round = 0; round < ROUNDS && broken.size() < 5; round++) {
      FakeJetStream fake = new FakeJetStream(false);
      BoundedJetStreamPublisher publisher =
          fake.publisher(settings(), new FakeScheduler(), completer);
      List<CompletableFuture<PublishReceipt>> futures = new ArrayList<>();
      futures.add(publisher.publish(subject, event));
      CyclicBarrier start = new CyclicBarrier(2);
      Future<List<CompletableFuture<PublishReceipt>>> publishing =
          actor.submit(
              () -> {
                start.await();
                List<CompletableFuture<PublishReceipt>> mine = new ArrayList<>();
                mine.add(publisher.publish(subject, event));
                mine.add(publisher.publish(subject, event));
                return mine;
              });
      start.await();
      publisher.connectionClosed();
      futures.addAll(publishing.get());
      publisher.connectionClosed(); // fails what was published after the first call
      publisher.close();
      for (int i = 0; i < futures.size(); i++) {
        if (!futures.get(i).isDone()) {
          broken.add("round " + round + ": future " + i + " incomplete after close()");
        }
      }
      if (publisher.occupiedSlots() != 0) {
        broken.add("round " + round + ": " + publisher.occupiedSlots() + " slots still held");
      }
    }
    assertThat(broken).isEmpty();
  }
}
