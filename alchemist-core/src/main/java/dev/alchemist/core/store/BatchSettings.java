package dev.alchemist.core.store;

import dev.alchemist.core.Checks;
import java.time.Duration;

/**
 * How a {@link BatchingWriter} groups rows. Immutable; build with {@link #builder()}.
 *
 * @param maxBatchSize a batch is written as soon as it holds this many rows (1 to 100 000)
 * @param maxDelay a row waits at most this long before its batch is written
 * @param maxPending rows queued or being written beyond which {@code submit} refuses rows with
 *     {@link WriterOverloadedException}; at least {@code maxBatchSize}
 */
public record BatchSettings(int maxBatchSize, Duration maxDelay, int maxPending) {

  public BatchSettings {
    Checks.inRange("maxBatchSize", maxBatchSize, 1, 100_000);
    Checks.positive("maxDelay", maxDelay);
    Checks.positive("maxPending", maxPending);
    if (maxPending < maxBatchSize) {
      throw new IllegalStateException(
          "maxPending (" + maxPending + ") must be >= maxBatchSize (" + maxBatchSize + ")");
    }
  }

  /** 500 rows, 50 ms, 10 000 pending. */
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
     * The settings.
     *
     * @throws IllegalStateException if {@code maxPending < maxBatchSize}
     */
    public BatchSettings build() {
      return new BatchSettings(maxBatchSize, maxDelay, maxPending);
    }
  }
}
