package dev.alchemist.nats;

import dev.alchemist.core.Checks;
import dev.alchemist.core.Ticker;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import org.jspecify.annotations.Nullable;

/**
 * Settings of a {@link JetStreamPublisher}.
 *
 * @param name tag {@code publisher} of its metrics; keep it low-cardinality. Two live publishers on
 *     one stream and registry cannot share it: under {@link #DEFAULT_NAME} the second reports as
 *     {@code default-2} (the third {@code default-3}, ...), any other name is refused with {@link
 *     IllegalStateException} when the second publisher is created
 * @param expectedStream sent as {@code Nats-Expected-Stream}, or null to accept any stream
 * @param maxInFlight hard bound on outstanding acks
 * @param overflowPolicy what a publish does when the bound is reached
 * @param blockTimeout how long {@link OverflowPolicy#BLOCK_WITH_TIMEOUT} waits for a slot
 * @param ackTimeout how long one attempt waits for its ack before it is retried
 * @param retryBackoff delay before the first retry; doubles per retry up to {@code maxRetryBackoff}
 * @param maxRetryBackoff longest delay between retries
 * @param maxRetryTime no retry is sent later than this after the first attempt
 * @param duplicateWindow the stream's duplicate window; {@code maxRetryTime + ackTimeout} must fit
 *     in it, so that every retry is de-duplicated by the server
 * @param closeTimeout how long {@code close()} waits for outstanding acks
 * @param sweepInterval how often overdue acks are looked for; an attempt is retried at most this
 *     much later than its {@code ackTimeout}
 * @param ticker the time source of ack deadlines, retry limits and the ack-latency timer
 * @param scheduler runs the sweeps and delayed retries, or null for the bus's scheduler
 */
