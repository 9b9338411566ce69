package dev.alchemist.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class DaemonThreadsTest {

  @Test
  void named_newThreads_areNumberedDaemons() {
    ThreadFactory threads = DaemonThreads.named("alchemist-test");

    Thread first = threads.newThread(() -> {});
    Thread second = threads.newThread(() -> {});

    assertThat(first.isDaemon()).isTrue();
    assertThat(first.getName()).isEqualTo("alchemist-test-1");
    assertThat(second.getName()).isEqualTo("alchemist-test-2");
  }

  @Test
  void named_blankPrefix_isRefusedNamingTheField() {
    assertThatThrownBy(() -> DaemonThreads.named(" "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("prefix");
  }

  @Test
  void fixedPool_zeroThreads_isRefusedNamingTheFieldAndValue() {
    assertThatThrownBy(() -> DaemonThreads.fixedPool("alchemist-test", 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("threads")
        .hasMessageContaining("0");
  }

  @Test
  void scheduler_cancelledTask_isRemovedAtOnce() {
    ScheduledExecutorService scheduler = DaemonThreads.scheduler("alchemist-test");
    try {
      ScheduledFuture<?> task = scheduler.schedule(() -> {}, 1, TimeUnit.HOURS);
      task.cancel(false);

      assertThat(((ScheduledThreadPoolExecutor) scheduler).getQueue()).isEmpty();
    } finally {
      scheduler.shutdownNow();
    }
  }

  @Test
  void defaultPoolSize_always_atLeastTwo() {
    assertThat(DaemonThreads.defaultPoolSize()).isGreaterThanOrEqualTo(2);
  }
}
