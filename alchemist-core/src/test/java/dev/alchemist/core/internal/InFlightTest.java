package dev.alchemist.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class InFlightTest {

  @Test
  void awaitZero_nothingCounted_returnsTrueEvenPastTheDeadline() {
    InFlight inFlight = new InFlight();

    assertThat(inFlight.awaitZero(System.nanoTime() - 1)).isTrue();
  }

  @Test
  void awaitZero_workStillCounted_returnsFalseAtTheDeadline() {
    InFlight inFlight = new InFlight();
    inFlight.increment();

    assertThat(inFlight.awaitZero(20, TimeUnit.MILLISECONDS)).isFalse();
    assertThat(inFlight.get()).isEqualTo(1);
  }

  @Test
  void awaitZero_lastDecrementOnAnotherThread_wakesTheWaiter() throws Exception {
    InFlight inFlight = new InFlight();
    inFlight.increment();
    inFlight.increment();
    CountDownLatch waiting = new CountDownLatch(1);
    ExecutorService waiter = DaemonThreads.fixedPool("in-flight-test", 1);
    try {
      CompletableFuture<Boolean> zero =
          CompletableFuture.supplyAsync(
              () -> {
                waiting.countDown();
                return inFlight.awaitZero(60, TimeUnit.SECONDS);
              },
              waiter);
      assertThat(waiting.await(30, TimeUnit.SECONDS)).isTrue();
      assertThat(inFlight.decrement()).isEqualTo(1);
      assertThat(inFlight.decrement()).isZero();

      assertThat(zero.get(60, TimeUnit.SECONDS)).isTrue();
    } finally {
      waiter.shutdownNow();
    }
  }

  @Test
  void awaitZero_interrupted_returnsFalseAndKeepsTheInterruptStatus() {
    InFlight inFlight = new InFlight();
    inFlight.increment();
    Thread.currentThread().interrupt();
    try {
      assertThat(inFlight.awaitZero(60, TimeUnit.SECONDS)).isFalse();
      assertThat(Thread.currentThread().isInterrupted()).isTrue();
    } finally {
      Thread.interrupted();
    }
  }

  @Test
  void counting_incrementsAndDecrements_reportTheCount() {
    InFlight inFlight = new InFlight();

    assertThat(inFlight.getAndIncrement()).isZero();
    assertThat(inFlight.increment()).isEqualTo(2);
    assertThat(inFlight.decrement()).isEqualTo(1);
    assertThat(inFlight).hasToString("InFlight[1]");
  }
}
