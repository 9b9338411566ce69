package dev.alchemist.store;

import dev.alchemist.core.Checks;
import java.time.Duration;

/**
 * How an {@link OutboxRelay} works through the outbox. Immutable; build with {@link #builder()}.
 *
 * @param name names the relay's thread and its log lines ({@code alchemist-outbox-<name>})
 * @param batchSize rows read, published and deleted per round (1 to 10 000)
 * @param pollInterval how long the relay waits after a round that found the outbox empty
 * @param publishTimeout how long a round waits for its acks; unacknowledged rows stay for the next
 * @param retryDelay how long the relay waits after a round that failed (database or publisher)
 */
public record OutboxRelaySettings(
    String name,
    int batchSize,
    Duration pollInterval,
    Duration publishTimeout,
    Duration retryDelay) {

  public OutboxRelaySettings {
    Checks.token("name", name);
    Checks.inRange("batchSize", batchSize, 1, 10_000);
    Checks.positive("pollInterval", pollInterval);
    Checks.positive("publishTimeout", publishTimeout);
    Checks.positive("retryDelay", retryDelay);
  }

  /** Name {@code default}, 500 rows, 20 ms poll, 30 s publish timeout, 1 s retry delay. */
  public static OutboxRelaySettings defaults() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Builds {@link OutboxRelaySettings}. Reusable. */
  public static final class Builder {
    private String name = "default";
    private int batchSize = 500;
    private Duration pollInterval = Duration.ofMillis(20);
    private Duration publishTimeout = Duration.ofSeconds(30);
    private Duration retryDelay = Duration.ofSeconds(1);

    private Builder() {}

    /** Default {@code default}. */
    public Builder name(String value) {
      this.name = value;
      return this;
    }

    /** Default 500. */
    public Builder batchSize(int value) {
      this.batchSize = value;
      return this;
    }

    /** Default 20 ms. */
    public Builder pollInterval(Duration value) {
      this.pollInterval = value;
      return this;
    }

    /** Default 30 s. */
    public Builder publishTimeout(Duration value) {
      this.publishTimeout = value;
      return this;
    }

    /** Default 1 s. */
    public Builder retryDelay(Duration value) {
      this.retryDelay = value;
      return this;
    }

    public OutboxRelaySettings build() {
      return new OutboxRelaySettings(name, batchSize, pollInterval, publishTimeout, retryDelay);
    }
  }
}
