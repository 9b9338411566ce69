package dev.alchemist.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SerialExecutorTest {
  private static final Executor DIRECT = Runnable::run;

  @Test
  void offer_taskThrows_keepsRunningLaterTasks() {
    List<String> ran = new ArrayList<>();
    List<Throwable> failures = new ArrayList<>();
    SerialExecutor queue = new SerialExecutor(DIRECT, failures::add);

    queue.offer(
        () -> {
          throw new IllegalStateException("boom");
        },
        10);
    queue.offer(() -> ran.add("second"), 10);

    assertThat(ran).containsExactly("second");
    assertThat(queue.pending()).isZero();
    assertThat(failures).singleElement().isInstanceOf(IllegalStateException.class);
  }

  @Test
  void offer_taskThrowsStackOverflowError_keepsRunningLaterTasks() {
    List<String> ran = new ArrayList<>();
    List<Throwable> failures = new ArrayList<>();
    SerialExecutor queue = new SerialExecutor(DIRECT, failures::add);

    queue.offer(
        () -> {
          throw new StackOverflowError();
        },
        10);
    queue.offer(() -> ran.add("second"), 10);

    assertThat(ran).containsExactly("second");
    assertThat(queue.awaitIdle(System.nanoTime())).isTrue();
    assertThat(failures).singleElement().isInstanceOf(StackOverflowError.class);
  }

  @Test
  void execute_realRecursionOverflowOnPoolThread_laterTasksStillRun() throws Exception {
    ExecutorService pool = DaemonThreads.fixedPool("serial-test", 2);
    try {
      List<Throwable> failures = new CopyOnWriteArrayList<>();
      SerialExecutor queue = new SerialExecutor(pool, failures::add);
      CountDownLatch second = new CountDownLatch(1);

      queue.execute(() -> recurse(0));
      queue.execute(second::countDown);

      assertThat(second.await(30, TimeUnit.SECONDS)).isTrue();
      assertThat(queue.awaitIdle(System.nanoTime() + TimeUnit.SECONDS.toNanos(30))).isTrue();
      assertThat(failures).singleElement().isInstanceOf(StackOverflowError.class);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void offer_failureHandlerThrows_keepsRunningLaterTasks() {
    List<String> ran = new ArrayList<>();
    SerialExecutor queue =
        new SerialExecutor(
            DIRECT,
            t -> {
              throw new IllegalStateException("listener broke too");
            });
    queue.offer(
        () -> {
          throw new IllegalStateException("boom");
        },
        10);
    queue.offer(() -> ran.add("second"), 10);

    assertThat(ran).containsExactly("second");
    assertThat(queue.pending()).isZero();
  }

  @Test
  void offer_taskThrowsWhileOthersQueued_oneDrainRunsTheQueuedOnes() {
    List<Runnable> scheduled = new ArrayList<>();
    List<String> ran = new ArrayList<>();
    List<Throwable> failures = new ArrayList<>();
    SerialExecutor queue = new SerialExecutor(scheduled::add, failures::add);
    queue.offer(
        () -> {
          throw new IllegalStateException("boom");
        },
        10);
    queue.offer(() -> ran.add("second"), 10);
    queue.offer(() -> ran.add("third"), 10);

    // One drain was scheduled; it survives the throw and runs the rest.
    assertThat(scheduled).hasSize(1);
    scheduled.remove(0).run();

    assertThat(ran).containsExactly("second", "third");
    assertThat(queue.pending()).isZero();
    assertThat(failures).hasSize(1);
  }

  @Test
  void offer_limitReached_refusesAndQueuesNothing() {
    List<Runnable> scheduled = new ArrayList<>();
    SerialExecutor queue = new SerialExecutor(scheduled::add);

    assertThat(queue.offer(() -> {}, 2)).isTrue();
    assertThat(queue.offer(() -> {}, 2)).isTrue();
    assertThat(queue.offer(() -> {}, 2)).isFalse();

    assertThat(queue.pending()).isEqualTo(2);
  }

  @Test
  void offer_executorRejects_runsOnTheSubmittingThread() {
    List<String> ran = new ArrayList<>();
    SerialExecutor queue =
        new SerialExecutor(
            task -> {
              throw new RejectedExecutionException("shut down");
            });

    queue.offer(() -> ran.add(Thread.currentThread().getName()), 10);

    assertThat(ran).containsExactly(Thread.currentThread().getName());
    assertThat(queue.pending()).isZero();
  }

  @Test
  void awaitIdle_taskNeverRuns_returnsFalseAtTheDeadline() {
    List<Runnable> scheduled = new ArrayList<>();
    SerialExecutor queue = new SerialExecutor(scheduled::add);
    queue.offer(() -> {}, 10);

    assertThat(queue.awaitIdle(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20))).isFalse();
    assertThat(queue.pending()).isEqualTo(1);

    scheduled.remove(0).run();
    assertThat(queue.awaitIdle(System.nanoTime())).isTrue();
  }

  @Test
  void awaitIdle_lastTaskEndsOnAnotherThread_wakesTheWaiter() throws Exception {
    ExecutorService pool = DaemonThreads.fixedPool("serial-test", 2);
    try {
      SerialExecutor queue = new SerialExecutor(pool);
      CountDownLatch started = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      queue.execute(
          () -> {
            started.countDown();
            awaitQuietly(release);
          });
      assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();

      Future<Boolean> idle =
          pool.submit(() -> queue.awaitIdle(System.nanoTime() + TimeUnit.SECONDS.toNanos(60)));
      release.countDown();

      assertThat(idle.get(60, TimeUnit.SECONDS)).isTrue();
      assertThat(queue.pending()).isZero();
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void constructor_nullExecutor_isRefusedNamingTheField() {
    assertThatThrownBy(() -> new SerialExecutor(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("executor");
  }

  private static int recurse(int depth) {
    return recurse(depth + 1) + 1;
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Test
  void linger_taskQueuedWhileTheDrainSleeps_runsOnThatDrainWithoutWakingAnotherThread()
      throws Exception {
    ExecutorService pool = DaemonThreads.fixedPool("serial-linger", 2);
    try {
      AtomicInteger drainsScheduled = new AtomicInteger();
      Executor counting =
          task -> {
            drainsScheduled.incrementAndGet();
            pool.execute(task);
          };
      // Long enough that the second offer surely lands while the drain sleeps.
      SerialExecutor queue = new SerialExecutor(counting, t -> {}, TimeUnit.SECONDS.toNanos(2));
      List<String> threads = new CopyOnWriteArrayList<>();
      CountDownLatch firstRan = new CountDownLatch(1);
      CountDownLatch secondRan = new CountDownLatch(1);

      queue.offer(
          () -> {
            threads.add(Thread.currentThread().getName());
            firstRan.countDown();
          },
          10);
      assertThat(firstRan.await(10, TimeUnit.SECONDS)).isTrue();
      queue.offer(
          () -> {
            threads.add(Thread.currentThread().getName());
            secondRan.countDown();
          },
          10);

      assertThat(secondRan.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(drainsScheduled).hasValue(1);
      assertThat(threads).hasSize(2).containsOnly(threads.get(0));
      assertThat(queue.awaitIdle(System.nanoTime() + TimeUnit.SECONDS.toNanos(10))).isTrue();
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void linger_drainGivesTheThreadBack_awaitIdleSeesTheQueueIdle() throws Exception {
    ExecutorService pool = DaemonThreads.fixedPool("serial-linger", 1);
    try {
      SerialExecutor queue = new SerialExecutor(pool, t -> {}, TimeUnit.MILLISECONDS.toNanos(20));
      CountDownLatch ran = new CountDownLatch(1);
      queue.offer(ran::countDown, 10);

      assertThat(queue.awaitIdle(System.nanoTime() + TimeUnit.SECONDS.toNanos(10))).isTrue();
      assertThat(ran.getCount()).isZero();
      // The pool's only thread is free again: another task on it runs.
      assertThat(pool.submit(() -> "free").get(10, TimeUnit.SECONDS)).isEqualTo("free");
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void linger_executorRejects_runsOnTheSubmitterAndNeverSleepsThere() {
    Executor rejecting =
        task -> {
          throw new RejectedExecutionException("shut down");
        };
    // An hour: a drain that lingered on the submitter's thread would hang this test.
    SerialExecutor queue = new SerialExecutor(rejecting, t -> {}, TimeUnit.HOURS.toNanos(1));
    List<String> ran = new ArrayList<>();

    assertTimeoutPreemptively(
        Duration.ofSeconds(30),
        () -> {
          queue.offer(() -> ran.add("first"), 10);
          queue.offer(() -> ran.add("second"), 10);
        });

    assertThat(ran).containsExactly("first", "second");
    assertThat(queue.pending()).isZero();
  }
}
