package dev.alchemist.nats.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/** Counters of a bus, tagged {@code bus=in-process|nats}. */
public final class BusMeters {
  final Counter published;
  final Counter handled;
  final Counter handlerFailed;
  final Counter dropped;

  public BusMeters(MeterRegistry registry, String bus) {
    published =
        Counter.builder("alchemist.nats.published")
            .tag("bus", bus)
            .tag("mode", "core")
            .description("Events published fire-and-forget")
            .register(registry);
    handled =
        Counter.builder("alchemist.nats.handled")
            .tag("bus", bus)
            .description("Events a subscription handler completed")
            .register(registry);
    handlerFailed =
        Counter.builder("alchemist.nats.handler.failed")
            .tag("bus", bus)
            .description("Events whose subscription handler threw")
            .register(registry);
    dropped =
        Counter.builder("alchemist.nats.dropped")
            .tag("bus", bus)
            .description("Events not handed to a handler because its queue was full")
            .register(registry);
  }

  public void published() {
    published.increment();
  }
}
