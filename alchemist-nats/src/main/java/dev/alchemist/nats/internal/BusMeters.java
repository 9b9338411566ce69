package dev.alchemist.nats.internal;

import dev.alchemist.core.internal.OwnedMeters;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Counters of a bus, tagged {@code bus=in-process|nats}; shared by live buses of one kind on a
 * registry and removed when the last of them calls {@link #close()}.
 */
public final class BusMeters {
  final Counter published;
  final Counter handled;
  final Counter handlerFailed;
  final Counter dropped;
  private final OwnedMeters meters;

  public BusMeters(MeterRegistry registry, String bus) {
    meters = OwnedMeters.of(registry, bus + " bus");
    published =
        meters.shared(
            Counter.builder("alchemist.nats.published")
                    .tag("bus", bus)
                    .tag("mode", "core")
                    .description("Events published fire-and-forget")
                ::register);
    handled =
        meters.shared(
            Counter.builder("alchemist.nats.handled")
                    .tag("bus", bus)
                    .description("Events a subscription handler completed")
                ::register);
    handlerFailed =
        meters.shared(
            Counter.builder("alchemist.nats.handler.failed")
                    .tag("bus", bus)
                    .description("Events whose subscription handler threw")
                ::register);
    dropped =
        meters.shared(
            Counter.builder("alchemist.nats.dropped")
                    .tag("bus", bus)
                    .description("Events not handed to a handler because its queue was full")
                ::register);
  }

  public void published() {
    published.increment();
  }

  public void close() {
    meters.close();
  }
}
