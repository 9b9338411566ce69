package dev.alchemist.cache.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.alchemist.cache.CircuitState;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class CircuitBreakerTest {

  private final AtomicLong now = new AtomicLong();
  private final List<String> transitions = new ArrayList<>();
  private final CircuitBreaker breaker =
      new CircuitBreaker(
          3, TimeUnit.SECONDS.toNanos(1), now::get, (from, to) -> transitions.add(from + ">" + to));

  @Test
  void failures_belowThreshold_stayClosed() {
    fail(2);
    breaker.onSuccess();
    fail(2);
    assertThat(breaker.state()).isEqualTo(CircuitState.CLOSED);
    assertThat(breaker.tryAcquire()).isTrue();
  }

  @Test
  void failures_atThreshold_openAndRefuse() {
    fail(3);
    assertThat(breaker.state()).isEqualTo(CircuitState.OPEN);
    assertThat(breaker.tryAcquire()).isFalse();
    assertThat(transitions).containsExactly("CLOSED>OPEN");
  }

  @Test
  void open_afterPeriod_letsExactlyOneProbeThrough() {
    fail(3);
    now.addAndGet(TimeUnit.SECONDS.toNanos(1));
    assertThat(breaker.tryAcquire()).isTrue();
    assertThat(breaker.state()).isEqualTo(CircuitState.HALF_OPEN);
    assertThat(breaker.tryAcquire()).isFalse();
  }

  @Test
  void probe_success_closes() {
    fail(3);
    now.addAndGet(TimeUnit.SECONDS.toNanos(1));
    assertThat(breaker.tryAcquire()).isTrue();
    breaker.onSuccess();
    assertThat(breaker.state()).isEqualTo(CircuitState.CLOSED);
    assertThat(breaker.tryAcquire()).isTrue();
    assertThat(transitions).containsExactly("CLOSED>OPEN", "OPEN>HALF_OPEN", "HALF_OPEN>CLOSED");
  }

  @Test
  void probe_failure_reopensForAnotherPeriod() {
    fail(3);
    now.addAndGet(TimeUnit.SECONDS.toNanos(1));
    assertThat(breaker.tryAcquire()).isTrue();
    breaker.onFailure();
    assertThat(breaker.state()).isEqualTo(CircuitState.OPEN);
    now.addAndGet(TimeUnit.MILLISECONDS.toNanos(999));
    assertThat(breaker.tryAcquire()).isFalse();
    now.addAndGet(TimeUnit.MILLISECONDS.toNanos(1));
    assertThat(breaker.tryAcquire()).isTrue();
  }

  private void fail(int times) {
    for (int i = 0; i < times; i++) {
      assertThat(breaker.tryAcquire()).isTrue();
      breaker.onFailure();
    }
  }
}
