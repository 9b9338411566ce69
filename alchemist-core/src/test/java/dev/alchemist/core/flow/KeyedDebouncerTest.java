package dev.alchemist.core.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class KeyedDebouncerTest {
  private final FakeScheduler scheduler = new FakeScheduler();
  private final List<String> deliveries = new ArrayList<>();
  private final List<Object> expired = new ArrayList<>();

  private KeyedDebouncer<String, Integer> debouncer(Duration idleTimeout) {
    DebounceSettings settings =
        DebounceSettings.builder()
            .name("keyed")
            .interval(Duration.ofMillis(16))
            .idleTimeout(idleTimeout)
            .scheduler(scheduler)
            .ticker(scheduler.ticker())
            .listener(
                new DebounceListener() {
                  @Override
                  public void onKeyExpired(String name, Object key) {
                    expired.add(key);
                  }
                })
            .build();
    return KeyedDebouncer.create(
        settings, (k, v) -> deliveries.add(scheduler.millis() + ":" + k + "=" + v));
  }

  private void at(long millis, Runnable action) {
    scheduler.advanceToMillis(millis);
    action.run();
  }

  @Test
  void update_twoKeys_throttlesEachIndependently() {
    KeyedDebouncer<String, Integer> d = debouncer(Duration.ofSeconds(1));

    at(0, () -> d.update("a", 1));
    at(1, () -> d.update("a", 2));
    at(2, () -> d.update("b", 1));
    at(3, () -> d.update("a", 3));
    at(4, () -> d.update("b", 2));
    scheduler.advanceToMillis(100);

    assertThat(deliveries).containsExactly("0:a=1", "2:b=1", "16:a=3", "18:b=2");
    assertThat(d.stats()).isEqualTo(new DebounceStats(5, 4, 1, 0, 0, 2, 0));
  }

  @Test
  void update_idleKey_isForgottenAfterIdleTimeout() {
    KeyedDebouncer<String, Integer> d = debouncer(Duration.ofMillis(100));

    at(0, () -> d.update("a", 1));
    at(10, () -> d.update("b", 1));
    // a delivers at 0 and goes idle at 16; b at 10 and 26. Each expires 100 ms after.
    scheduler.advanceToMillis(115);
    assertThat(d.size()).isEqualTo(2);

    scheduler.advanceToMillis(116);
    assertThat(d.size()).isEqualTo(1);
    assertThat(expired).containsExactly("a");

    scheduler.advanceToMillis(126);
    assertThat(d.size()).isZero();
    assertThat(d.stats().expiredKeys()).isEqualTo(2);
    assertThat(scheduler.queued()).isZero();
  }

  @Test
  void update_activityBeforeTimeout_keepsKeyAndRestartsTimeout() {
    KeyedDebouncer<String, Integer> d = debouncer(Duration.ofMillis(100));

    at(0, () -> d.update("a", 1));
    at(90, () -> d.update("a", 2));
    scheduler.advanceToMillis(200);
    assertThat(d.size()).isEqualTo(1);

    scheduler.advanceToMillis(206);
    assertThat(d.size()).isZero();
    assertThat(deliveries).containsExactly("0:a=1", "90:a=2");
    assertThat(scheduler.queued()).isZero();
  }

  @Test
  void update_afterExpiry_startsKeyAfreshOnLeadingEdge() {
    KeyedDebouncer<String, Integer> d = debouncer(Duration.ofMillis(20));

    at(0, () -> d.update("a", 1));
    scheduler.advanceToMillis(50);
    assertThat(d.size()).isZero();
    at(60, () -> d.update("a", 2));
    scheduler.runDue();

    assertThat(deliveries).containsExactly("0:a=1", "60:a=2");
    assertThat(d.size()).isEqualTo(1);
  }

  @Test
  void flush_oneKey_deliversOnlyThatKey() {
    KeyedDebouncer<String, Integer> d = debouncer(Duration.ofSeconds(1));
    at(0, () -> d.update("a", 1));
    at(0, () -> d.update("b", 1));
    scheduler.runDue();
    at(1, () -> d.update("a", 2));
    at(1, () -> d.update("b", 2));

    at(2, () -> d.flush("a"));

    assertThat(deliveries).containsExactly("0:a=1", "0:b=1", "2:a=2");
  }

  @Test
  void close_withPendingKeys_deliversAllAndLaterUpdatesThrowIllegalState() {
    KeyedDebouncer<String, Integer> d = debouncer(Duration.ofSeconds(1));
    at(0, () -> d.update("a", 1));
    at(0, () -> d.update("b", 1));
    scheduler.runDue();
    at(1, () -> d.update("a", 2));
    at(1, () -> d.update("b", 2));

    at(2, d::close);
    assertThatThrownBy(() -> d.update("c", 1))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("keyed debouncer 'keyed' is closed");
    d.close();
    scheduler.advanceToMillis(5_000);

    assertThat(deliveries).containsExactlyInAnyOrder("0:a=1", "0:b=1", "2:a=2", "2:b=2");
    assertThat(d.stats().rejected()).isEqualTo(1);
    assertThat(scheduler.queued()).isZero();
  }

  @Test
  void update_manyKeys_usesOneTimerTaskPerBusyKeyOnly() {
    KeyedDebouncer<String, Integer> d = debouncer(Duration.ofSeconds(1));

    for (int k = 0; k < 1000; k++) {
      d.update("k" + k, k);
    }
    assertThat(scheduler.queued()).isEqualTo(1000);
    for (int k = 0; k < 1000; k++) {
      d.update("k" + k, -k);
    }

    assertThat(scheduler.queued()).isEqualTo(1000);
  }

  @Test
  void update_nullKey_throwsNullPointerException() {
    KeyedDebouncer<String, Integer> d = debouncer(Duration.ofSeconds(1));

    assertThatThrownBy(() -> d.update(null, 1)).isInstanceOf(NullPointerException.class);
  }

  /**
   * The expiry timer fires while flush() holds the key's lock (here: its sink is still running on
   * another thread). The expiry used to give up without rescheduling, so the key was never
   * forgotten.
   */
  @Test
  void expire_whileFlushHoldsTheKey_stillExpiresTheKeyLater() throws Exception {
    CountDownLatch inSink = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    DebounceSettings settings =
        DebounceSettings.builder()
            .name("keyed")
            .interval(Duration.ofMillis(16))
            .idleTimeout(Duration.ofMillis(100))
            .scheduler(scheduler)
            .ticker(scheduler.ticker())
            .build();
    KeyedDebouncer<String, Integer> d =
        KeyedDebouncer.create(
            settings,
            (k, v) -> {
              if (v == 2) {
                inSink.countDown();
                awaitQuietly(release);
              }
            });
    at(0, () -> d.update("a", 1)); // delivered at 0, idle at 16, expiry due at 116
    scheduler.advanceToMillis(50);
    scheduler.rejectNext(1); // the timer refuses the delivery, so value 2 waits for flush()
    at(50, () -> d.update("a", 2));

    Thread flusher = new Thread(() -> d.flush("a"), "flusher");
    flusher.start();
    assertThat(inSink.await(10, TimeUnit.SECONDS)).isTrue();
    scheduler.advanceToMillis(150); // the expiry runs while flush() is inside the sink
    release.countDown();
    flusher.join(10_000);
    assertThat(flusher.isAlive()).isFalse();

    scheduler.advanceToMillis(1_000);
    assertThat(d.size()).as("keys tracked long after the idle timeout").isZero();
    assertThat(d.stats().expiredKeys()).isEqualTo(1);
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Test
  void update_newKeyBeyondMaxKeys_isRefusedCountedAndReported() {
    List<Object> refused = new ArrayList<>();
    DebounceSettings settings =
        DebounceSettings.builder()
            .name("bounded")
            .maxKeys(2)
            .idleTimeout(Duration.ofMillis(100))
            .scheduler(scheduler)
            .ticker(scheduler.ticker())
            .listener(
                new DebounceListener() {
                  @Override
                  public void onKeyRefused(String name, Object key, int maxKeys) {
                    refused.add(name + ":" + key + ":" + maxKeys);
                  }
                })
            .build();
    KeyedDebouncer<String, Integer> d =
        KeyedDebouncer.create(settings, (k, v) -> deliveries.add(k + "=" + v));

    d.update("a", 1);
    d.update("b", 1);
    scheduler.runDue();
    d.update("c", 1); // a third key: refused, the two tracked keys are untouched
    d.update("a", 2); // a tracked key still takes updates
    scheduler.advanceToMillis(50);

    assertThat(d.size()).isEqualTo(2);
    assertThat(deliveries).containsExactly("a=1", "b=1", "a=2");
    assertThat(refused).containsExactly("bounded:c:2");
    assertThat(d.stats().rejected()).isEqualTo(1);

    scheduler.advanceToMillis(500); // both keys expire, which frees room for new ones
    d.update("c", 2);
    scheduler.runDue();
    assertThat(deliveries).endsWith("c=2");
    assertThat(d.size()).isEqualTo(1);
  }
}
