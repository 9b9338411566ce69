package dev.alchemist.ai.internal;

import dev.alchemist.core.internal.OwnedMeters;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Function;

/**
 * Chunk meters per (provider, model), with the same bounded model tag as {@link StreamMetrics};
 * {@link #close()} removes them (those no other live streamer still counts on).
 */
public final class ChunkMetrics {
  private final OwnedMeters owned;
  private final ConcurrentMap<String, Meters> meters = new ConcurrentHashMap<>();

  public ChunkMetrics(MeterRegistry registry) {
    this.owned = OwnedMeters.of(registry, "chat streamer");
  }

  public MeterRegistry registry() {
    return owned.registry();
  }

  /** Registers a cumulative meter that {@link #close()} removes, as {@link OwnedMeters#shared}. */
  public <M extends Meter> M shared(Function<MeterRegistry, M> register) {
    return owned.shared(register);
  }

  /** Removes this streamer's meters. Idempotent. */
  public void close() {
    owned.close();
  }

  public Meters of(String provider, String model) {
    String key = provider + '\0' + model;
    Meters m = meters.get(key);
    if (m != null) {
      return m;
    }
    if (meters.size() >= StreamMetrics.MAX_MODELS * 4) {
      return meters.computeIfAbsent(provider + "\0\0other", k -> new Meters(provider, "other"));
    }
    return meters.computeIfAbsent(key, k -> new Meters(provider, model));
  }

  /** The chunk meters of one provider and model. */
  public final class Meters {
    public final Timer firstChunk;
    public final Counter chunks;
    public final Timer bufferDelay;
    public final Counter overflows;

    Meters(String provider, String model) {
      firstChunk =
          owned.shared(
              Timer.builder("alchemist.ai.first.chunk")
                      .description(
                          "Time from the request to the first chunk handed to a subscriber")
                      .tags("provider", provider, "model", model)
                      .publishPercentileHistogram()
                      .serviceLevelObjectives(StreamMetrics.FIRST_TOKEN_SLO)
                  ::register);
      chunks =
          owned.shared(
              Counter.builder("alchemist.ai.chunks")
                      .description("Chunks delivered to subscribers")
                      .tags("provider", provider, "model", model)
                  ::register);
      bufferDelay =
          owned.shared(
              Timer.builder("alchemist.ai.buffer.delay")
                      .description(
                          "Latency added by buffering: oldest token's arrival to its chunk's delivery")
                      .tags("provider", provider, "model", model)
                  ::register);
      overflows =
          owned.shared(
              Counter.builder("alchemist.ai.buffer.overflows")
                      .description(
                          "Subscribers failed because their pending text exceeded maxPendingBytes")
                      .tags("provider", provider, "model", model)
                  ::register);
    }
  }
}
