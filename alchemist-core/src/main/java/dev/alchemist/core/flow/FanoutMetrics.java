package dev.alchemist.core.flow;

import dev.alchemist.core.flow.internal.DefaultFrameFanout;
import dev.alchemist.core.internal.OwnedMeters;
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
 * <p>The meters leave the registry when the fan-out closes. Immutable and thread-safe.
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

  /**
   * Registers the meters on {@code registry}; they are removed when the fan-out closes.
   *
   * @throws IllegalStateException if another live fan-out of the same name is bound to {@code
   *     registry} (give each its own settings name)
   */
  @Override
  public void bindTo(MeterRegistry registry) {
    Tags tags = Tags.of("name", fanout.settings().name());
    OwnedMeters meters = OwnedMeters.of(registry, "frame fan-out " + fanout.settings().name());
    try {
      meters.exclusive(
          Gauge.builder("alchemist.flow.fanout.connections", fanout, f -> f.stats().connections())
                  .tags(tags)
                  .description("Connections open now")
              ::register);
      counter(
          meters,
          "alchemist.flow.fanout.published",
          tags,
          "Frames published",
          f -> f.stats().published());
      counter(
          meters,
          "alchemist.flow.fanout.frames",
          tags.and("outcome", "sent"),
          "Frames by what became of them per connection",
          f -> f.stats().sent());
      counter(
          meters,
          "alchemist.flow.fanout.frames",
          tags.and("outcome", "skipped"),
          "Frames by what became of them per connection",
          f -> f.stats().skipped());
      counter(
          meters,
          "alchemist.flow.fanout.dropped",
          tags,
          "Connections dropped because a send failed or stalled",
          f -> f.stats().dropped());
    } catch (RuntimeException e) {
      meters.close();
      throw e;
    }
    DefaultFrameFanout.whenClosed(fanout, meters::close);
  }

  private void counter(
      OwnedMeters meters,
      String name,
      Tags tags,
      String description,
      ToDoubleFunction<FrameFanout<?>> value) {
    meters.exclusive(
        FunctionCounter.builder(name, fanout, value).tags(tags).description(description)::register);
  }
}
