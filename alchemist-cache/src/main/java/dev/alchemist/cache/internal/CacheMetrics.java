package dev.alchemist.cache.internal;

import dev.alchemist.cache.CircuitState;
import dev.alchemist.core.internal.OwnedMeters;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.function.Supplier;

/**
 * The meters of one cache region, all tagged {@code cache=<name>}; hot-path meters are created
 * once. {@link #close()} removes them; the circuit gauge belongs to one live region per registry.
 */
final class CacheMetrics {
  final Counter l1Hits;
  final Counter l2Hits;
  final Counter misses;
  final Counter stored;
  final Counter dropped;
  final Counter loadSuccesses;
  final Counter loadFailures;
  final Timer loadTime;
  final DistributionSummary readSize;
  final DistributionSummary writeSize;
  final Counter remoteInvalidations;
  final Counter clears;
  final Counter refreshes;
  final Counter refreshFailures;
  private final OwnedMeters meters;
  private final Tags tags;

  /**
   * @throws IllegalStateException if another live manager reports the region {@code cache} on
   *     {@code registry}
   */
  CacheMetrics(MeterRegistry registry, String cache, Supplier<CircuitState> circuit) {
    this.meters = OwnedMeters.of(registry, "cache " + cache + " of a cache manager");
    this.tags = Tags.of("cache", cache);
    // The gauge first: if another live manager reports this region, nothing else was registered.
    meters.exclusive(
        Gauge.builder("alchemist.cache.circuit.state", () -> circuit.get().gaugeValue())
                .description("0 closed, 1 half-open, 2 open")
                .tags(tags)
            ::register);
    l1Hits = counter("alchemist.cache.gets", "result", "l1_hit");
    l2Hits = counter("alchemist.cache.gets", "result", "l2_hit");
    misses = counter("alchemist.cache.gets", "result", "miss");
    stored = counter("alchemist.cache.puts", "result", "stored");
    dropped = counter("alchemist.cache.puts", "result", "dropped");
    loadSuccesses = counter("alchemist.cache.loads", "result", "success");
    loadFailures = counter("alchemist.cache.loads", "result", "failure");
    loadTime =
        meters.shared(
            Timer.builder("alchemist.cache.load.duration")
                    .description("time a loader took")
                    .tags(tags)
                ::register);
    readSize = size("read");
    writeSize = size("write");
    remoteInvalidations = counter("alchemist.cache.near.invalidations", "source", "remote");
    clears = counter("alchemist.cache.near.invalidations", "source", "clear");
    refreshes = counter("alchemist.cache.refreshes", "result", "success");
    refreshFailures = counter("alchemist.cache.refreshes", "result", "failure");
  }

  /** Removes this region's meters (those no other live manager's region still counts on). */
  void close() {
    meters.close();
  }

  /** Store errors by operation and kind (timeout, unavailable, circuit_open, server). */
  void error(String operation, String kind) {
    meters
        .shared(
            Counter.builder("alchemist.cache.errors")
                    .tags(tags.and("operation", operation, "kind", kind))
                ::register)
        .increment();
  }

  /** Undecodable entries by codec reason. */
  void decodeFailure(String reason) {
    meters
        .shared(
            Counter.builder("alchemist.cache.decode.failures").tags(tags.and("reason", reason))
                ::register)
        .increment();
  }

  private Counter counter(String name, String key, String value) {
    return meters.shared(Counter.builder(name).tags(tags.and(key, value))::register);
  }

  private DistributionSummary size(String operation) {
    return meters.shared(
        DistributionSummary.builder("alchemist.cache.payload.size")
                .description("bytes of an entry as stored")
                .baseUnit("bytes")
                .tags(tags.and("operation", operation))
            ::register);
  }
}
