package dev.alchemist.core.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.alchemist.core.flow.FrameSink.CloseReason;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FrameFanoutTest {
  private final FakeScheduler scheduler = new FakeScheduler();
  private final List<FrameFanout<?>> fanouts = new ArrayList<>();

  @AfterEach
  void closeAll() {
    fanouts.forEach(FrameFanout::close);
  }

  private FrameFanout<Integer> fanout(FanoutSettings.Builder b) {
    FrameFanout<Integer> f =
        FrameFanout.create(b.scheduler(scheduler).ticker(scheduler.ticker()).build());
    fanouts.add(f);
    return f;
  }

  private FrameFanout<Integer> fanout() {
    return fanout(FanoutSettings.builder().name("dashboard"));
  }

  /** Records frames; completes each send at once, or holds it until {@link #complete()}. */
  static final class Recorder implements FrameSink<Integer> {
    final List<Integer> frames = new CopyOnWriteArrayList<>();
    final List<CloseReason> closes = new CopyOnWriteArrayList<>();
    final boolean manual;
    volatile @Nullable CompletableFuture<Void> outstanding;

    Recorder(boolean manual) {
      this.manual = manual;
    }

    static Recorder fast() {
      return new Recorder(false);
    }

    static Recorder slow() {
      return new Recorder(true);
    }

    @Override
    public CompletionStage<?> send(Integer frame) {
      assertThat(outstanding).as("a send while the previous one is outstanding").isNull();
      frames.add(frame);
      if (!manual) {
        return CompletableFuture.completedFuture(null);
      }
      CompletableFuture<Void> f = new CompletableFuture<>();
      outstanding = f;
      return f;
    }

    void complete() {
      CompletableFuture<Void> f = outstanding;
      outstanding = null;
      f.complete(null);
    }

    @Override
    public void closed(CloseReason reason) {
      closes.add(reason);
    }
  }

  @Test
  void lateTimer_frameEveryMillisecond_keepsOneFramePerIntervalOnAverage() {
    // The timer that sends a held-back frame wakes 4 ms late; counting the interval from the send
    // made about 50 frames a second instead of 62.
    scheduler.lateBy(Duration.ofMillis(4));
    FrameFanout<Integer> f = fanout();
    Recorder r = Recorder.fast();
    f.connect("all", r);

    for (int ms = 0; ms < 1000; ms++) {
      f.publish("all", ms);
      scheduler.advance(Duration.ofMillis(1));
    }

    assertThat(r.frames).hasSizeBetween(61, 63);
  }

  @Test
  void framesFasterThanTheInterval_latestWins_atMostOnePerInterval_andTheLastIsNeverLost() {
    FrameFanout<Integer> f = fanout();
    Recorder r = Recorder.fast();
    FanoutConnection c = f.connect("all", r);
    for (int i = 1; i <= 100; i++) {
      f.publish("all", i);
    }
    assertThat(r.frames).containsExactly(1); // the first goes out at once
    scheduler.advance(Duration.ofMillis(15));
    assertThat(r.frames).containsExactly(1);
    scheduler.advance(Duration.ofMillis(1));
    assertThat(r.frames).containsExactly(1, 100); // the latest, one interval later
    assertThat(c.framesSent()).isEqualTo(2);
    assertThat(c.framesSkipped()).isEqualTo(98);
    assertThat(f.stats()).isEqualTo(new FanoutStats(1, 100, 2, 98, 0));
  }

  @Test
  void newConnection_receivesTheTopicsLatestFrameAtOnce() {
    FrameFanout<Integer> f = fanout();
    f.publish("all", 1);
    f.publish("all", 2);
    Recorder r = Recorder.fast();
    f.connect("all", r);
    assertThat(r.frames).containsExactly(2);
  }

  @Test
  void slowReader_getsFewerFrames_holdsOnlyTheLatest_andDoesNotSlowAFastOne() {
    FrameFanout<Integer> f = fanout();
    Recorder slow = Recorder.slow();
    Recorder fast = Recorder.fast();
    f.connect("all", slow);
    f.connect("all", fast);
    for (int i = 1; i <= 60; i++) {
      f.publish("all", i);
      scheduler.advance(Duration.ofMillis(16));
    }
    assertThat(fast.frames).hasSize(60).endsWith(60);
    assertThat(slow.frames).containsExactly(1); // its first send is still outstanding
    slow.complete(); // the reader catches up: it receives the latest, not a backlog
    assertThat(slow.frames).containsExactly(1, 60);
    slow.complete();
    f.publish("all", 61);
    scheduler.advance(Duration.ofMillis(16));
    assertThat(slow.frames).containsExactly(1, 60, 61);
    assertThat(fast.frames).endsWith(61);
  }

  @Test
  void stalledReader_isDroppedAfterTheStallTimeout_andTheOthersGoOn() {
    FrameFanout<Integer> f =
        fanout(FanoutSettings.builder().name("dashboard").stallTimeout(Duration.ofSeconds(2)));
    Recorder stalled = Recorder.slow();
    Recorder fast = Recorder.fast();
    FanoutConnection s = f.connect("all", stalled);
    f.connect("all", fast);
    for (int i = 1; i <= 200; i++) {
      f.publish("all", i);
      scheduler.advance(Duration.ofMillis(16));
    }
    assertThat(stalled.closes).containsExactly(CloseReason.STALLED);
    assertThat(s.isOpen()).isFalse();
    assertThat(f.stats().connections()).isEqualTo(1);
    assertThat(f.stats().dropped()).isEqualTo(1);
    assertThat(fast.frames).hasSize(200);
    stalled.complete(); // a late completion changes nothing
    f.publish("all", 201);
    assertThat(stalled.frames).containsExactly(1);
  }

  @Test
  void sendThatThrows_dropsTheConnection_withSendFailed() {
    FrameFanout<Integer> f = fanout();
    AtomicInteger closed = new AtomicInteger();
    FrameSink<Integer> broken =
        new FrameSink<>() {
          @Override
          public CompletionStage<?> send(Integer frame) {
            throw new IllegalStateException("socket closed");
          }

          @Override
          public void closed(CloseReason reason) {
            assertThat(reason).isEqualTo(CloseReason.SEND_FAILED);
            closed.incrementAndGet();
          }
        };
    FanoutConnection c = f.connect("all", broken);
    f.publish("all", 1);
    f.publish("all", 2);
    assertThat(closed).hasValue(1);
    assertThat(c.isOpen()).isFalse();
    assertThat(f.stats().connections()).isZero();
    assertThat(f.stats().dropped()).isEqualTo(1);
  }

  @Test
  void sendStageThatFails_dropsTheConnection_withSendFailed() {
    FrameFanout<Integer> f = fanout();
    Recorder r = Recorder.slow();
    f.connect("all", r);
    f.publish("all", 1);
    r.outstanding.completeExceptionally(new java.io.IOException("broken pipe"));
    assertThat(r.closes).containsExactly(CloseReason.SEND_FAILED);
    assertThat(f.stats().connections()).isZero();
  }

  @Test
  void topics_aConnectionReceivesOnlyItsOwn() {
    FrameFanout<Integer> f = fanout();
    Recorder travel = Recorder.fast();
    Recorder all = Recorder.fast();
    f.connect("travel", travel);
    f.connect("all", all);
    f.publish("travel", 1);
    f.publish("all", 2);
    f.publish("health", 3);
    assertThat(travel.frames).containsExactly(1);
    assertThat(all.frames).containsExactly(2);
  }

  @Test
  void maxConnections_refusesTheNextConnect_andRoomComesBackOnClose() {
    FrameFanout<Integer> f = fanout(FanoutSettings.builder().name("dashboard").maxConnections(2));
    FanoutConnection a = f.connect("all", Recorder.fast());
    f.connect("all", Recorder.fast());
    assertThatThrownBy(() -> f.connect("all", Recorder.fast()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "frame fan-out 'dashboard' holds maxConnections (2) connections; connect to topic"
                + " 'all' refused");
    a.close();
    f.connect("all", Recorder.fast());
    assertThat(f.stats().connections()).isEqualTo(2);
  }

  @Test
  void connectionClose_sendsTheHeldFrame_removesIt_andCallsClosedOnce() {
    FrameFanout<Integer> f = fanout();
    Recorder r = Recorder.fast();
    FanoutConnection c = f.connect("all", r);
    f.publish("all", 1);
    f.publish("all", 2); // held for the interval
    c.close();
    c.close();
    assertThat(r.frames).containsExactly(1, 2);
    assertThat(r.closes).containsExactly(CloseReason.CLOSED);
    f.publish("all", 3);
    scheduler.advance(Duration.ofMillis(50));
    assertThat(r.frames).containsExactly(1, 2);
    assertThat(f.stats().connections()).isZero();
  }

  @Test
  void close_sendsHeldFrames_closesEveryConnection_andLaterCallsThrow() {
    FrameFanout<Integer> f = fanout();
    Recorder idle = Recorder.fast();
    Recorder busy = Recorder.slow();
    f.connect("all", idle);
    f.connect("all", busy);
    f.publish("all", 1);
    f.publish("all", 2); // idle holds it for the interval; busy holds it behind its send
    f.close();
    assertThat(idle.frames).containsExactly(1, 2);
    assertThat(idle.closes).containsExactly(CloseReason.FANOUT_CLOSED);
    assertThat(busy.closes).isEmpty(); // waits for its outstanding send
    busy.complete();
    assertThat(busy.frames).containsExactly(1, 2);
    busy.complete();
    assertThat(busy.closes).containsExactly(CloseReason.FANOUT_CLOSED);
    assertThatThrownBy(() -> f.publish("all", 3))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("frame fan-out 'dashboard' is closed; cannot publish");
    assertThatThrownBy(() -> f.connect("all", Recorder.fast()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("frame fan-out 'dashboard' is closed; cannot connect");
  }

  @Test
  void badInput_isRefusedWithTheFieldAndValue() {
    FrameFanout<Integer> f = fanout();
    assertThatThrownBy(() -> f.connect(" ", Recorder.fast()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("topic");
    assertThatThrownBy(() -> f.publish("all", null)).hasMessageContaining("frame");
    assertThatThrownBy(() -> f.connect("all", null)).hasMessageContaining("sink");
    assertThatThrownBy(() -> FanoutSettings.builder().interval(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("interval");
    assertThatThrownBy(() -> FanoutSettings.builder().maxConnections(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxConnections");
    assertThatThrownBy(
            () ->
                FanoutSettings.builder()
                    .interval(Duration.ofSeconds(2))
                    .stallTimeout(Duration.ofSeconds(1))
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("stallTimeout (PT1S) must be >= interval (PT2S)");
  }

  @Test
  void metrics_reportConnectionsAndFramesByOutcome() {
    FrameFanout<Integer> f = fanout();
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    FanoutMetrics.of(f).bindTo(registry);
    f.connect("all", Recorder.fast());
    f.publish("all", 1);
    f.publish("all", 2);
    f.publish("all", 3);
    scheduler.advance(Duration.ofMillis(16));
    assertThat(registry.get("alchemist.flow.fanout.connections").gauge().value()).isEqualTo(1);
    assertThat(registry.get("alchemist.flow.fanout.published").functionCounter().count())
        .isEqualTo(3);
    assertThat(
            registry
                .get("alchemist.flow.fanout.frames")
                .tag("outcome", "sent")
                .functionCounter()
                .count())
        .isEqualTo(2);
    assertThat(
            registry
                .get("alchemist.flow.fanout.frames")
                .tag("outcome", "skipped")
                .functionCounter()
                .count())
        .isEqualTo(1);
  }

  @Test
  void close_removesEveryMeterItRegistered() {
    FrameFanout<Integer> f = fanout();
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    FanoutMetrics.of(f).bindTo(registry);
    assertThat(registry.getMeters()).hasSize(5);
    f.close();
    assertThat(registry.getMeters()).isEmpty();
  }

  /**
   * Real threads: publishers on four threads, sends completed on another pool, a real timer. No
   * send overlaps another on one connection, and once publishing stops every connection ends with
   * the last frame published.
   */
  @Test
  void concurrentPublishers_neverOverlapSends_andEveryConnectionEndsOnTheLastFrame()
      throws Exception {
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    ExecutorService completer = Executors.newFixedThreadPool(2);
    ExecutorService publishers = Executors.newFixedThreadPool(4);
    try (FrameFanout<Integer> f =
        FrameFanout.create(
            FanoutSettings.builder().interval(Duration.ofMillis(2)).scheduler(timer).build())) {
      List<List<Integer>> received = new ArrayList<>();
      AtomicBoolean overlap = new AtomicBoolean();
      for (int c = 0; c < 50; c++) {
        List<Integer> frames = new CopyOnWriteArrayList<>();
        received.add(frames);
        AtomicBoolean busy = new AtomicBoolean();
        f.connect(
            "all",
            frame -> {
              if (!busy.compareAndSet(false, true)) {
                overlap.set(true);
              }
              frames.add(frame);
              return CompletableFuture.runAsync(() -> busy.set(false), completer);
            });
      }
      AtomicInteger next = new AtomicInteger();
      CountDownLatch done = new CountDownLatch(4);
      for (int t = 0; t < 4; t++) {
        publishers.execute(
            () -> {
              for (int i = 0; i < 5_000; i++) {
                synchronized (next) { // publish order = number order, so "last" is defined
                  f.publish("all", next.incrementAndGet());
                }
              }
              done.countDown();
            });
      }
      assertThat(done.await(60, TimeUnit.SECONDS)).isTrue();
      int last = next.get();
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () -> received.stream().allMatch(r -> !r.isEmpty() && r.get(r.size() - 1) == last));
      assertThat(overlap).isFalse();
      for (List<Integer> r : received) {
        assertThat(r).isSorted();
      }
    } finally {
      publishers.shutdownNow();
      completer.shutdownNow();
      timer.shutdownNow();
    }
  }
}
