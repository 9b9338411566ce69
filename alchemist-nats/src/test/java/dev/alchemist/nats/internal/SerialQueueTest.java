package dev.alchemist.nats.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.Test;

class SerialQueueTest {
  private static final Executor DIRECT = Runnable::run;

  @Test
  void serialQueue_taskThrows_keepsRunningLaterTasks() {
    List<String> ran = new ArrayList<>();
    List<Throwable> failures = new ArrayList<>();
    SerialQueue queue = new SerialQueue(DIRECT, failures::add);

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
  void serialQueue_taskThrowsError_keepsRunningLaterTasks() {
    List<String> ran = new ArrayList<>();
    List<Throwable> failures = new ArrayList<>();
    SerialQueue queue = new SerialQueue(DIRECT, failures::add);

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
  void serialQueue_failureHandlerThrows_keepsRunningLaterTasks() {
    List<String> ran = new ArrayList<>();
    SerialQueue queue =
        new SerialQueue(
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
  void serialQueue_taskThrowsWhileOthersQueued_runsTheQueuedOnes() {
    List<Runnable> scheduled = new ArrayList<>();
    List<String> ran = new ArrayList<>();
    List<Throwable> failures = new ArrayList<>();
    SerialQueue queue = new SerialQueue(scheduled::add, failures::add);
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
}
