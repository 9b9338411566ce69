package dev.alchemist.core.flow;

import dev.alchemist.core.Checks;
import dev.alchemist.core.Ticker;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import org.jspecify.annotations.Nullable;

/**
 * Immutable settings of a {@link FrameFanout}. Build them with {@link #builder()}.
 *
 * @param name a low-cardinality name for logs and meters, such as {@code "dashboard"}
 * @param interval the minimum time between two frames sent to one connection
 * @param stallTimeout how long a send may stay outstanding before the connection is dropped
 * @param maxConnections how many connections the fan-out holds at once
 * @param scheduler the timer for frames held back by the interval and for the stall check; {@code
 *     null} means the daemon thread shared by the debouncers
 * @param ticker the time source
 */
public record FanoutSettings(
    String name,
    Duration interval,
    Duration stallTimeout,
    int maxConnections,
    @Nullable ScheduledExecutorService scheduler,
    Ticker ticker) {

  /** 16 ms: at most 60 frames a second per connection. */
  public static final Duration DEFAULT_INTERVAL = DebounceSettings.DEFAULT_INTERVAL;

  /** A send outstanding this long means the reader has stopped reading. */
  public static final Duration DEFAULT_STALL_TIMEOUT = Duration.ofSeconds(10);

  /** Connections held at most by default. */
  public static final int DEFAULT_MAX_CONNECTIONS = 10_000;

  /** Validates every field as the builder does. */
  public FanoutSettings {
    Checks.notBlank("name", name);
    Checks.positive("interval", interval, DebounceSettings.MAX_DURATION);
    Checks.positive("stallTimeout", stallTimeout, DebounceSettings.MAX_DURATION);
    Checks.inRange("maxConnections", maxConnections, 1, Integer.MAX_VALUE);
    Objects.requireNonNull(ticker, "ticker");
    if (stallTimeout.compareTo(interval) < 0) {
      throw new IllegalArgumentException(
          "stallTimeout (" + stallTimeout + ") must be >= interval (" + interval + ")");
    }
  }

  /** A builder with every default: 16 ms interval, 10 s stall timeout, 10,000 connections. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Builds {@link FanoutSettings}. Each setter checks its argument and throws {@link
   * IllegalArgumentException} naming the field and the value. Not thread-safe.
   */
  public static final class Builder {
    private String name = "fanout";
    private Duration interval = DEFAULT_INTERVAL;
    private Duration stallTimeout = DEFAULT_STALL_TIMEOUT;
    private int maxConnections = DEFAULT_MAX_CONNECTIONS;
    private @Nullable ScheduledExecutorService scheduler;
    private Ticker ticker = Ticker.system();

    private Builder() {}

    /** A low-cardinality name for logs and meters; default {@code "fanout"}. */
    public Builder name(String name) {
      this.name = Checks.notBlank("name", name);
      return this;
    }

    /**
     * The minimum time between two frames to one connection; default 16 ms (60 frames/s). Frames
     * published faster replace each other and the latest goes out at the end of the interval.
     */
    public Builder interval(Duration interval) {
      this.interval = Checks.positive("interval", interval, DebounceSettings.MAX_DURATION);
      return this;
    }

    /**
     * How long one send may stay outstanding before the connection is dropped with {@link
     * FrameSink.CloseReason#STALLED}; default 10 s, not shorter than the interval. A reader that
     * stops reading costs one held frame until then, never a queue.
     */
    public Builder stallTimeout(Duration stallTimeout) {
      this.stallTimeout =
          Checks.positive("stallTimeout", stallTimeout, DebounceSettings.MAX_DURATION);
      return this;
    }

    /**
     * How many connections the fan-out holds at once; default {@value
     * FanoutSettings#DEFAULT_MAX_CONNECTIONS}. {@link FrameFanout#connect} beyond it is refused.
     */
    public Builder maxConnections(int maxConnections) {
      this.maxConnections =
          (int) Checks.inRange("maxConnections", maxConnections, 1, Integer.MAX_VALUE);
      return this;
    }

    /**
     * The timer for held-back frames and the stall check; never shut down by the fan-out. Default:
     * the daemon thread shared by the debouncers.
     */
    public Builder scheduler(ScheduledExecutorService scheduler) {
      this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
      return this;
    }

    /** The time source; default {@link Ticker#system()}. Tests pass a fake. */
    public Builder ticker(Ticker ticker) {
      this.ticker = Objects.requireNonNull(ticker, "ticker");
      return this;
    }

    /**
     * Returns immutable settings.
     *
     * @throws IllegalArgumentException if the stall timeout is shorter than the interval
     */
    public FanoutSettings build() {
      return new FanoutSettings(name, interval, stallTimeout, maxConnections, scheduler, ticker);
    }
  }
}
