package dev.alchemist.examples.dialog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.alchemist.core.Dialog;
import io.micrometer.core.instrument.Counter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The dialog turn's admission bound and the ack-before-commit option, on embedded defaults with the
 * store's writers held back: their scheduler's only thread is blocked on a latch, so no batch
 * commits until the test releases it.
 */
class DialogAdmissionTest {
  private static final int BOUND = 5;

  private final ScheduledExecutorService storeScheduler =
      Executors.newSingleThreadScheduledExecutor();
  private final CountDownLatch release = new CountDownLatch(1);

  @AfterEach
  void stop() {
    release.countDown();
    storeScheduler.shutdownNow();
  }

  private static DialogOptions options(String... extra) {
    List<String> a =
        new ArrayList<>(
            List.of(
                "--users",
                "3",
                "--first-token",
                "5ms",
                "--tokens",
                "5",
                "--tokens-per-second",
                "2000",
                "--warm-up",
                "0",
                "--quiet",
                "--max-store-waiting",
                "" + BOUND));
    a.addAll(List.of(extra));
    return DialogOptions.parse(a.toArray(String[]::new));
  }

  private List<Dialog> openDialogs(DialogService service, int n) {
    List<Dialog> dialogs = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      dialogs.add(service.open("admission-user-" + i).join());
    }
    return dialogs;
  }

  /** Blocks the store scheduler's only thread until {@link #release}. */
  private void holdTheWriters() throws InterruptedException {
    CountDownLatch blocked = new CountDownLatch(1);
    storeScheduler.execute(
        () -> {
          blocked.countDown();
          try {
            release.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
    assertThat(blocked.await(30, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void turn_floodWhileTheStoreIsHeld_rejectsBeyondTheBoundAtOnceAndLosesNothingAccepted()
      throws Exception {
    int flood = 40;
    try (DialogService service = DialogService.start(options(), storeScheduler)) {
      List<Dialog> dialogs = openDialogs(service, 3);
      holdTheWriters();

      List<CompletableFuture<Void>> turns = new ArrayList<>();
      for (int i = 0; i < flood; i++) {
        turns.add(service.turn(dialogs.get(i % dialogs.size()), "flood " + i));
      }

      // Refused at once, not after queueing: already failed while the store is still held.
      List<CompletableFuture<Void>> rejected =
          turns.stream().filter(CompletableFuture::isCompletedExceptionally).toList();
      assertThat(rejected).hasSize(flood - BOUND);
      for (CompletableFuture<Void> r : rejected) {
        assertThatThrownBy(r::join)
            .isInstanceOf(CompletionException.class)
            .cause()
            .isInstanceOfSatisfying(
                TurnRejectedException.class,
                e -> {
                  assertThat(e.reason()).isEqualTo(TurnRejectedException.Reason.STORE_BUSY);
                  assertThat(e.httpStatus()).isEqualTo(429);
                  assertThat(e.limit()).isEqualTo(BOUND);
                });
      }
      Counter meter =
          service
              .metrics()
              .registry()
              .get(DialogService.REJECTED_COUNTER)
              .tag("reason", "store_busy")
              .counter();
      assertThat(meter.count()).isEqualTo(flood - BOUND);
      assertThat(service.stats().turnsRejected()).isEqualTo(flood - BOUND);

      release.countDown();
      List<CompletableFuture<Void>> accepted =
          turns.stream().filter(f -> !f.isCompletedExceptionally()).toList();
      CompletableFuture.allOf(accepted.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
      assertThat(service.drain(Duration.ofSeconds(60))).isTrue();

      DialogStats s = service.stats();
      assertThat(s.turnsDone()).isEqualTo(BOUND);
      assertThat(s.errors()).isZero();
      assertThat(s.peakStoreWaiting()).isEqualTo(BOUND);
      // Each accepted turn: the question and the answer, stored; none of the rejected ones.
      assertThat(s.messagesSent()).isEqualTo(2L * BOUND);
      assertThat(s.messagesPersisted()).isEqualTo(2L * BOUND);
      assertThat(service.messagesInStore(dialogs)).isEqualTo(2L * BOUND);
      // Three dialogs opened, three events per accepted turn: all relayed from the outbox.
      assertThat(s.eventsPublished()).isEqualTo(3 + 3L * BOUND);
      assertThat(s.eventsReceived()).isEqualTo(s.eventsPublished());
    }
  }

  @Test
  void turn_afterRejections_admitsAgainOnceTheStoreCommits() throws Exception {
    try (DialogService service = DialogService.start(options(), storeScheduler)) {
      List<Dialog> dialogs = openDialogs(service, 1);
      holdTheWriters();
      List<CompletableFuture<Void>> first = new ArrayList<>();
      for (int i = 0; i < BOUND + 1; i++) {
        first.add(service.turn(dialogs.get(0), "first " + i));
      }
      assertThat(first.get(BOUND)).isCompletedExceptionally();
      release.countDown();
      CompletableFuture.allOf(first.subList(0, BOUND).toArray(CompletableFuture[]::new))
          .get(60, TimeUnit.SECONDS);

      service.turn(dialogs.get(0), "later").get(60, TimeUnit.SECONDS);
      assertThat(service.drain(Duration.ofSeconds(60))).isTrue();
      assertThat(service.stats().turnsDone()).isEqualTo(BOUND + 1);
      assertThat(service.stats().turnsRejected()).isEqualTo(1);
    }
  }

  @Test
  void turn_ackBeforeCommit_postCompletesWhileTheCommitIsHeld() throws Exception {
    try (DialogService service =
        DialogService.start(options("--ack-before-commit"), storeScheduler)) {
      List<Dialog> dialogs = openDialogs(service, 2);
      holdTheWriters();
      List<CompletableFuture<Void>> turns = new ArrayList<>();
      for (Dialog d : dialogs) {
        turns.add(service.turn(d, "fast"));
      }
      // The post (persist, history, stream start) completes although nothing has committed.
      awaitTrue(
          () -> Latency.ofOperation(service.metrics().registry(), "dialog.post").count() == 2);
      assertThat(service.stats().messagesPersisted()).isZero();
      // The turn itself waits for the commit before it saves the answer.
      assertThat(turns).noneMatch(CompletableFuture::isDone);

      release.countDown();
      CompletableFuture.allOf(turns.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
      assertThat(service.drain(Duration.ofSeconds(60))).isTrue();
      assertThat(service.messagesInStore(dialogs)).isEqualTo(4);
    }
  }

  @Test
  void parse_maxStoreWaitingBelowOne_refused() {
    assertThatThrownBy(() -> DialogOptions.parse("--max-store-waiting", "0"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--max-store-waiting must be >= 1 but was 0");
    assertThatThrownBy(() -> DialogOptions.parse("--max-store-waiting", "many"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--max-store-waiting must be a whole number");
  }

  @Test
  void parse_defaults_waitForTheCommitWithTheMeasuredBound() {
    DialogOptions o = DialogOptions.defaults();
    assertThat(o.ackBeforeCommit()).isFalse();
    assertThat(o.maxStoreWaiting()).isEqualTo(DialogOptions.DEFAULT_MAX_STORE_WAITING);
    assertThat(DialogOptions.parse("--ack-before-commit").ackBeforeCommit()).isTrue();
  }

  private static void awaitTrue(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime() < deadline).as("condition met within 60 s").isTrue();
      Thread.sleep(5);
    }
  }
}
