package dev.alchemist.core.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
  void close_withPendingKeys_deliversAllAndRejectsLaterUpdates() {
    KeyedDebouncer<String, Integer> d = debouncer(Duration.ofSeconds(1));
    at(0, () -> d.update("a", 1));
    at(0, () -> d.update("b", 1));
    scheduler.runDue();
    at(1, () -> d.update("a", 2));
    at(1, () -> d.update("b", 2));

    at(2, d::close);
    d.update("c", 1);
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
}
