package dev.alchemist.core.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

class DebouncedUpdaterTest {
  private final FakeScheduler scheduler = new FakeScheduler();
  private final List<String> deliveries = new ArrayList<>();
  private final List<Throwable> sinkFailures = new ArrayList<>();

  private final DebounceListener listener =
      new DebounceListener() {
        @Override
        public void onSinkFailure(String name, @Nullable Object key, Throwable failure) {
          sinkFailures.add(failure);
        }
      };

  private DebounceSettings.Builder settings() {
    return DebounceSettings.builder()
        .name("test")
        .interval(Duration.ofMillis(16))
        .scheduler(scheduler)
        .ticker(scheduler.ticker())
        .listener(listener);
  }

  private DebouncedUpdater<Integer> updater() {
    return DebouncedUpdater.create(settings().build(), this::record);
  }

  private void record(Integer value) {
    deliveries.add(scheduler.millis() + ":" + value);
  }

  private void at(long millis, Runnable action) {
    scheduler.advanceToMillis(millis);
    action.run();
  }

  @Test
  void update_whenIdle_deliversOnLeadingEdge() {
    DebouncedUpdater<Integer> updater = updater();

    updater.update(1);
    scheduler.runDue();

    assertThat(deliveries).containsExactly("0:1");
  }

  @Test
  void update_burstWithinInterval_deliversFirstAndLatestOnce() {
    DebouncedUpdater<Integer> updater = updater();

    at(0, () -> updater.update(1));
    at(1, () -> updater.update(2));
    at(5, () -> updater.update(3));
    at(15, () -> updater.update(4));
    scheduler.advanceToMillis(100);

    assertThat(deliveries).containsExactly("0:1", "16:4");
    assertThat(updater.stats()).isEqualTo(new DebounceStats(4, 2, 2, 0, 0, 1, 0));
  }

  @Test
  void lateTimer_continuousStream_keepsOneDeliveryPerIntervalOnAverage() {
    // A busy machine's timer thread wakes 4 ms late. Counting the interval from when each delivery
    // ran made 16 + 4 = 20 ms per frame: 50 frames a second instead of 62.
    scheduler.lateBy(Duration.ofMillis(4));
    DebouncedUpdater<Integer> updater = updater();

    for (int ms = 0; ms < 1000; ms++) {
      int value = ms;
      at(ms, () -> updater.update(value));
    }

    List<Long> times = deliveries.stream().map(d -> Long.parseLong(d.split(":")[0])).toList();
    assertThat(times).hasSizeBetween(61, 63);
    for (int i = 1; i < times.size(); i++) {
      assertThat(times.get(i) - times.get(i - 1)).as("spacing").isGreaterThanOrEqualTo(8);
    }
  }

  @Test
  void update_continuousStream_deliversOncePerInterval() {
    DebouncedUpdater<Integer> updater = updater();

    for (int ms = 0; ms < 50; ms++) {
      int value = ms;
      at(ms, () -> updater.update(value));
    }
    scheduler.advanceToMillis(200);

    assertThat(deliveries).containsExactly("0:0", "16:15", "32:31", "48:47", "64:49");
  }

  @Test
  void update_afterQuietInterval_deliversOnLeadingEdgeAgain() {
    DebouncedUpdater<Integer> updater = updater();

    at(0, () -> updater.update(1));
    at(40, () -> updater.update(2));
    scheduler.runDue();

    assertThat(deliveries).containsExactly("0:1", "40:2");
  }

  @Test
  void update_justAfterDelivery_waitsForRestOfInterval() {
    DebouncedUpdater<Integer> updater = updater();

    at(0, () -> updater.update(1));
    at(20, () -> updater.update(2));
    at(21, () -> updater.update(3));
    scheduler.advanceToMillis(100);

    assertThat(deliveries).containsExactly("0:1", "20:2", "36:3");
  }

  @Test
  void update_whileIdle_leavesNoTimerRunning() {
    DebouncedUpdater<Integer> updater = updater();

    at(0, () -> updater.update(1));
    scheduler.advanceToMillis(100);

    assertThat(scheduler.queued()).isZero();
  }

  @Test
  void flush_withPendingValue_deliversNowAndKeepsInterval() {
    DebouncedUpdater<Integer> updater = updater();

    at(0, () -> updater.update(1));
    at(2, () -> updater.update(2));
    at(3, updater::flush);
    at(4, () -> updater.update(3));
    scheduler.advanceToMillis(100);

    assertThat(deliveries).containsExactly("0:1", "3:2", "19:3");
  }

  @Test
  void flush_nothingPending_deliversNothing() {
    DebouncedUpdater<Integer> updater = updater();

    at(0, () -> updater.update(1));
    scheduler.runDue();
    updater.flush();

    assertThat(deliveries).containsExactly("0:1");
  }

