package dev.alchemist.cache;

import dev.alchemist.core.codec.CodecException;

/**
 * Receives what goes wrong in the background of a {@link CacheManager}. Every method has a no-op
 * default, so a host overrides only what it cares about. Each event is also counted in metrics, and
 * the first of each kind per cache is logged at WARN (later ones at DEBUG).
 *
 * <p>Methods are called on whatever thread saw the event (a caller thread, the decode executor or
 * Lettuce's event loop), so they must be thread-safe and quick. An exception thrown by a listener
 * is logged and otherwise ignored.
 */
public interface CacheListener {
  /** The listener that ignores everything; the default. */
  CacheListener NONE = new CacheListener() {};

  /**
   * A Redis operation failed or timed out, or was skipped because the circuit is open. A get became
   * a miss, a put or invalidation was dropped.
   *
   * @param cache the cache name
   * @param operation a low-cardinality operation name, such as {@code get} or {@code put}
   * @param failure what happened
   */
  default void onStoreFailure(String cache, String operation, Throwable failure) {}

  /**
   * Bytes under a key could not be decoded (corrupt, foreign, or of another schema). The entry was
   * deleted and the read was treated as a miss.
   *
   * @param cache the cache name
   * @param failure the codec's reason and message
   */
  default void onDecodeFailure(String cache, CodecException failure) {}

  /**
   * The circuit breaker changed state.
   *
   * @param from the old state
   * @param to the new state
   */
  default void onCircuitStateChange(CircuitState from, CircuitState to) {}

  /**
   * Every near cache of the manager was cleared because changes may have been missed (the
   * connection that carries them dropped or was re-established, or Redis was flushed).
   *
   * @param reason a short, low-cardinality reason: {@code disconnected}, {@code resubscribed} or
   *     {@code flushed}
   */
  default void onNearCacheCleared(String reason) {}

  /**
   * A refresh-ahead load in the background failed; the current value stays until it expires.
   *
   * @param cache the cache name
   * @param failure what the loader threw
   */
  default void onRefreshFailure(String cache, Throwable failure) {}
}
