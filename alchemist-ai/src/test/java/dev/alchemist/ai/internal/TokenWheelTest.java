package dev.alchemist.ai.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import org.junit.jupiter.api.Test;

class TokenWheelTest {

  @Test
  void schedule_manyTasksSomeBeyondOneTurn_eachRunsOnceAndNeverBeforeItsDeadline()
      throws InterruptedException {
    TokenWheel wheel = new TokenWheel("test-wheel-deadlines");
    int n = 3000;
    long[] deadlines = new long[n];
    AtomicLongArray ranAt = new AtomicLongArray(n);
    AtomicInteger runs = new AtomicInteger();
    CountDownLatch done = new CountDownLatch(n);
    SplittableRandom random = new SplittableRandom(7);
    for (int i = 0; i < n; i++) {
      int task = i;
      // Up to 1.3 s: past the wheel's 512 slots, so some tasks wait out two turns.
      long delay = TimeUnit.MICROSECONDS.toNanos(random.nextInt(1_300_000));
      deadlines[i] = System.nanoTime() + delay;
      wheel.schedule(
          () -> {
            ranAt.set(task, System.nanoTime());
            runs.incrementAndGet();
            done.countDown();
          },
          delay);
    }
    assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
    Thread.sleep(20); // a task run twice would show here
    assertThat(runs.get()).isEqualTo(n);
    for (int i = 0; i < n; i++) {
      assertThat(ranAt.get(i))
          .as("task %d ran after its deadline", i)
          .isGreaterThanOrEqualTo(deadlines[i]);
    }
  }

  @Test
  void cancel_beforeTheDeadline_theTaskNeverRuns() throws InterruptedException {
    TokenWheel wheel = new TokenWheel("test-wheel-cancel");
    AtomicBoolean cancelledRan = new AtomicBoolean();
    CountDownLatch later = new CountDownLatch(1);
    TokenWheel.Timeout t = wheel.schedule(() -> cancelledRan.set(true), 30_000_000);
    wheel.schedule(later::countDown, 80_000_000);
    t.cancel();
    assertThat(later.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(cancelledRan).isFalse();
  }

  @Test
  void aTaskThatThrows_theWheelRunsTheNextOnes() throws InterruptedException {
    TokenWheel wheel = new TokenWheel("test-wheel-throws");
    CountDownLatch after = new CountDownLatch(2);
    wheel.schedule(
        () -> {
          throw new IllegalStateException("a task's own failure");
        },
        0);
    wheel.schedule(
        () -> {
          throw new StackOverflowError("a task's own error");
        },
        1_000_000);
    wheel.schedule(after::countDown, 2_000_000);
    wheel.schedule(after::countDown, 0);
    assertThat(after.await(10, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void schedule_whileTheWheelIsParkedIdle_wakesIt() throws InterruptedException {
    TokenWheel wheel = new TokenWheel("test-wheel-idle");
    for (int round = 0; round < 50; round++) {
      await().atMost(Duration.ofSeconds(10)).until(wheel::isIdle);
      CountDownLatch ran = new CountDownLatch(1);
      wheel.schedule(ran::countDown, round % 2 == 0 ? 0 : 2_000_000);
      assertThat(ran.await(10, TimeUnit.SECONDS)).as("round %d", round).isTrue();
    }
  }

  @Test
  void aTaskThatSchedulesTheNext_chainRunsToTheEnd() throws InterruptedException {
    // The simulated model's pattern: each token's task schedules the next one.
    TokenWheel wheel = new TokenWheel("test-wheel-chain");
    CountDownLatch done = new CountDownLatch(1);
    AtomicInteger step = new AtomicInteger();
    Runnable[] next = new Runnable[1];
    next[0] =
        () -> {
          if (step.incrementAndGet() == 200) {
            done.countDown();
          } else {
            wheel.schedule(next[0], step.get() % 3 == 0 ? 0 : 500_000);
          }
        };
    wheel.schedule(next[0], 0);
    assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
    assertThat(step.get()).isEqualTo(200);
  }
}
