package dev.alchemist.ai.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/** Chunk meters per (provider, model), with the same bounded model tag as {@link StreamMetrics}. */
public final class ChunkMetrics {
  private final MeterRegistry registry;
  private final ConcurrentMap<String, Meters> meters = new ConcurrentHashMap<>();

  public ChunkMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  public MeterRegistry registry() {
    return registry;
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
          Timer.builder("alchemist.ai.first.chunk")
              .description("Time from the request to the first chunk handed to a subscriber")
              .tags("provider", provider, "model", model)
              .publishPercentileHistogram()
              .serviceLevelObjectives(StreamMetrics.FIRST_TOKEN_SLO)
              .register(registry);
      chunks =
          Counter.builder("alchemist.ai.chunks")
              .description("Chunks delivered to subscribers")
              .tags("provider", provider, "model", model)
              .register(registry);
      bufferDelay =
          Timer.builder("alchemist.ai.buffer.delay")
              .description(
                  "Latency added by buffering: oldest token's arrival to its chunk's delivery")
              .tags("provider", provider, "model", model)
              .register(registry);
      overflows =
          Counter.builder("alchemist.ai.buffer.overflows")
              .description("Subscribers failed because their pending text exceeded maxPendingBytes")
              .tags("provider", provider, "model", model)
              .register(registry);
    }
  }
}