  @Test
  void close_withPendingValue_deliversItBeforeReturning() {
    DebouncedUpdater<Integer> updater = updater();
    at(0, () -> updater.update(1));
    at(1, () -> updater.update(2));

    at(2, updater::close);

    assertThat(deliveries).containsExactly("0:1", "2:2");
    assertThat(scheduler.queued()).isZero();
  }

  @Test
  void close_calledTwice_isIdempotent() {
    DebouncedUpdater<Integer> updater = updater();
    at(0, () -> updater.update(1));

    updater.close();
    updater.close();
    scheduler.advanceToMillis(100);

    assertThat(deliveries).containsExactly("0:1");
  }

  @Test
  void update_afterClose_throwsIllegalStateNamingTheUpdaterAndCounts() {
    DebouncedUpdater<Integer> updater = updater();
    updater.close();

    assertThatThrownBy(() -> updater.update(1))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("debounced updater 'test' is closed");
    updater.flush();
    scheduler.advanceToMillis(100);

    assertThat(deliveries).isEmpty();
    assertThat(updater.stats().rejected()).isEqualTo(1);
    assertThat(updater.stats().pending()).isZero();
  }

  @Test
  void update_sinkThrows_reportsCountsAndKeepsDelivering() {
    RuntimeException boom = new IllegalStateException("boom");
    DebouncedUpdater<Integer> updater =
        DebouncedUpdater.create(
            settings().build(),
            v -> {
              if (v == 2) {
                throw boom;
              }
              record(v);
            });

    at(0, () -> updater.update(1));
    at(1, () -> updater.update(2));
    at(20, () -> updater.update(3));
    at(40, () -> updater.update(4));
    scheduler.advanceToMillis(100);

    assertThat(deliveries).containsExactly("0:1", "32:3", "48:4");
    assertThat(sinkFailures).containsExactly(boom);
    assertThat(updater.stats()).isEqualTo(new DebounceStats(4, 3, 0, 1, 0, 1, 0));
  }

  @Test
  void update_listenerThrows_updaterKeepsDelivering() {
    DebounceSettings s =
        settings()
            .listener(
                new DebounceListener() {
                  @Override
                  public void onSinkFailure(String name, @Nullable Object key, Throwable failure) {
                    throw new IllegalStateException("listener broke too");
                  }
                })
            .build();
    DebouncedUpdater<Integer> updater =
        DebouncedUpdater.create(
            s,
            v -> {
              if (v == 1) {
                throw new IllegalArgumentException("sink broke");
              }
              record(v);
            });

    at(0, () -> updater.update(1));
    at(30, () -> updater.update(2));
    scheduler.runDue();

    assertThat(deliveries).containsExactly("30:2");
    assertThat(updater.stats().failed()).isEqualTo(1);
  }

  @Test
  void update_withExecutor_runsSinkThroughExecutor() {
    Queue<Runnable> handedOver = new ArrayDeque<>();
    Executor executor = handedOver::add;
    DebouncedUpdater<Integer> updater =
        DebouncedUpdater.create(settings().executor(executor).build(), this::record);

    at(0, () -> updater.update(1));
    scheduler.runDue();
    assertThat(deliveries).isEmpty();
    assertThat(handedOver).hasSize(1);

    handedOver.remove().run();
    assertThat(deliveries).containsExactly("0:1");
  }

  @Test
  void update_schedulerRejects_reportsAndCloseStillDelivers() {
    List<RejectedExecutionException> rejections = new ArrayList<>();
    DebounceSettings s =
        settings()
            .listener(
                new DebounceListener() {
                  @Override
                  public void onSchedulingFailure(
                      String name, @Nullable Object key, RejectedExecutionException failure) {
                    rejections.add(failure);
                  }
                })
            .build();
    DebouncedUpdater<Integer> updater = DebouncedUpdater.create(s, this::record);
    scheduler.shutdown();

    updater.update(1);
    updater.update(2);
    assertThat(rejections).hasSize(2);

    updater.close();
    assertThat(deliveries).containsExactly("0:2");
  }

  @Test
  void update_nullValue_throwsNullPointerException() {
    DebouncedUpdater<Integer> updater = updater();

    assertThatThrownBy(() -> updater.update(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("value");
  }

  @Test
  void stats_afterBurst_balances() {
    DebouncedUpdater<Integer> updater = updater();
    for (int i = 0; i < 1000; i++) {
      updater.update(i);
    }
    scheduler.advanceToMillis(100);

    DebounceStats stats = updater.stats();
    assertThat(stats.received()).isEqualTo(1000);
    assertThat(stats.delivered() + stats.coalesced()).isEqualTo(1000);
    assertThat(deliveries).containsExactly("0:999");
  }
}
