package dev.alchemist.nats.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.alchemist.nats.PublishReceipt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

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

  /**
   * Every way host code can attach to the future, as the stage a callback is then attached to. The
   * static combinators take the future through {@code toCompletableFuture()}, as the javadoc says
   * they must: they read the future's fields without calling any method we could intercept.
   */
  static Stream<Arguments> attachments() {
    CompletableFuture<String> done = CompletableFuture.completedFuture("x");
    return Stream.of(
        path("thenRun", f -> f),
        path("minimalCompletionStage", CompletableFuture::minimalCompletionStage),
        path("copy", CompletableFuture::copy),
        path("whenComplete", f -> f.whenComplete((r, e) -> {})),
        path("exceptionally", f -> f.exceptionally(e -> null)),
        path("thenCombine as the other side", f -> done.thenCombine(f, (a, b) -> b)),
        path(
            "allOf via toCompletableFuture", f -> CompletableFuture.allOf(f.toCompletableFuture())),
        path(
            "allOf of two via toCompletableFuture",
            f -> CompletableFuture.allOf(f.toCompletableFuture(), done)),
        path(
            "anyOf of two via toCompletableFuture",
            f -> CompletableFuture.anyOf(f.toCompletableFuture(), new CompletableFuture<>())),
        path("anyOf of one", f -> CompletableFuture.anyOf(f)));
  }

  private static Arguments path(
      String name, Function<CompletableFuture<PublishReceipt>, CompletionStage<?>> attach) {
    return Arguments.of(name, attach);
  }

  /**
   * The worst interleaving, made deterministic: the completer has checked for observers and is
   * about to complete when host code attaches. The hook holds the completer in that window until
   * the host has attached (or 200 ms have passed, when attaching waits for the completer, which is
   * the handshake working). The callback must run on the host's thread, never on the completer's.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("attachments")
  void attach_inTheCompletersWindow_neverRunsOnTheCompletingThread(
      String name, Function<CompletableFuture<PublishReceipt>, CompletionStage<?>> attach)
      throws Exception {
    CountDownLatch inWindow = new CountDownLatch(1);
    CountDownLatch attached = new CountDownLatch(1);
    ReceiptFuture f =
        new ReceiptFuture() {
          @Override
          void afterObserverCheck() {
            inWindow.countDown();
            try {
              attached.await(200, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
        };
    Thread completer =
        new Thread(
            () -> {
              if (!f.tryCompleteUnobserved(RECEIPT)) {
                Thread executor = new Thread(() -> f.complete(RECEIPT), "executor");
                executor.start();
                joinQuietly(executor);
              }
            },
            "completer");
    completer.start();
    inWindow.await();
    AtomicReference<Thread> ranOn = new AtomicReference<>();
    CompletionStage<?> stage = attach.apply(f);
    stage.thenRun(() -> ranOn.set(Thread.currentThread()));
    attached.countDown();
    completer.join();
    stage.toCompletableFuture().join();
    assertThat(ranOn.get()).as(name).isNotNull().isNotSameAs(completer);
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
