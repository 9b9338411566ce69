package dev.alchemist.store;

import dev.alchemist.core.Checks;
import java.time.Duration;

/**
 * How a {@link BatchingWriter} groups rows. Immutable; build with {@link #builder()}.
 *
 * @param maxBatchSize a batch is written as soon as it holds this many rows (1 to 100 000)
 * @param maxDelay a row waits at most this long before its batch is written
 * @param maxPending rows queued or being written beyond which {@code submit} refuses rows with
 *     {@link WriterOverloadedException}; at least {@code maxBatchSize}
 * @param concurrency batches written at once, each in its own transaction on its own connection (1
 *     to 64); rows are spread by key (a message's dialog, an event's session), so the rows of one
 *     key reach the database in submission order
 */
public record BatchSettings(int maxBatchSize, Duration maxDelay, int maxPending, int concurrency) {

  /** The most batches one writer writes at once. */
  public static final int MAX_CONCURRENCY = 64;

  public BatchSettings {
    Checks.inRange("maxBatchSize", maxBatchSize, 1, 100_000);
    Checks.positive("maxDelay", maxDelay);
    Checks.positive("maxPending", maxPending);
    Checks.inRange("concurrency", concurrency, 1, MAX_CONCURRENCY);
    if (maxPending < maxBatchSize) {
      throw new IllegalStateException(
          "maxPending (" + maxPending + ") must be >= maxBatchSize (" + maxBatchSize + ")");
    }
  }

  /** 500 rows, 50 ms, 10 000 pending, one batch at a time. */
  public static BatchSettings defaults() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Builds {@link BatchSettings}; setters check values, build() the combination. Reusable. */
  public static final class Builder {
    private int maxBatchSize = 500;
    private Duration maxDelay = Duration.ofMillis(50);
    private int maxPending = 10_000;
    private int concurrency = 1;

    private Builder() {}

    /** Default 500. */
    public Builder maxBatchSize(int value) {
      this.maxBatchSize = (int) Checks.inRange("maxBatchSize", value, 1, 100_000);
      return this;
    }

    /** Default 50 ms. */
    public Builder maxDelay(Duration value) {
      this.maxDelay = Checks.positive("maxDelay", value);
      return this;
    }

    /** Default 10 000. */
    public Builder maxPending(int value) {
      this.maxPending = (int) Checks.positive("maxPending", value);
      return this;
    }

    /**
     * Batches written at once; default 1, so every batch waits for the one before it. A
     * commit-bound writer (PostgreSQL waits for its WAL flush on each commit) keeps more rows
     * moving with several: a row then waits for a free lane instead of for every batch ahead of it.
     * Each lane holds one pool connection while it writes, so keep it below the pool's {@code
     * maxConnections}. Rows with the same key (a message's dialog, an event's session) go to the
     * same lane and keep their order; rows of different keys may commit out of order.
     */
    public Builder concurrency(int value) {
      this.concurrency = (int) Checks.inRange("concurrency", value, 1, MAX_CONCURRENCY);
      return this;
    }

    /**
     * The settings.
     *
     * @throws IllegalStateException if {@code maxPending < maxBatchSize}
     */
    public BatchSettings build() {
      return new BatchSettings(maxBatchSize, maxDelay, maxPending, concurrency);
    }
  }
}
