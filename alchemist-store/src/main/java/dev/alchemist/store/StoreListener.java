package dev.alchemist.store;

/**
 * Hears about failures that happen in the background, where no caller could catch them. Every
 * method defaults to doing nothing; each failure is also counted in metrics and logged. Methods run
 * on the thread that saw the failure (a writer's flush or the maintenance's scheduler), so keep
 * them short and never let them throw.
 */
public interface StoreListener {

  /**
   * A batching writer could not write a batch. Every row's future has already failed with {@code
   * cause}; nothing was retried.
   *
   * @param writer the writer's name
   * @param rows how many rows the batch held
   */
  default void onBatchFailed(String writer, int rows, DatabaseException cause) {}

  /**
   * A maintenance run (partitions, retention, rollup pruning) failed; the next tick tries again.
   * Defaults to {@link #onRefreshFailed}, its name from when it refreshed {@code domain_stats}.
   */
  default void onMaintenanceFailed(DatabaseException cause) {
    onRefreshFailed(cause);
  }

  /** What {@link #onMaintenanceFailed} calls unless overridden. */
  default void onRefreshFailed(DatabaseException cause) {}

  /** The listener that ignores everything. */
  static StoreListener none() {
    return new StoreListener() {};
  }
}
