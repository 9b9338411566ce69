package dev.alchemist.core.flow;

import dev.alchemist.core.flow.internal.DebounceEngine;
import java.util.Objects;
import java.util.function.BiConsumer;

/**
 * One {@link DebouncedUpdater} per key (per domain, per dashboard, per connection), all sharing one
 * timer: each key independently gets its latest value delivered at most once per {@linkplain
 * DebounceSettings#interval() interval}, with the leading-edge and trailing-edge rules of {@link
 * DebouncedUpdater}.
 *
 * <p>No thread per key: a key holds at most one timer task while it has something to deliver and
 * none while it is quiet. A key with nothing to deliver for {@link DebounceSettings#idleTimeout()}
 * is forgotten (reported to {@link DebounceListener#onKeyExpired}); a later update starts it
 * afresh, so memory is bounded by the keys active within one idle timeout, and never more than
 * {@link DebounceSettings#maxKeys()} keys: when full, updates for new keys are refused (counted and
 * reported to {@link DebounceListener#onKeyRefused}) while tracked keys go on.
 *
 * <p>The sink runs as for {@link DebouncedUpdater}: never concurrently for the same key, in order
 * per key; different keys may be delivered concurrently when the executor is a pool.
 *
 * <p>Thread-safety: all methods may be called from any thread. {@link #update} does not block and
 * does not allocate for a key that is already tracked, except to schedule the first timer task
 * after a quiet period.
 *
 * <pre>{@code
 * try (KeyedDebouncer<String, Stats> perDomain = KeyedDebouncer.create(settings, socket::send)) {
 *   perDomain.update(event.domain(), stats.of(event.domain()));
 * }
 * }</pre>
 *
 * @param <K> the key type, with value-based {@code equals} and {@code hashCode}; keys must not be
 *     null
 * @param <T> the value type; values must not be null
 */
public interface KeyedDebouncer<K, T> extends AutoCloseable {

  /**
   * Creates a keyed debouncer that passes each key's latest value to {@code sink}.
   *
   * @param settings interval, idle timeout, timer, executor, ticker and listener
   * @param sink receives a key and its latest value, at most once per interval per key
   */
  static <K, T> KeyedDebouncer<K, T> create(
      DebounceSettings settings, BiConsumer<? super K, ? super T> sink) {
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(sink, "sink");
    return DebounceEngine.keyed(settings, sink);
  }

  /**
   * Offers a new value for {@code key}; it replaces any value of that key not yet delivered. An
   * update that races with {@link #close()} is either delivered by it or counted in {@link
   * DebounceStats#rejected()}.
   *
   * @throws NullPointerException if {@code key} or {@code value} is null
   * @throws IllegalStateException if the debouncer is closed ({@code "keyed debouncer 'name' is
   *     closed"}); the value is counted as rejected
   */
  void update(K key, T value);

  /** Delivers the pending value of {@code key}, if any, now on the calling thread. */
  void flush(K key);

  /** Delivers the pending value of every key now on the calling thread. */
  void flush();

  /** Returns the number of keys tracked right now (active, or idle for less than the timeout). */
  int size();

  /** Returns a snapshot of the counters summed over all keys. */
  DebounceStats stats();

  /** Returns the settings this debouncer was created with. */
  DebounceSettings settings();

  /**
   * Delivers every key's pending value on the calling thread, cancels timer tasks and makes later
   * updates throw {@link IllegalStateException}. Idempotent; does not shut down the scheduler or
   * executor.
   */
  @Override
  void close();
}
