package dev.alchemist.store;

import java.util.concurrent.CompletableFuture;

/**
 * Collects rows from many threads and writes them in batches: a batch goes out when it reaches
 * {@code maxBatchSize} rows or when its oldest row has waited {@code maxDelay}, whichever comes
 * first. Each batch is one transaction.
 *
 * <p>Nothing is silently dropped: the future of every submitted row completes when its batch
 * commits, or fails with the batch's {@link DatabaseException} (and the listener hears about it); a
 * row refused for lack of room fails at once with {@link WriterOverloadedException}.
 *
 * <p>Thread-safe. {@link #close()} stops accepting rows, writes everything pending, and returns
 * when those writes have finished (successfully or not).
 *
 * @param <T> the row type
 */
public interface BatchingWriter<T> extends AutoCloseable {

  /**
   * Queues a row.
   *
   * @return completes when the row is committed; fails with the batch's failure
   * @throws IllegalStateException if the writer is closed
   */
  CompletableFuture<Void> submit(T row);

  /** Writes what is pending now; the future completes when those rows are written or failed. */
  CompletableFuture<Void> flush();

  /** Rows submitted and not yet written or failed. */
  int pending();

  /** Flushes everything pending and waits for it; later submits throw. */
  @Override
  void close();
}
