package dev.alchemist.core.flow;

import dev.alchemist.core.Checks;
import dev.alchemist.core.Ticker;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import org.jspecify.annotations.Nullable;

/**
 * Immutable settings shared by {@link DebouncedUpdater} and {@link KeyedDebouncer}. Build them with
 * {@link #builder()}; one settings value can create any number of debouncers.
 *
 * @param name a low-cardinality name used in logs and listener calls, such as {@code "dashboard"}
 * @param interval the minimum time between two deliveries (per key)
 * @param idleTimeout how long a {@link KeyedDebouncer} keeps a key that has nothing to deliver
 * @param maxKeys how many keys a {@link KeyedDebouncer} tracks at most; an update for a new key
 *     beyond it is refused (see {@link Builder#maxKeys(int)})
 * @param scheduler the timer; {@code null} means one daemon thread shared by all debouncers
 * @param executor where the sink runs; {@code null} means on the timer thread
 * @param ticker the time source used to space deliveries
 * @param listener receives sink failures, scheduling failures and expired keys
 */
public record DebounceSettings(
    String name,
    Duration interval,
    Duration idleTimeout,
    int maxKeys,
    @Nullable ScheduledExecutorService scheduler,
    @Nullable Executor executor,
    Ticker ticker,
    DebounceListener listener) {

  /** 16 ms: one frame at 60 Hz. */
  public static final Duration DEFAULT_INTERVAL = Duration.ofMillis(16);

  /** How long a {@link KeyedDebouncer} keeps an idle key by default. */
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(1);

  /** How many keys a {@link KeyedDebouncer} tracks at most by default. */
  public static final int DEFAULT_MAX_KEYS = 100_000;

  /** The longest interval or idle timeout accepted. */
  public static final Duration MAX_DURATION = Duration.ofDays(1);

  /** Validates every field as the builder does; see {@link Builder}. */
  public DebounceSettings {
    Checks.notBlank("name", name);
    Checks.positive("interval", interval, MAX_DURATION);
    Checks.positive("idleTimeout", idleTimeout, MAX_DURATION);
    Checks.inRange("maxKeys", maxKeys, 1, Integer.MAX_VALUE);
    Objects.requireNonNull(ticker, "ticker");
    Objects.requireNonNull(listener, "listener");
    if (idleTimeout.compareTo(interval) < 0) {
      throw new IllegalStateException(
          "idleTimeout (" + idleTimeout + ") must be >= interval (" + interval + ")");
    }
  }

  /** Returns a builder with every default: 16 ms interval, shared timer, no listener. */
  public static Builder builder() {
    return new Builder();
  }

  /** Returns the default settings (equivalent to {@code builder().build()}). */
  public static DebounceSettings defaults() {
    return builder().build();
  }

  /** Returns a builder that starts from these settings. */
  public Builder toBuilder() {
    Builder b =
        new Builder()
            .name(name)
            .interval(interval)
            .idleTimeout(idleTimeout)
            .maxKeys(maxKeys)
            .ticker(ticker)
            .listener(listener);
    b.scheduler = scheduler;
    b.executor = executor;
    return b;
  }

  /**
   * Builds {@link DebounceSettings}. Each setter checks its argument and throws {@link
   * IllegalArgumentException} naming the field, the value and the limit; {@link #build()} checks
   * combinations and throws {@link IllegalStateException}. A builder is not thread-safe; {@code
   * build()} copies, so a builder can be reused.
   */
  public static final class Builder {
    private String name = "debounce";
    private Duration interval = DEFAULT_INTERVAL;
    private Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;
    private int maxKeys = DEFAULT_MAX_KEYS;
    private @Nullable ScheduledExecutorService scheduler;
    private @Nullable Executor executor;
    private Ticker ticker = Ticker.system();
    private DebounceListener listener = DebounceListener.NONE;

    private Builder() {}

    /** A low-cardinality name for logs and listener calls; default {@code "debounce"}. */
    public Builder name(String name) {
      this.name = Checks.notBlank("name", name);
      return this;
    }

    /**
     * The minimum time between two deliveries for one key; default 16 ms (60 Hz). Must be positive
     * and at most one day.
     */
    public Builder interval(Duration interval) {
      this.interval = Checks.positive("interval", interval, MAX_DURATION);
      return this;
    }

    /**
     * How long a {@link KeyedDebouncer} keeps a key with nothing to deliver before forgetting it;
     * default one minute. Must be positive, at most one day, and not shorter than the interval.
     */
    public Builder idleTimeout(Duration idleTimeout) {
      this.idleTimeout = Checks.positive("idleTimeout", idleTimeout, MAX_DURATION);
      return this;
    }

    /**
     * How many keys a {@link KeyedDebouncer} tracks at once; default {@value
     * DebounceSettings#DEFAULT_MAX_KEYS}, at least 1. It bounds memory when keys come from outside
     * (a connection id, a domain name in a request). When the debouncer is full, an update for a
     * key it does not track is refused: the value is not delivered, it is counted in {@link
     * DebounceStats#rejected()}, reported to {@link DebounceListener#onKeyRefused} and the first
     * refusal is logged at WARN. Tracked keys are never evicted to make room, so a flood of new
     * keys cannot push out the values of keys already pending; room comes back as keys expire after
     * {@link #idleTimeout(Duration)}. Ignored by {@link DebouncedUpdater}.
     */
    public Builder maxKeys(int maxKeys) {
      this.maxKeys = (int) Checks.inRange("maxKeys", maxKeys, 1, Integer.MAX_VALUE);
      return this;
    }

    /**
     * The timer that spaces deliveries. The debouncer never shuts it down. Default: one daemon
     * thread shared by every debouncer in the JVM, which also runs the sinks unless {@link
     * #executor(Executor)} is set, so keep sinks quick or give them an executor.
     */
    public Builder scheduler(ScheduledExecutorService scheduler) {
      this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
      return this;
    }

    /**
     * Where timed deliveries run, for example {@code Platform::runLater} or {@code
     * SwingUtilities::invokeLater}. Default: on the timer thread. Deliveries of one key are handed
     * over one at a time, so the sink never runs concurrently with itself even on a pool.
     */
    public Builder executor(Executor executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /** The time source; default {@link Ticker#system()}. Tests pass a fake. */
    public Builder ticker(Ticker ticker) {
      this.ticker = Objects.requireNonNull(ticker, "ticker");
      return this;
    }

    /** Receives background failures; default {@link DebounceListener#NONE}. */
    public Builder listener(DebounceListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * Returns immutable settings.
     *
     * @throws IllegalStateException if the idle timeout is shorter than the interval
     */
    public DebounceSettings build() {
      return new DebounceSettings(
          name, interval, idleTimeout, maxKeys, scheduler, executor, ticker, listener);
    }
  }
}
