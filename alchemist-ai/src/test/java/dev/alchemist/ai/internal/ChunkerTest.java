package dev.alchemist.ai.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.alchemist.ai.AiException;
import dev.alchemist.ai.AiListener;
import dev.alchemist.ai.ChunkPolicy;
import dev.alchemist.core.flow.FakeScheduler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ChunkerTest {
  private final FakeScheduler scheduler = new FakeScheduler();
  private final ManualTokenStream model = new ManualTokenStream(scheduler);
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  private StreamHub hub(ChunkPolicy policy) {
    return hub(model, policy, Runnable::run);
  }

  private StreamHub hub(ManualTokenStream upstream, ChunkPolicy policy, Executor executor) {
    return new StreamHub(
        upstream,
        policy,
        scheduler,
        scheduler.ticker(),
        new ChunkMetrics(registry).of("manual", "m"),
        AiListener.NONE,
        true,
        () -> false,
        executor);
  }

  @Test
  void firstToken_isDeliveredAloneAtOnce_thenFiveTokenChunks() {
    StreamHub hub = hub(ChunkPolicy.DEFAULTS);
    RecordingSubscriber s = RecordingSubscriber.unbounded();
    hub.subscribe(s);
    model.push("a", "b", "c", "d", "e", "f", "g");
    assertThat(s.items).containsExactly("a", "bcdef");
    model.finish();
    assertThat(s.items).containsExactly("a", "bcdef", "g");
    assertThat(s.completed).isTrue();
  }

  @Test
  void newline_flushesTheChunk() {
    StreamHub hub = hub(ChunkPolicy.DEFAULTS);
    RecordingSubscriber s = RecordingSubscriber.unbounded();
    hub.subscribe(s);
    model.push("a", "b", "c\n", "d");
    assertThat(s.items).containsExactly("a", "bc\n");
  }

  @Test
  void maxDelay_flushesAQuietChunk_onTheTimer() {
    StreamHub hub = hub(ChunkPolicy.DEFAULTS);
    RecordingSubscriber s = RecordingSubscriber.unbounded();
    hub.subscribe(s);
    model.push("a", "b", "c");
    scheduler.advance(Duration.ofMillis(49));
    assertThat(s.items).containsExactly("a");
    scheduler.advance(Duration.ofMillis(1));
    assertThat(s.items).containsExactly("a", "bc");
    assertThat(
            registry
                .get("alchemist.ai.buffer.delay")
                .timer()
                .max(java.util.concurrent.TimeUnit.MILLISECONDS))
        .isEqualTo(50.0);
  }

  @Test
  void maxDelay_countsFromTheOldestPendingToken_afterAnEarlyFlush() {
    StreamHub hub = hub(ChunkPolicy.DEFAULTS);
    RecordingSubscriber s = RecordingSubscriber.unbounded();
    hub.subscribe(s);
    model.push("a", "b");
    scheduler.advance(Duration.ofMillis(30));
    model.push("c", "d", "e", "f", "g");
    assertThat(s.items).containsExactly("a", "bcdef");
    scheduler.advance(Duration.ofMillis(49));
    assertThat(s.items).containsExactly("a", "bcdef");
    scheduler.advance(Duration.ofMillis(1));
    assertThat(s.items).containsExactly("a", "bcdef", "g");
    assertThat(scheduler.queued()).isLessThanOrEqualTo(1);
  }

  @Test
  void firstTokenImmediateOff_waitsForTheFirstChunk() {
    StreamHub hub = hub(ChunkPolicy.builder().firstTokenImmediate(false).build());
    RecordingSubscriber s = RecordingSubscriber.unbounded();
    hub.subscribe(s);
    model.push("a", "b");
    assertThat(s.items).isEmpty();
    scheduler.advance(Duration.ofMillis(50));
    assertThat(s.items).containsExactly("ab");
  }

  @Test
  void slowSubscriber_receivesMergedChunks_andNoTextIsLost() {
    StreamHub hub = hub(ChunkPolicy.DEFAULTS);
    RecordingSubscriber s = RecordingSubscriber.manual();
    hub.subscribe(s);
    StringBuilder sent = new StringBuilder();
    for (int i = 0; i < 100; i++) {
      String t = "t" + i + (i % 7 == 0 ? "\n" : " ");
      sent.append(t);
      model.push(t);
      if (i % 30 == 0) {
        s.request(1);
      }
    }
    model.finish();
    assertThat(s.completed).isFalse();
    while (!s.completed) {
      s.request(1);
    }
    assertThat(s.text()).isEqualTo(sent.toString());
    // 100 tokens in far fewer chunks than 100/5: merging happened while demand was missing.
    assertThat(s.items.size()).isLessThan(10);
  }

  @Test
  void oneByOneSubscriber_getsEveryCharacterInOrder() {
    StreamHub hub = hub(ChunkPolicy.PER_TOKEN);
    RecordingSubscriber s = RecordingSubscriber.oneByOne();
    hub.subscribe(s);
    model.push("x", "y", "z");
    model.finish();
    assertThat(s.items).containsExactly("x", "y", "z");
    assertThat(s.completed).isTrue();
  }

  @Test
  void overflow_subscriberFallingBehindAFasterOne_failsClearly_andTheOtherKeepsTheCall() {
    StreamHub hub = hub(ChunkPolicy.builder().maxPendingBytes(1024).build());
    RecordingSubscriber fast = RecordingSubscriber.unbounded();
    RecordingSubscriber slow = RecordingSubscriber.manual();
    hub.subscribe(fast);
    hub.subscribe(slow);
    String token = "0123456789".repeat(10);
    for (int i = 0; i < 20; i++) {
      model.push(token);
    }
    scheduler.advance(Duration.ofMillis(50)); // the fast one's last, partial chunk
    assertThat(slow.error)
        .isInstanceOf(AiException.class)
        .hasMessageContaining("maxPendingBytes (1024)");
    assertThat(((AiException) slow.error).reason()).isEqualTo(AiException.Reason.OVERFLOW);
    assertThat(registry.get("alchemist.ai.buffer.overflows").counter().count()).isEqualTo(1);
    // The fast subscriber drives the call and loses nothing; the call ends when it leaves.
    assertThat(fast.text()).isEqualTo(token.repeat(20));
    assertThat(model.releases).isZero();
    fast.cancel();
    assertThat(model.releases).isEqualTo(1);
    assertThat(hub.summary()).isCompletedExceptionally();
  }

  @Test
  void slowSubscriberAlone_pausesTheModelCallAtMaxPendingBytes_insteadOfOverflowing() {
    StreamHub hub = hub(ChunkPolicy.builder().maxPendingBytes(1024).build());
    RecordingSubscriber s = RecordingSubscriber.manual();
    hub.subscribe(s);
    String token = "0123456789".repeat(10);
    for (int i = 0; i < 100; i++) {
      model.push(token);
    }
    model.finish();
    assertThat(s.error).isNull();
    // The hub took tokens until 1024 bytes were pending (11 tokens), then stopped asking: the
    // rest waited upstream (for HTTP: in the socket), so memory is bounded without failing anyone.
    s.request(1);
    assertThat(s.items).containsExactly(token.repeat(11));
    while (!s.completed && s.error == null) {
      s.request(1);
    }
    assertThat(s.error).isNull();
    assertThat(s.text()).isEqualTo(token.repeat(100));
    assertThat(s.items).allSatisfy(chunk -> assertThat(chunk.length()).isLessThanOrEqualTo(1100));
  }

  @Test
  void subscribe_cancelInsideOnSubscribe_startsNoModelCall_andRegistersNothing() {
    StreamHub hub = hub(ChunkPolicy.DEFAULTS);
    RecordingSubscriber quitter = RecordingSubscriber.cancellingInOnSubscribe();
    hub.subscribe(quitter);
    assertThat(model.starts).as("model calls started").isZero();
    assertThat(hub.subscribers()).isZero();
    // The hub stays usable: the next subscriber starts the call and gets the answer.
    RecordingSubscriber s = RecordingSubscriber.unbounded();
    hub.subscribe(s);
    model.push("a");
    model.finish();
    assertThat(model.starts).isEqualTo(1);
    assertThat(s.items).containsExactly("a");
    assertThat(quitter.items).isEmpty();
    assertThat(quitter.done).isNotDone();
  }

  @Test
  void cancel_goesUpstream() {
    StreamHub hub = hub(ChunkPolicy.DEFAULTS);
    RecordingSubscriber s = RecordingSubscriber.unbounded();
    hub.subscribe(s);
    model.push("a");
    s.cancel();
    assertThat(model.releases).isEqualTo(1);
    model.push("b");
    assertThat(s.items).containsExactly("a");
  }

  @Test
  void errorAfterPartialOutput_deliversThePartialTextFirst() {
    StreamHub hub = hub(ChunkPolicy.DEFAULTS);
    RecordingSubscriber s = RecordingSubscriber.manual();
    hub.subscribe(s);
    s.request(1);
    model.push("a", "b", "c");
    model.failWith(new AiException(AiException.Reason.STREAM, "boom"));
    assertThat(s.items).containsExactly("a");
    assertThat(s.error).isNull();
    s.request(1);
    assertThat(s.items).containsExactly("a", "bc");
    assertThat(s.error).isInstanceOf(AiException.class).hasMessageContaining("boom");
    assertThat(((AiException) s.error).tokensDelivered()).isEqualTo(3);
  }

  @Test
  void fanOut_twoSubscribersShareOneModelCall_eachWithItsOwnDemand() {
    StreamHub hub = hub(ChunkPolicy.DEFAULTS);
    RecordingSubscriber fast = RecordingSubscriber.unbounded();
    RecordingSubscriber slow = RecordingSubscriber.manual();
    hub.subscribe(fast);
    hub.subscribe(slow);
    model.push("a", "b", "c", "d", "e", "f");
    model.finish();
    assertThat(model.starts).isEqualTo(1);
    assertThat(fast.items).containsExactly("a", "bcdef");
    assertThat(slow.items).isEmpty();
    slow.request(10);
    assertThat(slow.text()).isEqualTo("abcdef");
    assertThat(slow.completed).isTrue();
  }

  @Test
  void lateSubscriber_getsTheTextSoFarAsOneChunk_thenLiveTokens() {
    StreamHub hub = hub(ChunkPolicy.PER_TOKEN);
    RecordingSubscriber first = RecordingSubscriber.unbounded();
    hub.subscribe(first);
    model.push("a", "b");
    RecordingSubscriber late = RecordingSubscriber.unbounded();
    hub.subscribe(late);
    model.push("c");
    model.finish();
    assertThat(late.items).containsExactly("ab", "c");
    assertThat(hub.recordedTokens()).isEqualTo(List.of("a", "b", "c"));
  }

  @Test
  void replay_answerPastMaxPendingBytes_isDropped_lateSubscriberFails_andNothingIsRecorded() {
    StreamHub hub = hub(ChunkPolicy.builder().maxPendingBytes(1024).build());
    RecordingSubscriber first = RecordingSubscriber.unbounded();
    hub.subscribe(first);
    String token = "0123456789".repeat(10);
    for (int i = 0; i < 10; i++) {
      model.push(token);
    }
    // 1000 bytes: still kept, a late subscriber gets it all as one chunk.
    RecordingSubscriber early = RecordingSubscriber.unbounded();
    hub.subscribe(early);
    assertThat(early.items).containsExactly(token.repeat(10));
    assertThat(hub.recordedInFull()).isTrue();
    model.push(token);
    // 1100 bytes: past the bound, the copy is dropped and the answer will not be cached.
    assertThat(hub.replayBytes()).isZero();
    assertThat(hub.recordedInFull()).isFalse();
    assertThat(hub.recordedTokens()).isEmpty();
    RecordingSubscriber late = RecordingSubscriber.unbounded();
    hub.subscribe(late);
    assertThat(late.error)
        .isInstanceOf(AiException.class)
        .hasMessageContaining("late subscriber")
        .hasMessageContaining("maxPendingBytes (1024)");
    assertThat(hub.subscribers()).isEqualTo(2);
    model.push("end");
    model.finish();
    scheduler.advance(Duration.ofMillis(50));
    assertThat(first.text()).isEqualTo(token.repeat(11) + "end");
    assertThat(early.text()).isEqualTo(token.repeat(11) + "end");
    assertThat(first.completed).isTrue();
  }

  @Test
  void oneSubscriberCancelling_keepsTheCallForTheOther() {
    StreamHub hub = hub(ChunkPolicy.PER_TOKEN);
    RecordingSubscriber a = RecordingSubscriber.unbounded();
    RecordingSubscriber b = RecordingSubscriber.unbounded();
    hub.subscribe(a);
    hub.subscribe(b);
    model.push("x");
    a.cancel();
    assertThat(model.releases).isZero();
    model.push("y");
    b.cancel();
    assertThat(model.releases).isEqualTo(1);
    assertThat(b.items).containsExactly("x", "y");
  }

  @Test
  void badRequestN_failsTheSubscriber() {
    StreamHub hub = hub(ChunkPolicy.DEFAULTS);
    RecordingSubscriber s = RecordingSubscriber.manual();
    hub.subscribe(s);
    s.request(0);
    assertThat(s.error).isInstanceOf(AiException.class).hasMessageContaining("3.9");
  }

  @Test
  void multibyteText_isCountedInUtf8Bytes() {
    assertThat(Utf8.length("aé日🙂")).isEqualTo(1 + 2 + 3 + 4);
  }

  @Test
  void timerFlush_ofOneStream_isNotHeldUpByAnotherStreamsBlockedSubscriber() throws Exception {
    ExecutorService delivery = Executors.newCachedThreadPool();
    try {
      assertFlushNotHeldUpByBlockedStreams(1, delivery);
    } finally {
      delivery.shutdownNow();
    }
  }

  @Test
  void defaultDeliveryPool_timerFlush_isNotHeldUpByThreeBlockedSubscribers() throws Exception {
    // The default pool is bounded (max(4, 2 x cores) threads): up to one less than that many
    // subscribers may block in onNext without stopping another stream's flushes.
    assertFlushNotHeldUpByBlockedStreams(3, AiThreads.delivery());
  }

  private void assertFlushNotHeldUpByBlockedStreams(int stuckStreams, Executor delivery)
      throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch blocked = new CountDownLatch(stuckStreams);
    List<ManualTokenStream> slowModels = new ArrayList<>();
    ManualTokenStream fastModel = new ManualTokenStream(scheduler);
    Thread timer = null;
    try {
      for (int i = 0; i < stuckStreams; i++) {
        ManualTokenStream slowModel = new ManualTokenStream(scheduler);
        slowModels.add(slowModel);
        hub(slowModel, ChunkPolicy.DEFAULTS, delivery)
            .subscribe(stuckAfterFirstChunk(blocked, release));
      }
      StreamHub fast = hub(fastModel, ChunkPolicy.DEFAULTS, delivery);
      RecordingSubscriber live = RecordingSubscriber.unbounded();
      fast.subscribe(live);
      for (ManualTokenStream slowModel : slowModels) {
        slowModel.push("a", "b"); // "b" waits for the slow stream's flush timer, due at 50 ms
      }
      scheduler.advance(Duration.ofMillis(10));
      fastModel.push("x", "y"); // "y" waits for the live stream's timer, due at 60 ms

      // The shared timer runs every flush; each slow stream's subscriber blocks in its own.
      timer = new Thread(() -> scheduler.advance(Duration.ofMillis(100)), "fake-ai-timer");
      timer.start();
      assertThat(blocked.await(10, TimeUnit.SECONDS)).isTrue();
      await().atMost(Duration.ofSeconds(10)).until(() -> live.items.size() == 2);
      assertThat(live.items).containsExactly("x", "y");
    } finally {
      release.countDown();
      if (timer != null) {
        timer.join(10_000);
      }
    }
  }

  /** Takes everything and blocks in onNext on every chunk after the first (delivered on push). */
  private static Flow.Subscriber<String> stuckAfterFirstChunk(
      CountDownLatch blocked, CountDownLatch release) {
    return new Flow.Subscriber<>() {
      private int seen;

      @Override
      public void onSubscribe(Flow.Subscription s) {
        s.request(Long.MAX_VALUE);
      }

      @Override
      public void onNext(String chunk) {
        if (seen++ > 0) {
          blocked.countDown();
          try {
            release.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
      }

      @Override
      public void onError(Throwable t) {}

      @Override
      public void onComplete() {}
    };
  }
}
