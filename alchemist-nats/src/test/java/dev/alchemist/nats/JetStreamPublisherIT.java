package dev.alchemist.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.alchemist.core.DomainEvent;
import dev.alchemist.testing.TestServices;
import io.nats.client.JetStreamManagement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class JetStreamPublisherIT extends Fixtures.OnOwnStream {
  JetStreamPublisherIT() {
    super("jspub");
  }

  private JetStreamPublisherSettings.Builder settings() {
    return JetStreamPublisherSettings.builder().stream(space.spec());
  }

  private long streamMessages() throws Exception {
    JetStreamManagement jsm = events.connection().jetStreamManagement();
    return jsm.getStreamInfo(space.stream()).getStreamState().getMsgCount();
  }

  @Test
  void publish_manyEvents_allAckedAndStored() throws Exception {
    List<CompletableFuture<PublishReceipt>> futures = new ArrayList<>();
    try (JetStreamPublisher publisher =
        events.jetStreamPublisher(settings().maxInFlight(64).build())) {
      for (int i = 0; i < 2000; i++) {
        DomainEvent e = Fixtures.event("created", "{\"n\":" + i + "}");
        futures.add(publisher.publish(space.subjects().subject(e), e, "trace-" + i));
      }
      CompletableFuture.allOf(futures.toArray(new CompletableFuture<?>[0]))
          .get(60, TimeUnit.SECONDS);
      // A publish leaves the count just after its future completes (close() relies on that
      // order), so the last one may still be counted for an instant after allOf completes.
      await().atMost(Duration.ofSeconds(5)).until(() -> publisher.inFlight() == 0);
    }
    assertThat(futures).allSatisfy(f -> assertThat(f.join().duplicate()).isFalse());
    assertThat(streamMessages()).isEqualTo(2000);
  }

  @Test
  void publish_sameEventTwice_storedOnceSecondIsDuplicate() throws Exception {
    DomainEvent e = Fixtures.event("created", "{}");
    try (JetStreamPublisher publisher = events.jetStreamPublisher(settings().build())) {
      Subject subject = space.subjects().subject(e);
      PublishReceipt first = publisher.publish(subject, e).get(10, TimeUnit.SECONDS);
      PublishReceipt second = publisher.publish(subject, e).get(10, TimeUnit.SECONDS);
      assertThat(first.duplicate()).isFalse();
      assertThat(second.duplicate()).isTrue();
      assertThat(second.sequence()).isEqualTo(first.sequence());
    }
    assertThat(streamMessages()).isEqualTo(1);
  }

  @Test
  void publish_wrongExpectedStream_rejected() {
    DomainEvent e = Fixtures.event("created", "{}");
    try (JetStreamPublisher publisher =
        events.jetStreamPublisher(settings().expectedStream("NOT-THIS-ONE").build())) {
      CompletableFuture<PublishReceipt> f = publisher.publish(space.subjects().subject(e), e);
      assertThat(f)
          .failsWithin(Duration.ofSeconds(10))
          .withThrowableOfType(java.util.concurrent.ExecutionException.class)
          .havingCause()
          .isInstanceOfSatisfying(
              PublishException.class,
              p -> assertThat(p.reason()).isEqualTo(PublishException.Reason.REJECTED));
    }
  }

  @Test
  void publish_subjectWithoutStream_timesOutWithinRetryTime() {
    SubjectSpace elsewhere = SubjectSpace.of(TestServices.uniquePrefix("nostream"));
    DomainEvent e = Fixtures.event("created", "{}");
    try (JetStreamPublisher publisher =
        events.jetStreamPublisher(
            JetStreamPublisherSettings.builder()
                .ackTimeout(Duration.ofMillis(500))
                .retryBackoff(Duration.ofMillis(20), Duration.ofMillis(100))
                .maxRetryTime(Duration.ofSeconds(1))
                .build())) {
      CompletableFuture<PublishReceipt> f = publisher.publish(elsewhere.subject(e), e);
      assertThat(f)
          .failsWithin(Duration.ofSeconds(20))
          .withThrowableOfType(java.util.concurrent.ExecutionException.class)
          .havingCause()
          .isInstanceOfSatisfying(
              PublishException.class,
              p -> {
                assertThat(p.reason()).isEqualTo(PublishException.Reason.TIMED_OUT);
                assertThat(p.attempts()).isGreaterThan(1);
              });
    }
  }

  @Test
  void publish_failFastAtBound_failsWithInFlightLimit() throws Exception {
    // Hold the completion executor so acks cannot be observed... the bound counts acks, so instead
    // publish to a subject nobody stores: its attempts stay outstanding until maxRetryTime.
    SubjectSpace elsewhere = SubjectSpace.of(TestServices.uniquePrefix("bound"));
    DomainEvent e = Fixtures.event("created", "{}");
    JetStreamPublisher publisher =
        events.jetStreamPublisher(
            JetStreamPublisherSettings.builder()
                .maxInFlight(2)
                .overflowPolicy(OverflowPolicy.FAIL_FAST)
                .ackTimeout(Duration.ofSeconds(2))
                .maxRetryTime(Duration.ofSeconds(3))
                .closeTimeout(Duration.ofSeconds(1))
                .build());
    {
      CompletableFuture<PublishReceipt> a = publisher.publish(elsewhere.subject(e), e);
      CompletableFuture<PublishReceipt> b =
          publisher.publish(elsewhere.subject(e), Fixtures.event("created", "{}"));
      CompletableFuture<PublishReceipt> c =
          publisher.publish(elsewhere.subject(e), Fixtures.event("created", "{}"));
      assertThat(c).isCompletedExceptionally();
      assertThat(c.handle((r, t) -> ((PublishException) t).reason()).join())
          .isEqualTo(PublishException.Reason.IN_FLIGHT_LIMIT);
      assertThat(publisher.inFlight()).isEqualTo(2);
      publisher.close();
      assertThat(a).isDone();
      assertThat(b).isDone();
    }
  }

  @Test
  void publish_completions_runOffJnatsThreads() throws Exception {
    Set<String> threads = ConcurrentHashMap.newKeySet();
    List<CompletableFuture<?>> callbacks = new ArrayList<>();
    try (JetStreamPublisher publisher = events.jetStreamPublisher(settings().build())) {
      for (int i = 0; i < 200; i++) {
        DomainEvent e = Fixtures.event("created", "{}");
        // A callback registered after completion runs on the caller (CompletableFuture's rule);
        // one registered before runs on the completing thread, which must be ours.
        callbacks.add(
            publisher
                .publish(space.subjects().subject(e), e)
                .thenRun(() -> threads.add(Thread.currentThread().getName())));
      }
      CompletableFuture.allOf(callbacks.toArray(new CompletableFuture<?>[0]))
          .get(30, TimeUnit.SECONDS);
    }
    assertThat(threads).noneMatch(name -> name.startsWith("nats"));
    assertThat(threads).anyMatch(name -> name.startsWith("alchemist-nats-"));
  }

  /**
   * close() racing acks on the real server, round after round: half the futures have a callback
   * (completed on the executor), half none (completed inline), and another thread keeps publishing
   * while close() runs. Checked right after close() returns, not within an await.
   */
  @Test
  void close_outstandingAcksAndARacingPublisher_everyFutureCompleteWhenCloseReturns()
      throws Exception {
    for (int round = 0; round < 20; round++) {
      List<CompletableFuture<PublishReceipt>> futures = new ArrayList<>();
      List<CompletableFuture<PublishReceipt>> raced = new CopyOnWriteArrayList<>();
      JetStreamPublisher publisher = events.jetStreamPublisher(settings().build());
      for (int i = 0; i < 500; i++) {
        DomainEvent e = Fixtures.event("created", "{}");
        CompletableFuture<PublishReceipt> f = publisher.publish(space.subjects().subject(e), e);
        if (i % 2 == 0) {
          f.thenRun(() -> {});
        }
        futures.add(f);
      }
      CountDownLatch racing = new CountDownLatch(1);
      Thread racer =
          new Thread(
              () -> {
                racing.countDown();
                for (int i = 0; i < 200; i++) {
                  DomainEvent e = Fixtures.event("created", "{}");
                  raced.add(publisher.publish(space.subjects().subject(e), e));
                }
              });
      racer.start();
      racing.await();
      publisher.close();
      List<CompletableFuture<PublishReceipt>> seenByClose = List.copyOf(raced);
      int round0 = round;
      assertThat(futures).as("round %d", round0).allMatch(CompletableFuture::isDone);
      assertThat(seenByClose).as("round %d, racing", round0).allMatch(CompletableFuture::isDone);
      racer.join();
      assertThat(raced).as("round %d, after close", round0).allMatch(CompletableFuture::isDone);
      assertThat(futures.stream().filter(f -> !f.isCompletedExceptionally()).count())
          .isEqualTo(500);
    }
  }

  static Throwable cause(CompletionException e) {
    return e.getCause();
  }
}
