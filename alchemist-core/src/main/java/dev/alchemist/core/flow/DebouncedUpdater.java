package dev.alchemist.core.flow;

import dev.alchemist.core.flow.internal.DebounceEngine;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Passes the latest of a stream of values to a sink at most once per {@linkplain
 * DebounceSettings#interval() interval}: a dashboard model updated thousands of times a second is
 * rendered at 60 fps. Semantics are those of RxJava's {@code throttleLatest(interval, unit, true)}:
 *
 * <ul>
 *   <li>after a quiet period the first update goes out at once (leading edge);
 *   <li>updates that arrive within an interval of a delivery replace each other and only the latest
 *       goes out, one interval after the previous delivery (trailing edge, never lost);
 *   <li>no timer runs while nothing is pending, unlike a fixed-rate sampler such as Reactor's
 *       {@code sample}, which also adds up to an interval of latency to a lone update.
 *   <li>trailing deliveries keep to a grid: one that the timer ran late (a busy machine's timer
 *       thread wakes milliseconds after its time) is counted from when it was due, up to half an
 *       interval, so lateness does not lower the rate (16 ms and a timer 4 ms late: 62 deliveries a
 *       second, not 50); two deliveries are never closer than half an interval.
 * </ul>
 *
 * <p>The sink runs on the {@linkplain DebounceSettings#executor() executor} (default: the timer
 * thread) for timed deliveries, and on the caller's thread for {@link #flush()} and {@link
 * #close()}. It never runs concurrently with itself and sees values in the order they were given. A
 * sink that throws is reported to the {@link DebounceListener}, counted, and the updater keeps
 * going.
 *
 * <p>Thread-safety: {@link #update} may be called from any number of threads; it does not block
 * and, except for the first update after a quiet period (which schedules a timer task), does not
 * allocate.
 *
 * <pre>{@code
 * var settings = DebounceSettings.builder().name("dashboard").interval(Duration.ofMillis(16)).build();
 * try (DebouncedUpdater<Snapshot> updater = DebouncedUpdater.create(settings, view::render)) {
 *   events.forEach(e -> updater.update(model.apply(e)));
 * } // close() renders the last snapshot
 * }</pre>
 *
 * @param <T> the value type; values must not be null
 */
public interface DebouncedUpdater<T> extends AutoCloseable {

  /**
   * Creates an updater that passes values to {@code sink}.
   *
   * @param settings interval, timer, executor, ticker and listener
   * @param sink receives the latest value at most once per interval
   */
  static <T> DebouncedUpdater<T> create(DebounceSettings settings, Consumer<? super T> sink) {
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(sink, "sink");
    return DebounceEngine.single(settings, sink);
  }

  /**
   * Offers a new value; it replaces any value not yet delivered. An update that races with {@link
   * #close()} is either delivered by it or counted in {@link DebounceStats#rejected()}.
   *
   * @throws NullPointerException if {@code value} is null
   * @throws IllegalStateException if the updater is closed ({@code "debounced updater 'name' is
   *     closed"}); the value is counted as rejected
   */
  void update(T value);

  /**
   * Delivers the pending value, if any, now on the calling thread, and returns when the sink has
   * taken it. The next timed delivery still waits a full interval after this one. Does nothing
   * after {@link #close()}.
   */
  void flush();

  /** Returns a snapshot of the counters. */
  DebounceStats stats();

  /** Returns the settings this updater was created with. */
  DebounceSettings settings();

  /**
   * Delivers the pending value on the calling thread, cancels the timer task and makes later
   * updates throw {@link IllegalStateException}. Idempotent; does not shut down the scheduler or
   * executor, which belong to the host. An update that races with {@code close()} is either
   * delivered or counted as rejected.
   */
  @Override
  void close();
}
