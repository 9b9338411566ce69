package dev.alchemist.cache;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * A typed cache region handed out by {@link CacheManager#cache(CachePolicy, Class, Class)}: a near
 * cache (L1, in process) in front of the store (L2, Redis or the embedded store).
 *
 * <p>Reads never throw because the store is unavailable or holds bad bytes: such a read is a miss
 * (counted, reported to the {@link CacheListener}). Writes to an unavailable store are dropped and
 * counted, never thrown. What does throw: a value whose class the codec does not know ({@link
 * dev.alchemist.core.codec.CodecException} on encode), a {@code null} argument, and whatever a
 * loader throws.
 *
 * <p>Thread-safe. A cache has no resources of its own; {@link CacheManager#close()} closes it.
 *
 * @param <K> key type: {@code String}, {@code UUID}, a whole number, an enum, or a record of those
 *     (see {@link CacheKeys})
 * @param <V> value type, registered with the manager's codec
 */
public interface Cache<K, V> {

  /** The region's policy. */
  CachePolicy policy();

  /**
   * The value under {@code key}, or {@code null} if there is none, it is a remembered {@code null},
   * or the store cannot be read.
   */
  @Nullable V get(K key);

  /**
   * As {@link #get(Object)}, without blocking. Large values are decoded on the manager's executor,
   * never on Lettuce's event loop. The future never fails because of the store; it fails with a
   * {@link java.util.concurrent.RejectedExecutionException} naming the cache if the executor
   * refuses to run its completion.
   */
  CompletableFuture<@Nullable V> getAsync(K key);

  /**
   * The value under {@code key}; on a miss, {@code loader} computes it on the calling thread and it
   * is stored. Concurrent misses of one key in this JVM make one loader call, whose result (or
   * exception) all callers share; with {@link CachePolicy#loadLease()} concurrent misses across
   * instances make one call too. A {@code null} from the loader is returned, and remembered when
   * {@link CachePolicy#cacheNulls()} is on. The loaded value is stored only if the key still holds
   * what this call read before loading: if it was invalidated or written meanwhile (here or on
   * another instance), the value is returned but not stored, so an older value never overwrites a
   * newer state.
   *
   * @throws IllegalStateException if the loader asks for the same key of this cache again
   * @throws RuntimeException whatever the loader threw, unwrapped
   */
  @Nullable V get(K key, Function<? super K, ? extends @Nullable V> loader);

  /**
   * The values found for {@code keys}: one MGET for the keys not in the near cache (split by slot
   * on a cluster). Keys without a value are absent from the map; keys that cannot be read are too.
   */
  Map<K, V> getAll(Collection<? extends K> keys);

  /**
   * Stores {@code value} for {@code ttl ± jitter} and updates this instance's near cache; other
   * instances drop theirs (Redis tells them). Waits for the store; if it is unavailable the write
   * is dropped and counted, and the key is invalidated as soon as Redis takes it again (the old
   * value must not outlive a put that failed).
   */
  void put(K key, V value);

  /**
   * As {@link #put(Object, Object)}, without blocking; the future never fails because of the store,
   * and fails with a {@link java.util.concurrent.RejectedExecutionException} naming the cache if
   * the executor refuses to run its completion.
   */
  CompletableFuture<Void> putAsync(K key, V value);

  /** Stores every entry with one pipelined batch of SET PX commands, then as {@link #put}. */
  void putAll(Map<? extends K, ? extends V> entries);

  /**
   * Removes {@code key} from the store (leaving a tombstone, which reads as a miss, so that a load
   * that read the key earlier cannot write its old value back) and from the near cache of every
   * instance. If Redis cannot be reached, the invalidation is retried until it can, and this
   * instance reads the key as a miss meanwhile.
   */
  void invalidate(K key);

  /**
   * Removes every entry of this region (of its key version) from the store and from the near cache
   * of every instance. On Redis this scans the region's keys ({@code SCAN MATCH}), so its cost
   * grows with the size of the database.
   */
  void invalidateAll();
}
