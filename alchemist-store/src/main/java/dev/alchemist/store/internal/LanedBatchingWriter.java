package dev.alchemist.store.internal;

import dev.alchemist.core.Checks;
import dev.alchemist.store.BatchSettings;
import dev.alchemist.store.BatchingWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.ToIntFunction;

/**
 * {@link BatchSettings#concurrency()} batching writers side by side, so that several batches are
 * written at once, each on its own connection. A row goes to the lane its key hashes to, so rows of
 * one key (a dialog's messages) keep their submission order; each lane is an ordinary {@link
 * DefaultBatchingWriter} with its share of {@code maxPending}. The lanes register their meters
 * under the writer's one name, so they report together.
 */
public final class LanedBatchingWriter<T> implements BatchingWriter<T> {
  private final List<BatchingWriter<T>> lanes;
  private final ToIntFunction<T> key;

  /**
   * @param lane makes one lane from its settings (concurrency 1, its share of maxPending)
   * @param key the hash that picks a row's lane
   */
  public LanedBatchingWriter(
      BatchSettings settings,
      Function<BatchSettings, BatchingWriter<T>> lane,
      ToIntFunction<T> key) {
    int n = settings.concurrency();
    BatchSettings each =
        new BatchSettings(
            settings.maxBatchSize(),
            settings.maxDelay(),
            Math.max(settings.maxBatchSize(), (settings.maxPending() + n - 1) / n),
            1);
    List<BatchingWriter<T>> made = new ArrayList<>(n);
    try {
      for (int i = 0; i < n; i++) {
        made.add(lane.apply(each));
      }
    } catch (RuntimeException e) {
      made.forEach(BatchingWriter::close);
      throw e;
    }
    this.lanes = List.copyOf(made);
    this.key = key;
  }

  @Override
  public CompletableFuture<Void> submit(T row) {
    Checks.notNull("row", row);
    return lanes.get(Math.floorMod(spread(key.applyAsInt(row)), lanes.size())).submit(row);
  }

  /** Mixes the high bits in, as HashMap does: UUID hashes of random ids are uniform anyway. */
  private static int spread(int h) {
    return h ^ (h >>> 16);
  }

  @Override
  public CompletableFuture<Void> flush() {
    CompletableFuture<?>[] all = new CompletableFuture<?>[lanes.size()];
    for (int i = 0; i < all.length; i++) {
      all[i] = lanes.get(i).flush();
    }
    return CompletableFuture.allOf(all);
  }

  @Override
  public int pending() {
    int sum = 0;
    for (BatchingWriter<T> l : lanes) {
      sum += l.pending();
    }
    return sum;
  }

  /** Closes every lane, each writing what it holds; the first failure is thrown after all ran. */
  @Override
  public void close() {
    RuntimeException first = null;
    for (BatchingWriter<T> l : lanes) {
      try {
        l.close();
      } catch (RuntimeException e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
