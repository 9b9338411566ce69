package dev.alchemist.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.alchemist.core.flow.FakeScheduler;
import dev.alchemist.store.internal.DefaultBatchingWriter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** The batching writer on virtual time with an in-memory sink: no database, no sleeping. */
class BatchingWriterTest {
  private final FakeScheduler scheduler = new FakeScheduler();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final List<List<Integer>> batches = new CopyOnWriteArrayList<>();
  private final List<String> heard = new CopyOnWriteArrayList<>();
  private Consumer<List<Integer>> sink = batches::add;

  private DefaultBatchingWriter<Integer> writer(int maxBatch, Duration delay, int maxPending) {
    return new DefaultBatchingWriter<>(
        "test",
        BatchSettings.builder()
            .maxBatchSize(maxBatch)
            .maxDelay(delay)
            .maxPending(maxPending)
            .build(),
        rows -> sink.accept(rows),
        e -> new DatabaseException("wrapped: " + e.getMessage(), null, e),
        scheduler,
        registry,
        Tags.empty(),
        new StoreListener() {
          @Override
          public void onBatchFailed(String writer, int rows, DatabaseException cause) {
            heard.add(writer + ":" + rows + ":" + cause.getMessage());
          }
        });
  }

  @Test
  void submit_reachesMaxBatchSize_writesAFullBatchWithoutWaitingForTheDelay() {
    var w = writer(3, Duration.ofSeconds(10), 100);
    w.submit(1);
    w.submit(2);
    assertThat(batches).isEmpty();
    w.submit(3);
    scheduler.runDue();
    assertThat(batches).containsExactly(List.of(1, 2, 3));
    assertThat(w.pending()).isZero();
  }

  @Test
  void submit_belowBatchSize_writesWhenTheOldestRowHasWaitedMaxDelay() {
    var w = writer(100, Duration.ofMillis(50), 1000);
    CompletableFuture<Void> f = w.submit(1);
    scheduler.advance(Duration.ofMillis(30));
    w.submit(2);
    scheduler.advance(Duration.ofMillis(19));
    assertThat(batches).isEmpty();
    assertThat(f).isNotDone();
    scheduler.advance(Duration.ofMillis(1));
    assertThat(batches).containsExactly(List.of(1, 2));
    assertThat(f).isCompleted();
  }

  @Test
  void drain_manyRows_writesInOrderInChunksOfMaxBatchSize() {
    var w = writer(4, Duration.ofSeconds(1), 1000);
    for (int i = 0; i < 10; i++) {
      w.submit(i);
    }
    scheduler.advance(Duration.ofSeconds(1));
    assertThat(batches).containsExactly(List.of(0, 1, 2, 3), List.of(4, 5, 6, 7), List.of(8, 9));
  }

  @Test
  void close_withPendingRows_writesThemOnTheCallingThread() {
    var w = writer(100, Duration.ofHours(1), 1000);
    List<CompletableFuture<Void>> futures = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      futures.add(w.submit(i));
    }
    w.close(); // the fake scheduler never runs: close must not depend on it
    assertThat(batches).containsExactly(List.of(0, 1, 2, 3, 4));
    assertThat(futures).allMatch(f -> f.isDone() && !f.isCompletedExceptionally());
    assertThatThrownBy(() -> w.submit(9))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("writer test is closed");
    w.close(); // idempotent
  }

  @Test
  void flush_completesWhenThePendingRowsAreWritten() {
    var w = writer(100, Duration.ofHours(1), 1000);
    w.submit(1);
    CompletableFuture<Void> flushed = w.flush();
    assertThat(flushed).isNotDone();
    scheduler.runDue();
    assertThat(flushed).isCompleted();
    assertThat(batches).containsExactly(List.of(1));
  }

  @Test
  void sinkFails_everyRowOfTheBatchFailsAndTheListenerHearsOnce() {
    sink =
        rows -> {
          if (rows.contains(13)) {
            throw new IllegalStateException("boom");
          }
          batches.add(rows);
        };
    var w = writer(2, Duration.ofHours(1), 100);
    CompletableFuture<Void> a = w.submit(12);
    CompletableFuture<Void> b = w.submit(13);
    CompletableFuture<Void> c = w.submit(14);
    CompletableFuture<Void> d = w.submit(15);
    scheduler.runDue();
    assertThatThrownBy(a::get)
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(DatabaseException.class)
        .hasMessageContaining("wrapped: boom");
    assertThat(b).isCompletedExceptionally();
    assertThat(c).isCompleted();
    assertThat(d).isCompleted();
    assertThat(batches).containsExactly(List.of(14, 15)); // a failed batch does not stop the next
    assertThat(heard).containsExactly("test:2:wrapped: boom");
    assertThat(
            registry.get("alchemist.store.writer.rows").tag("outcome", "failed").counter().count())
        .isEqualTo(2);
    assertThat(
            registry.get("alchemist.store.writer.rows").tag("outcome", "written").counter().count())
        .isEqualTo(2);
  }

  @Test
  void close_whenTheFinalFlushFails_stillFailsEveryFuture() {
    sink =
        rows -> {
          throw new IllegalStateException("down");
        };
    var w = writer(100, Duration.ofHours(1), 100);
    CompletableFuture<Void> f = w.submit(1);
    w.close();
    assertThat(f).isCompletedExceptionally();
    assertThat(heard).hasSize(1);
  }

  @Test
  void submit_atMaxPending_refusesTheRowWithoutQueueingIt() {
    var w = writer(2, Duration.ofHours(1), 3);
    w.submit(1);
    w.submit(2);
    w.submit(3);
    CompletableFuture<Void> refused = w.submit(4);
    assertThatThrownBy(refused::get)
        .hasCauseInstanceOf(WriterOverloadedException.class)
        .hasMessageContaining("writer test has 3 rows pending, at its limit maxPending=3");
    assertThat(
            registry
                .get("alchemist.store.writer.rows")
                .tag("outcome", "rejected")
                .counter()
                .count())
        .isEqualTo(1);
    w.close();
    assertThat(batches.stream().flatMap(List::stream).toList()).containsExactly(1, 2, 3);
  }

  @Test
  void submit_null_throws() {
    var w = writer(2, Duration.ofHours(1), 3);
    assertThatThrownBy(() -> w.submit(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("row must not be null");
  }
}
