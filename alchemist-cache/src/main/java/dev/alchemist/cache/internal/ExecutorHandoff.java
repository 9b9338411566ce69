package dev.alchemist.cache.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;

/**
 * Moves the completion of a region's asynchronous store operations from Lettuce's event loop to the
 * cache's executor, so decoding and the caller's dependent stages never run on the event loop, and
 * turns an executor that refuses into a failed result naming the cache instead of a future that
 * never completes. Separate from the region because it is the one place that knows about the
 * executor's refusal. Thread-safe.
 */
final class ExecutorHandoff {

  private final String cache;
  private final Executor executor;

  ExecutorHandoff(String cache, Executor executor) {
    this.cache = cache;
    this.executor = executor;
  }

  /**
   * Runs {@code body} on the executor when {@code stage} completes; if the executor refuses, {@code
   * onRejected} runs in place (it must be cheap) and {@code result} fails with a {@link
   * RejectedExecutionException} naming the cache, instead of never completing.
   */
  <T> void onExecutor(
      CompletableFuture<T> stage,
      CompletableFuture<?> result,
      String operation,
      Runnable onRejected,
      BiConsumer<@Nullable T, @Nullable Throwable> body) {
    stage.whenComplete(
        (value, error) -> {
          try {
            executor.execute(
                () -> {
                  try {
                    body.accept(value, error);
                  } catch (RuntimeException e) {
                    result.completeExceptionally(e);
                  }
                });
          } catch (RejectedExecutionException e) {
            try {
              onRejected.run();
            } finally {
              result.completeExceptionally(
                  new RejectedExecutionException(
                      "cache "
                          + cache
                          + ": the executor rejected the completion of "
                          + operation
                          + " ("
                          + e.getMessage()
                          + "); give the manager an executor with room, or none for its own",
                      e));
            }
          }
        });
  }
}
