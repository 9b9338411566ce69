package dev.alchemist.ai.internal;

import dev.alchemist.core.internal.OwnedMeters;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * The stream meters of one provider, cached per model so that a stream looks its meters up once.
 * Model names beyond {@link #MAX_MODELS} share the tag value {@code other}, which keeps the series
 * count bounded whatever the host passes. {@link #close()} removes them (those no other live client
 * of the provider still counts on). Thread-safe.
 */
public final class StreamMetrics {
  /** Distinct model tag values per provider before names fold into {@code other}. */
  public static final int MAX_MODELS = 32;

  /** The agreed first-token objective. */
  public static final Duration FIRST_TOKEN_SLO = Duration.ofMillis(500);

  private final OwnedMeters meters;
  private final String provider;
  private final AtomicInteger active = new AtomicInteger();
  private final ConcurrentMap<String, ModelMeters> models = new ConcurrentHashMap<>();
  private final Counter skipped;

  public StreamMetrics(MeterRegistry registry, String provider) {
    this.meters = OwnedMeters.of(registry, "model client of provider " + provider);
    this.provider = provider;
    // A total per provider by design: several live clients of one provider (two endpoints, a
    // streamer's replays) add their open streams; a closed client's part leaves with it.
    meters.summed(
        "alchemist.ai.streams.active",
        Tags.of("provider", provider),
        "Model streams open now",
        active::get);
    skipped =
        meters.shared(
            Counter.builder("alchemist.ai.parse.skipped")
                    .description("Stream lines or events that could not be read and were skipped")
                    .tag("provider", provider)
                ::register);
  }

  /** Removes this client's meters; see the type's documentation. Idempotent. */
  public void close() {
    meters.close();
  }

  /** Registers a cumulative meter that {@link #close()} removes, as {@link OwnedMeters#shared}. */
  public <M extends Meter> M shared(Function<MeterRegistry, M> register) {
    return meters.shared(register);
  }

  public String provider() {
    return provider;
  }

  public MeterRegistry registry() {
    return meters.registry();
  }

  public ModelMeters model(String model) {
    ModelMeters m = models.get(model);
    if (m != null) {
      return m;
    }
    if (models.size() >= MAX_MODELS) {
      // "\0" cannot start a real model name, so the overflow entry never collides with one.
      return models.computeIfAbsent("\0other", k -> new ModelMeters("other"));
    }
    return models.computeIfAbsent(model, k -> new ModelMeters(k));
  }

  public void opened() {
    active.incrementAndGet();
  }

  public void closed() {
    active.decrementAndGet();
  }

  public int active() {
    return active.get();
  }

  public void skipped() {
    skipped.increment();
  }

  public Counter retries(String reason) {
    return meters.shared(
        Counter.builder("alchemist.ai.retries")
                .description("Model calls retried before their first token")
                .tags("provider", provider, "reason", reason)
            ::register);
  }

  /** Meters of one (provider, model) pair. */
  public final class ModelMeters {
    public final String tag;
    public final Timer firstByte;
    public final Timer firstToken;
    public final Counter tokens;
    public final DistributionSummary tokenRate;

    ModelMeters(String tag) {
      this.tag = tag;
      firstByte =
          meters.shared(
              Timer.builder("alchemist.ai.first.byte")
                      .description("Time from the request to the response headers")
                      .tags("provider", provider, "model", tag)
                  ::register);
      firstToken =
          meters.shared(
              Timer.builder("alchemist.ai.first.token")
                      .description("Time from the request to the first token")
                      .tags("provider", provider, "model", tag)
                      .publishPercentileHistogram()
                      .serviceLevelObjectives(FIRST_TOKEN_SLO)
                  ::register);
      tokens =
          meters.shared(
              Counter.builder("alchemist.ai.tokens")
                      .description("Tokens received from the model")
                      .tags("provider", provider, "model", tag)
                  ::register);
      tokenRate =
          meters.shared(
              DistributionSummary.builder("alchemist.ai.token.rate")
                      .description("Tokens per second of each completed stream")
                      .baseUnit("tokens/s")
                      .tags("provider", provider, "model", tag)
                  ::register);
    }

    /** Records the end of a stream with its outcome. */
    public void ended(String outcome, long nanos) {
      meters
          .shared(
              Timer.builder("alchemist.ai.streams")
                      .description("Model streams by outcome, timed from request to end")
                      .tags("provider", provider, "model", tag, "outcome", outcome)
                  ::register)
          .record(nanos, TimeUnit.NANOSECONDS);
    }
  }
}
