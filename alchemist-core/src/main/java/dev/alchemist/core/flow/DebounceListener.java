package dev.alchemist.core.flow;

import java.util.concurrent.RejectedExecutionException;
import org.jspecify.annotations.Nullable;

/**
 * Receives what goes wrong, or goes away, in the background of a {@link DebouncedUpdater} or {@link
 * KeyedDebouncer}. Every method has a no-op default, so a host overrides only what it cares about.
 * Failures are also counted in {@link DebounceStats}, and the first sink failure of each debouncer
 * is logged once at WARN.
 *
 * <p>Methods are called on the thread that hit the problem (the delivery thread for sink failures,
 * the producer or scheduler thread for scheduling failures) and must be thread-safe and quick. An
 * exception thrown by a listener is logged and otherwise ignored.
 */
public interface DebounceListener {
  /** The listener that ignores everything; the default. */
  DebounceListener NONE = new DebounceListener() {};

  /**
   * The sink threw while it was given a value. The value is dropped, the failure is counted in
   * {@link DebounceStats#failed()}, and later values are delivered as usual.
   *
   * @param name the debouncer's {@link DebounceSettings#name()}
   * @param key the key of a {@link KeyedDebouncer}, or {@code null} for a {@link DebouncedUpdater}
   * @param failure what the sink threw
   */
  default void onSinkFailure(String name, @Nullable Object key, Throwable failure) {}

  /**
   * The scheduler or the delivery executor refused a task (usually because the host shut it down).
   * The value stays pending: the next update retries, and {@code flush()} or {@code close()}
   * delivers it.
   *
   * @param name the debouncer's {@link DebounceSettings#name()}
   * @param key the key of a {@link KeyedDebouncer}, or {@code null} for a {@link DebouncedUpdater}
   * @param failure the rejection
   */
  default void onSchedulingFailure(
      String name, @Nullable Object key, RejectedExecutionException failure) {}

  /**
   * A {@link KeyedDebouncer} forgot a key that stayed idle for {@link
   * DebounceSettings#idleTimeout()}; a later update for the key starts afresh. Hosts that keep
   * per-key state of their own can drop it here.
   *
   * @param name the debouncer's {@link DebounceSettings#name()}
   * @param key the key that was forgotten
   */
  default void onKeyExpired(String name, Object key) {}

  /**
   * A {@link KeyedDebouncer} that already tracks {@link DebounceSettings#maxKeys()} keys refused an
   * update for a key it does not track. The value is not delivered; it is counted in {@link
   * DebounceStats#rejected()}. Keys already tracked are unaffected.
   *
   * @param name the debouncer's {@link DebounceSettings#name()}
   * @param key the key that was refused
   * @param maxKeys the bound that was reached
   */
  default void onKeyRefused(String name, Object key, int maxKeys) {}
}
