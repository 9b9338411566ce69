package dev.alchemist.nats.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.alchemist.nats.PublishReceipt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** When a publish future may be completed on the acking thread, and when it must not be. */
class ReceiptFutureTest {
  private static final PublishReceipt RECEIPT = new PublishReceipt("S", 1, false, 1);

  @Test
  void unobservedFutureCompletesInline() {
    ReceiptFuture f = new ReceiptFuture();
    assertThat(f.tryCompleteUnobserved(RECEIPT)).isTrue();
    assertThat(f).isCompletedWithValue(RECEIPT);
  }

  @Test
  void aDependentAttachedAfterInlineCompletionRunsOnTheAttachingThread() {
    ReceiptFuture f = new ReceiptFuture();
    assertThat(f.tryCompleteUnobserved(RECEIPT)).isTrue();
    AtomicReference<Thread> ranOn = new AtomicReference<>();
    f.thenRun(() -> ranOn.set(Thread.currentThread()));
    assertThat(ranOn.get()).isSameAs(Thread.currentThread());
  }

  @Test
  void anyAttachedDependentForcesTheHandOff() {
    ReceiptFuture applied = new ReceiptFuture();
    applied.thenApply(r -> r);
    assertThat(applied.tryCompleteUnobserved(RECEIPT)).isFalse();
    assertThat(applied).isNotDone();

    ReceiptFuture combined = new ReceiptFuture();
    CompletableFuture.completedFuture(1).thenCombine(combined, (a, b) -> b);
    assertThat(combined.tryCompleteUnobserved(RECEIPT)).isFalse();

    ReceiptFuture all = new ReceiptFuture();
    CompletableFuture.allOf(all, new CompletableFuture<>());
    assertThat(all.tryCompleteUnobserved(RECEIPT)).isFalse();
  }

  @Test
  void aRacingDependentNeverRunsOnTheCompletingThread() throws Exception {
    for (int i = 0; i < 20_000; i++) {
      ReceiptFuture f = new ReceiptFuture();
      AtomicReference<Thread> ranOn = new AtomicReference<>();
      CountDownLatch go = new CountDownLatch(1);
      Thread completer =
          new Thread(
              () -> {
                awaitQuietly(go);
                if (!f.tryCompleteUnobserved(RECEIPT)) {
                  // the hand-off: completed by "the executor", here a thread of its own
                  Thread executor = new Thread(() -> f.complete(RECEIPT));
                  executor.start();
                  joinQuietly(executor);
                }
              });
      completer.start();
      go.countDown();
      f.thenRun(() -> ranOn.set(Thread.currentThread()));
      completer.join();
      f.join();
      assertThat(ranOn.get()).isNotNull().isNotSameAs(completer);
    }
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void joinQuietly(Thread t) {
    try {
      t.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
