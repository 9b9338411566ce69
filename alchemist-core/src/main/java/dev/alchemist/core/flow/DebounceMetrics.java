package dev.alchemist.core.flow;

import dev.alchemist.core.flow.internal.DebounceEngine;
import dev.alchemist.core.internal.OwnedMeters;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Objects;
import java.util.function.ToDoubleFunction;

/**
 * Publishes a debouncer's {@link DebounceStats} to Micrometer. Meters read the counters when the
 * registry is scraped, so binding costs the hot path nothing. All meters are tagged {@code
 * name=<settings name>}; keep names low-cardinality (never a user or dialog id).
 *
 * <table>
 *   <caption>Meters</caption>
 *   <tr><th>meter</th><th>type</th><th>meaning</th></tr>
 *   <tr><td>{@code alchemist.flow.updates.received}</td><td>counter</td>
 *       <td>calls to {@code update}</td></tr>
 *   <tr><td>{@code alchemist.flow.updates{outcome=delivered|coalesced|failed|rejected}}</td>
 *       <td>counter</td><td>what became of them</td></tr>
 *   <tr><td>{@code alchemist.flow.keys}</td><td>gauge</td><td>keys tracked now</td></tr>
 *   <tr><td>{@code alchemist.flow.keys.expired}</td><td>counter</td>
 *       <td>keys forgotten after their idle timeout</td></tr>
 * </table>
 *
 * <p>Meters hold the debouncer weakly, as Micrometer function meters do, so binding does not keep a
 * closed debouncer alive, and they leave the registry when the debouncer closes. They read one
 * debouncer, so binding a second live debouncer of the same name to the same registry is refused.
 * Immutable and thread-safe.
 *
 * <pre>{@code
 * DebounceMetrics.of(updater).bindTo(registry);
 * }</pre>
 */
public final class DebounceMetrics implements MeterBinder {
  private final Object debouncer;
  private final String name;
  private final StatsReader reader;

  @FunctionalInterface
  private interface StatsReader {
    DebounceStats read(Object debouncer);
  }

  private DebounceMetrics(Object debouncer, String name, StatsReader reader) {
    this.debouncer = debouncer;
    this.name = name;
    this.reader = reader;
  }

  /** Returns a binder for the counters of {@code updater}. */
  public static DebounceMetrics of(DebouncedUpdater<?> updater) {
    Objects.requireNonNull(updater, "updater");
    return new DebounceMetrics(
        updater, updater.settings().name(), o -> ((DebouncedUpdater<?>) o).stats());
  }

  /** Returns a binder for the counters of {@code debouncer}, summed over its keys. */
  public static DebounceMetrics of(KeyedDebouncer<?, ?> debouncer) {
    Objects.requireNonNull(debouncer, "debouncer");
    return new DebounceMetrics(
        debouncer, debouncer.settings().name(), o -> ((KeyedDebouncer<?, ?>) o).stats());
  }

  /**
   * Registers the meters on {@code registry}; they are removed when the debouncer closes.
   *
   * @throws IllegalStateException if another live debouncer of the same name is bound to {@code
   *     registry} (its meters read that debouncer: give each live one its own settings name)
   */
  @Override
  public void bindTo(MeterRegistry registry) {
    Tags tags = Tags.of("name", name);
    OwnedMeters meters = OwnedMeters.of(registry, "debouncer " + name);
    try {
      meters.exclusive(
          FunctionCounter.builder(
                      "alchemist.flow.updates.received", debouncer, o -> reader.read(o).received())
                  .tags(tags)
                  .description("Calls to update")
              ::register);
      counter(meters, tags, "delivered", o -> reader.read(o).delivered());
      counter(meters, tags, "coalesced", o -> reader.read(o).coalesced());
      counter(meters, tags, "failed", o -> reader.read(o).failed());
      counter(meters, tags, "rejected", o -> reader.read(o).rejected());
      meters.exclusive(
          Gauge.builder("alchemist.flow.keys", debouncer, o -> reader.read(o).keys())
                  .tags(tags)
                  .description("Keys tracked now")
              ::register);
      meters.exclusive(
          FunctionCounter.builder(
                      "alchemist.flow.keys.expired", debouncer, o -> reader.read(o).expiredKeys())
                  .tags(tags)
                  .description("Keys forgotten after their idle timeout")
              ::register);
    } catch (RuntimeException e) {
      meters.close();
      throw e;
    }
    DebounceEngine.whenClosed(debouncer, meters::close);
  }

  private void counter(
      OwnedMeters meters, Tags tags, String outcome, ToDoubleFunction<Object> value) {
    meters.exclusive(
        FunctionCounter.builder("alchemist.flow.updates", debouncer, value)
                .tags(tags.and("outcome", outcome))
                .description("Updates by outcome")
            ::register);
  }
}