public record JetStreamPublisherSettings(
    String name,
    @Nullable String expectedStream,
    int maxInFlight,
    OverflowPolicy overflowPolicy,
    Duration blockTimeout,
    Duration ackTimeout,
    Duration retryBackoff,
    Duration maxRetryBackoff,
    Duration maxRetryTime,
    Duration duplicateWindow,
    Duration closeTimeout,
    Duration sweepInterval,
    Ticker ticker,
    @Nullable ScheduledExecutorService scheduler) {

  /** Default of {@code name}. */
  public static final String DEFAULT_NAME = "default";

  /** Default of {@code maxInFlight}. */
  public static final int DEFAULT_MAX_IN_FLIGHT = 4096;

  public JetStreamPublisherSettings {
    Checks.token("name", name);
    if (expectedStream != null) {
      Checks.notBlank("expectedStream", expectedStream);
    }
    Checks.inRange("maxInFlight", maxInFlight, 1, 1 << 20);
    Checks.notNull("overflowPolicy", overflowPolicy);
    Checks.positive("blockTimeout", blockTimeout);
    Checks.positive("ackTimeout", ackTimeout);
    Checks.positive("retryBackoff", retryBackoff);
    Checks.positive("maxRetryBackoff", maxRetryBackoff);
    Checks.notNull("maxRetryTime", maxRetryTime);
    if (maxRetryTime.isNegative()) {
      throw new IllegalArgumentException(
          "maxRetryTime must not be negative but was " + maxRetryTime);
    }
    Checks.positive("duplicateWindow", duplicateWindow);
    Checks.positive("closeTimeout", closeTimeout);
    Checks.positive("sweepInterval", sweepInterval);
    Checks.notNull("ticker", ticker);
    if (maxRetryBackoff.compareTo(retryBackoff) < 0) {
      throw new IllegalStateException(
          "maxRetryBackoff ("
              + maxRetryBackoff
              + ") must be >= retryBackoff ("
              + retryBackoff
              + ")");
    }
    if (maxRetryTime.plus(ackTimeout).compareTo(duplicateWindow) > 0) {
      throw new IllegalStateException(
          "maxRetryTime ("
              + maxRetryTime
              + ") + ackTimeout ("
              + ackTimeout
              + ") must fit in the duplicateWindow ("
              + duplicateWindow
              + "), or a late retry could store a duplicate");
    }
  }

  /** A builder with the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** The defaults: see {@link Builder}. */
  public static JetStreamPublisherSettings defaults() {
    return builder().build();
  }

  /** A builder holding these settings. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.name = name;
    b.expectedStream = expectedStream;
    b.maxInFlight = maxInFlight;
    b.overflowPolicy = overflowPolicy;
    b.blockTimeout = blockTimeout;
    b.ackTimeout = ackTimeout;
    b.retryBackoff = retryBackoff;
    b.maxRetryBackoff = maxRetryBackoff;
    b.maxRetryTime = maxRetryTime;
    b.duplicateWindow = duplicateWindow;
    b.closeTimeout = closeTimeout;
    b.sweepInterval = sweepInterval;
    b.ticker = ticker;
    b.scheduler = scheduler;
    return b;
  }

  /** Collects settings; setters validate, {@link #build()} checks combinations. Not thread-safe. */
  public static final class Builder {
    private String name = DEFAULT_NAME;
    private @Nullable String expectedStream;
    private int maxInFlight = DEFAULT_MAX_IN_FLIGHT;
    private OverflowPolicy overflowPolicy = OverflowPolicy.BLOCK_WITH_TIMEOUT;
    private Duration blockTimeout = Duration.ofSeconds(5);
    private Duration ackTimeout = Duration.ofSeconds(5);
    private Duration retryBackoff = Duration.ofMillis(100);
    private Duration maxRetryBackoff = Duration.ofSeconds(2);
    private Duration maxRetryTime = Duration.ofSeconds(60);
    private Duration duplicateWindow = StreamSpec.DEFAULT_DUPLICATE_WINDOW;
    private Duration closeTimeout = Duration.ofSeconds(30);
    private Duration sweepInterval = Duration.ofMillis(50);
    private Ticker ticker = Ticker.system();
    private @Nullable ScheduledExecutorService scheduler;

    private Builder() {}

    /**
     * Metrics tag {@code publisher}; default {@code default}. A second live publisher with the
     * default name on the same stream and registry is tagged {@code default-2}; with another name
     * it is refused (see {@link JetStreamPublisherSettings#name()}).
     */
    public Builder name(String name) {
      this.name = Checks.token("name", name);
      return this;
    }

    /** Sent as {@code Nats-Expected-Stream}; default none. */
    public Builder expectedStream(String stream) {
      this.expectedStream = Checks.notBlank("expectedStream", stream);
      return this;
    }

    /** Expected stream and duplicate window of {@code spec}. */
    public Builder stream(StreamSpec spec) {
      this.expectedStream = spec.name();
      this.duplicateWindow = spec.duplicateWindow();
      return this;
    }

    /** Hard bound on outstanding acks; default 4096. */
    public Builder maxInFlight(int max) {
      this.maxInFlight = (int) Checks.inRange("maxInFlight", max, 1, 1 << 20);
      return this;
    }

    /** Default {@link OverflowPolicy#BLOCK_WITH_TIMEOUT}. */
    public Builder overflowPolicy(OverflowPolicy policy) {
      this.overflowPolicy = Checks.notNull("overflowPolicy", policy);
      return this;
    }

    /** Default 5 s. */
    public Builder blockTimeout(Duration timeout) {
      this.blockTimeout = Checks.positive("blockTimeout", timeout);
      return this;
    }

    /** Default 5 s. */
    public Builder ackTimeout(Duration timeout) {
      this.ackTimeout = Checks.positive("ackTimeout", timeout);
      return this;
    }

    /** First retry delay (default 100 ms) and the longest one (default 2 s). */
    public Builder retryBackoff(Duration initial, Duration max) {
      this.retryBackoff = Checks.positive("retryBackoff", initial);
      this.maxRetryBackoff = Checks.positive("maxRetryBackoff", max);
      return this;
    }

    /** No retry later than this after the first attempt; default 60 s; zero disables retries. */
    public Builder maxRetryTime(Duration time) {
      Checks.notNull("maxRetryTime", time);
      if (time.isNegative()) {
        throw new IllegalArgumentException("maxRetryTime must not be negative but was " + time);
      }
      this.maxRetryTime = time;
      return this;
    }

    /** The stream's duplicate window; default 2 min, as {@link StreamSpec}. */
    public Builder duplicateWindow(Duration window) {
      this.duplicateWindow = Checks.positive("duplicateWindow", window);
      return this;
    }

    /** How long close() waits for outstanding acks; default 30 s. */
    public Builder closeTimeout(Duration timeout) {
      this.closeTimeout = Checks.positive("closeTimeout", timeout);
      return this;
    }

    /** How often overdue acks are looked for; default 50 ms. */
    public Builder sweepInterval(Duration interval) {
      this.sweepInterval = Checks.positive("sweepInterval", interval);
      return this;
    }

    /** The time source of deadlines and the ack-latency timer; default {@link Ticker#system()}. */
    public Builder ticker(Ticker ticker) {
      this.ticker = Checks.notNull("ticker", ticker);
      return this;
    }

    /**
     * Runs sweeps and delayed retries; default the bus's scheduler. The publisher does not shut it
     * down.
     */
    public Builder scheduler(ScheduledExecutorService scheduler) {
      this.scheduler = Checks.notNull("scheduler", scheduler);
      return this;
    }

    /**
     * The settings.
     *
     * @throws IllegalStateException if {@code maxRetryTime + ackTimeout} exceeds the duplicate
     *     window or the backoff bounds are reversed
     */
    public JetStreamPublisherSettings build() {
      return new JetStreamPublisherSettings(
          name,
          expectedStream,
          maxInFlight,
          overflowPolicy,
          blockTimeout,
          ackTimeout,
          retryBackoff,
          maxRetryBackoff,
          maxRetryTime,
          duplicateWindow,
          closeTimeout,
          sweepInterval,
          ticker,
          scheduler);
    }
  }
}
