package dev.alchemist.ai;

import dev.alchemist.ai.internal.SimulatedModel;
import dev.alchemist.core.Checks;
import dev.alchemist.core.Ticker;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import org.jspecify.annotations.Nullable;

/**
 * Entry point of the simulated model: a deterministic, in-process token stream for demos, host
 * tests and load tests. The same request (model, messages, seed option) always yields the same
 * tokens; timing comes from a first-token latency and a token rate driven by one shared timer
 * thread of the simulation's own (no thread per stream; the SDK's timeouts and flush timers stay on
 * the AI module's timer, as they would beside a real model server; a {@code scheduler} given to the
 * builder drives both). Failure injection makes error paths testable. It is the embedded default
 * model of {@link ChatStreamer}.
 *
 * <p>The model is thread-safe; {@code close()} cancels its open streams.
 */
public final class SimulatedChatModel {
  private SimulatedChatModel() {}

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Immutable settings of the simulated model.
   *
   * @param seed mixed into every answer's random sequence
   * @param firstTokenLatency delay from the request to the first token
   * @param tokensPerSecond token rate after the first token
   * @param tokensPerAnswer tokens per answer (capped by the request's {@code maxTokens})
   * @param newlineEvery a token ends a line every this many tokens (0: never)
   * @param failureRate probability that a stream fails mid-way, at a seeded random token
   * @param failAfterTokens fail every stream after this many tokens (-1: never; 0: before any)
   */
  public record Settings(
      long seed,
      Duration firstTokenLatency,
      double tokensPerSecond,
      int tokensPerAnswer,
      int newlineEvery,
      double failureRate,
      int failAfterTokens,
      StreamTimeouts timeouts,
      @Nullable ScheduledExecutorService scheduler,
      MeterRegistry registry,
      Ticker ticker,
      AiListener listener) {}

  /** Builds a simulated model; setters validate, reusable, not thread-safe. */
  public static final class Builder {
    private long seed = 42;
    private Duration firstTokenLatency = Duration.ofMillis(150);
    private double tokensPerSecond = 50;
    private int tokensPerAnswer = 60;
    private int newlineEvery = 15;
    private double failureRate;
    private int failAfterTokens = -1;
    private StreamTimeouts timeouts = StreamTimeouts.DEFAULTS;
    private @Nullable ScheduledExecutorService scheduler;
    private MeterRegistry registry = Metrics.globalRegistry;
    private Ticker ticker = Ticker.system();
    private AiListener listener = AiListener.NONE;

    private Builder() {}

    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /** Delay before the first token; default 150 ms. Zero is allowed. */
    public Builder firstTokenLatency(Duration latency) {
      Checks.notNull("firstTokenLatency", latency);
      if (latency.isNegative()) {
        throw new IllegalArgumentException(
            "firstTokenLatency must not be negative but was " + latency);
      }
      this.firstTokenLatency = latency;
      return this;
    }

    /** Tokens per second after the first; default 50, at most 1,000,000. */
    public Builder tokensPerSecond(double rate) {
      this.tokensPerSecond = Checks.positive("tokensPerSecond", rate, 1_000_000);
      return this;
    }

    /** Tokens in each answer; default 60. */
    public Builder tokensPerAnswer(int tokens) {
      this.tokensPerAnswer = (int) Checks.inRange("tokensPerAnswer", tokens, 1, 1_000_000);
      return this;
    }

    /** Every n-th token ends with a newline; default 15, 0 disables. */
    public Builder newlineEvery(int n) {
      this.newlineEvery = (int) Checks.inRange("newlineEvery", n, 0, 1_000_000);
      return this;
    }

    /** Probability in [0, 1] that a stream fails mid-way; default 0. */
    public Builder failureRate(double rate) {
      this.failureRate = Checks.nonNegative("failureRate", rate, 1.0);
      return this;
    }

    /** Every stream fails after this many tokens; default -1 (never). */
    public Builder failAfterTokens(int tokens) {
      this.failAfterTokens = (int) Checks.inRange("failAfterTokens", tokens, -1, 1_000_000);
      return this;
    }

    public Builder timeouts(StreamTimeouts timeouts) {
      this.timeouts = Checks.notNull("timeouts", timeouts);
      return this;
    }

    /**
     * The scheduler of the streams' timeouts and of the tokens themselves (a test drives a fake one
     * by hand). Default: timeouts on the JVM-wide timer, tokens on a timing wheel of 1 ms ticks on
     * one daemon thread of their own.
     */
    public Builder scheduler(ScheduledExecutorService scheduler) {
      this.scheduler = Checks.notNull("scheduler", scheduler);
      return this;
    }

    /**
     * Where the stream meters go; default {@code Metrics.globalRegistry}. {@link ChatModel#close()}
     * removes the meters it registered. Counters and timers with equal tags add up across live
     * instances; {@code alchemist.ai.streams.active} is a total per provider, the sum of the live
     * clients' open streams, so a closed client's streams never stay in it.
     */
    public Builder meterRegistry(MeterRegistry registry) {
      this.registry = Checks.notNull("registry", registry);
      return this;
    }

    public Builder ticker(Ticker ticker) {
      this.ticker = Checks.notNull("ticker", ticker);
      return this;
    }

    public Builder listener(AiListener listener) {
      this.listener = Checks.notNull("listener", listener);
      return this;
    }

    public Settings settings() {
      return new Settings(
          seed,
          firstTokenLatency,
          tokensPerSecond,
          tokensPerAnswer,
          newlineEvery,
          failureRate,
          failAfterTokens,
          timeouts,
          scheduler,
          registry,
          ticker,
          listener);
    }

    public ChatModel build() {
      return new SimulatedModel(settings());
    }
  }
}
