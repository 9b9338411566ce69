package dev.alchemist.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.alchemist.store.internal.DefaultBatchingWriter;
import dev.alchemist.store.internal.LanedBatchingWriter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Several batches in flight at once, with real threads and a sink that can hold a batch. */
class LanedBatchingWriterTest {
  private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(5);
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  /** Rows are {key, sequence} pairs; the key picks the lane. */
  private record Row(int key, int seq) {}

  @AfterEach
  void stop() {
    scheduler.shutdownNow();
  }

  private LanedBatchingWriter<Row> writer(BatchSettings settings, Consumer<List<Row>> sink) {
    return new LanedBatchingWriter<>(
        settings,
        each ->
            new DefaultBatchingWriter<>(
                "laned",
                each,
                sink,
                e -> new DatabaseException("wrapped", null, e),
                scheduler,
                registry,
                Tags.empty(),
                new StoreListener() {}),
        Row::key);
  }

  @Test
  void concurrency4_writesFourBatchesAtOnce_whileAFifthRowWaitsForALane() throws Exception {
    AtomicInteger writing = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch fourInFlight = new CountDownLatch(4);
    LanedBatchingWriter<Row> w =
        writer(
            BatchSettings.builder()
                .maxBatchSize(1)
                .maxDelay(Duration.ofMillis(1))
                .concurrency(4)
                .build(),
            rows -> {
              most.accumulateAndGet(writing.incrementAndGet(), Math::max);
              fourInFlight.countDown();
              try {
                release.await(10, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              writing.decrementAndGet();
            });
    List<CompletableFuture<Void>> done = new ArrayList<>();
    for (int key = 0; key < 64; key++) {
      done.add(w.submit(new Row(key, 0)));
    }
    assertThat(fourInFlight.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(w.pending()).isEqualTo(64);
    release.countDown();
    CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
    assertThat(most).hasValue(4);
    assertThat(w.pending()).isZero();
    w.close();
  }

  @Test
  void rowsOfOneKey_keepTheirSubmissionOrder_acrossLanesWrittenAtOnce() throws Exception {
    Map<Integer, List<Integer>> seen = new ConcurrentHashMap<>();
    LanedBatchingWriter<Row> w =
        writer(
            BatchSettings.builder()
                .maxBatchSize(7)
                .maxDelay(Duration.ofMillis(1))
                .concurrency(4)
                .maxPending(100_000)
                .build(),
            rows -> {
              for (Row r : rows) {
                seen.computeIfAbsent(r.key(), k -> new CopyOnWriteArrayList<>()).add(r.seq());
              }
            });
    for (int seq = 0; seq < 500; seq++) {
      for (int key = 0; key < 20; key++) {
        w.submit(new Row(key, seq));
      }
    }
    w.flush().get(30, TimeUnit.SECONDS);
    assertThat(seen).hasSize(20);
    for (List<Integer> seqs : seen.values()) {
      assertThat(seqs).hasSize(500).isSorted();
    }
    w.close();
  }

  @Test
  void close_writesWhatEveryLaneHolds() {
    List<Row> written = new CopyOnWriteArrayList<>();
    LanedBatchingWriter<Row> w =
        writer(
            BatchSettings.builder()
                .maxBatchSize(1000)
                .maxDelay(Duration.ofHours(1))
                .concurrency(3)
                .build(),
            written::addAll);
    List<CompletableFuture<Void>> futures = new ArrayList<>();
    for (int key = 0; key < 30; key++) {
      futures.add(w.submit(new Row(key, 1)));
    }
    w.close();
    assertThat(futures).allMatch(f -> f.isDone() && !f.isCompletedExceptionally());
    assertThat(written).hasSize(30);
    assertThatThrownBy(() -> w.submit(new Row(1, 2))).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void concurrency_outOfRange_isRefusedNamingTheField() {
    assertThatThrownBy(() -> BatchSettings.builder().concurrency(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("concurrency");
    assertThatThrownBy(() -> BatchSettings.builder().concurrency(65))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("concurrency")
        .hasMessageContaining("65");
  }
}
