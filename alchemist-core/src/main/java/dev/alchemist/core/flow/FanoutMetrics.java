package dev.alchemist.core.flow;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Objects;
import java.util.function.ToDoubleFunction;

/**
 * Publishes a {@link FrameFanout}'s {@link FanoutStats} to Micrometer; meters read the counters
 * when the registry is scraped, so the hot path pays nothing. Tagged {@code name=<settings name>}.
 *
 * <table>
 *   <caption>Meters</caption>
 *   <tr><th>meter</th><th>type</th><th>meaning</th></tr>
 *   <tr><td>{@code alchemist.flow.fanout.connections}</td><td>gauge</td>
 *       <td>connections open now</td></tr>
 *   <tr><td>{@code alchemist.flow.fanout.published}</td><td>counter</td>
 *       <td>frames published</td></tr>
 *   <tr><td>{@code alchemist.flow.fanout.frames{outcome=sent|skipped}}</td><td>counter</td>
 *       <td>frames sent to a connection, or replaced before it could take them</td></tr>
 *   <tr><td>{@code alchemist.flow.fanout.dropped}</td><td>counter</td>
 *       <td>connections dropped because a send failed or stalled</td></tr>
 * </table>
 *
 * <p>Meters hold the fan-out weakly. Immutable and thread-safe.
 */
public final class FanoutMetrics implements MeterBinder {
  private final FrameFanout<?> fanout;

  private FanoutMetrics(FrameFanout<?> fanout) {
    this.fanout = fanout;
  }

  /** A binder for the counters of {@code fanout}. */
  public static FanoutMetrics of(FrameFanout<?> fanout) {
    return new FanoutMetrics(Objects.requireNonNull(fanout, "fanout"));
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    Tags tags = Tags.of("name", fanout.settings().name());
    Gauge.builder("alchemist.flow.fanout.connections", fanout, f -> f.stats().connections())
        .tags(tags)
        .description("Connections open now")
        .register(registry);
    counter(
        registry,
        "alchemist.flow.fanout.published",
        tags,
        "Frames published",
        s -> s.stats().published());
    counter(
        registry,
        "alchemist.flow.fanout.frames",
        tags.and("outcome", "sent"),
        "Frames by what became of them per connection",
        f -> f.stats().sent());
    counter(
        registry,
        "alchemist.flow.fanout.frames",
        tags.and("outcome", "skipped"),
        "Frames by what became of them per connection",
        f -> f.stats().skipped());
    counter(
        registry,
        "alchemist.flow.fanout.dropped",
        tags,
        "Connections dropped because a send failed or stalled",
        f -> f.stats().dropped());
  }

  private void counter(
      MeterRegistry registry,
      String name,
      Tags tags,
      String description,
      ToDoubleFunction<FrameFanout<?>> value) {
    FunctionCounter.builder(name, fanout, value)
        .tags(tags)
        .description(description)
        .register(registry);
  }
}
