package dev.alchemist.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SharedSchedulerTest {
  private final List<Throwable> failures = new CopyOnWriteArrayList<>();
  private final ScheduledThreadPoolExecutor timer =
      SharedScheduler.create("timer-test", failures::add);

  @AfterEach
  void shutDown() {
    timer.shutdownNow();
  }

  @Test
  void task_throws_isReportedAndLaterTasksRun() throws Exception {
    CountDownLatch later = new CountDownLatch(1);

    timer.execute(
        () -> {
          throw new IllegalStateException("boom");
        });
    timer.schedule(later::countDown, 1, TimeUnit.MILLISECONDS);

    assertThat(later.await(30, TimeUnit.SECONDS)).isTrue();
    assertThat(failures).singleElement().isInstanceOf(IllegalStateException.class);
  }

  @Test
  void scheduledTask_throwsStackOverflowError_isReportedAndTheTimerGoesOn() throws Exception {
    CountDownLatch later = new CountDownLatch(1);

    timer.schedule(
        () -> {
          throw new StackOverflowError();
        },
        1,
        TimeUnit.MILLISECONDS);
    timer.schedule(later::countDown, 2, TimeUnit.MILLISECONDS);

    assertThat(later.await(30, TimeUnit.SECONDS)).isTrue();
    assertThat(failures).singleElement().isInstanceOf(StackOverflowError.class);
    assertThat(timer.isShutdown()).isFalse();
  }

  @Test
  void periodicTask_throws_isReportedOnce() throws Exception {
    CountDownLatch later = new CountDownLatch(1);

    timer.scheduleAtFixedRate(
        () -> {
          throw new IllegalArgumentException("periodic");
        },
        0,
        1,
        TimeUnit.MILLISECONDS);
    timer.schedule(later::countDown, 20, TimeUnit.MILLISECONDS);

    assertThat(later.await(30, TimeUnit.SECONDS)).isTrue();
    assertThat(failures).singleElement().isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void reporterThrows_timerGoesOn() throws Exception {
    ScheduledThreadPoolExecutor fragile =
        SharedScheduler.create(
            "timer-test",
            t -> {
              throw new IllegalStateException("reporter broke");
            });
    try {
      CountDownLatch later = new CountDownLatch(1);
      fragile.execute(
          () -> {
            throw new IllegalStateException("boom");
          });
      fragile.execute(later::countDown);

      assertThat(later.await(30, TimeUnit.SECONDS)).isTrue();
    } finally {
      fragile.shutdownNow();
    }
  }

  @Test
  void cancelledTask_isRemovedFromTheQueue() {
    ScheduledFuture<?> watchdog = timer.schedule(() -> {}, 1, TimeUnit.HOURS);
    assertThat(timer.getQueue()).hasSize(1);

    watchdog.cancel(false);

    assertThat(timer.getQueue()).isEmpty();
    assertThat(failures).isEmpty();
  }

  @Test
  void thread_isADaemonNamedAfterThePrefix() throws Exception {
    AtomicReference<Thread> thread = new AtomicReference<>();

    timer.submit(() -> thread.set(Thread.currentThread())).get(30, TimeUnit.SECONDS);

    assertThat(thread.get().isDaemon()).isTrue();
    assertThat(thread.get().getName()).isEqualTo("timer-test-1");
  }

  @Test
  void get_always_returnsTheOneJvmWideTimer() throws Exception {
    AtomicReference<Thread> thread = new AtomicReference<>();

    SharedScheduler.get()
        .submit(() -> thread.set(Thread.currentThread()))
        .get(30, TimeUnit.SECONDS);

    assertThat(SharedScheduler.get()).isSameAs(SharedScheduler.get());
    assertThat(thread.get().getName()).isEqualTo("alchemist-timer-1");
    assertThat(thread.get().isDaemon()).isTrue();
  }
}
