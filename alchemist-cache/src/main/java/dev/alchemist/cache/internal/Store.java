package dev.alchemist.cache.internal;

import dev.alchemist.cache.CircuitState;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Where entries live (L2): Redis, Redis Cluster or the embedded store. Keys are full keys, values
 * opaque bytes. Futures fail with {@link StoreException} when the store cannot answer; they may
 * complete on the store's I/O thread, so callers must not do heavy work in dependent stages.
 */
public interface Store extends AutoCloseable {

  /** The bytes under {@code key}, or null. */
  CompletableFuture<byte @Nullable []> get(String key);

  /** The bytes under each key, in order, null where absent (MGET, split by slot on a cluster). */
  CompletableFuture<List<byte @Nullable []>> getAll(List<String> keys);

  /** SET key value PX ttl. */
  CompletableFuture<Void> set(String key, byte[] value, long ttlMillis);

  /** SET PX for every entry, pipelined; fails if any write fails. */
  CompletableFuture<Void> setAll(List<String> keys, List<byte[]> values, long[] ttlMillis);

  /** SET key value NX PX ttl: whether it was set. */
  CompletableFuture<Boolean> setIfAbsent(String key, byte[] value, long ttlMillis);

  /**
   * Sets {@code key} to {@code value} (PX ttl) only while it still holds {@code expected} (null:
   * while it is absent), atomically: whether it was set.
   */
  CompletableFuture<Boolean> setIfEquals(
      String key, byte @Nullable [] expected, byte[] value, long ttlMillis);

  /** Deletes the keys. */
  CompletableFuture<Void> delete(List<String> keys);

  /** Deletes {@code key} only while it still holds {@code expected}. */
  CompletableFuture<Void> deleteIfEquals(String key, byte[] expected);

  /** Deletes every key that starts with {@code prefix}; blocks, and throws StoreException. */
  long deleteByPrefix(String prefix);

  /**
   * Publishes an invalidation message to the other instances (pub/sub mode only); completes when
   * Redis took it, fails if it did not.
   */
  CompletableFuture<Void> publish(byte[] message);

  /**
   * Starts delivering what other instances changed. In pub/sub mode, their invalidation messages go
   * to {@code messages}; in tracking mode, the keys Redis reports as changed go to {@code keys}
   * (null: everything, after a flush). Connection events go to {@code events}: {@code "lost"} when
   * changes may be missed from now on, {@code "restored"} when delivery works again (in tracking
   * mode, after {@link #restoreTracking()}).
   */
  void subscribe(
      Consumer<byte[]> messages, Consumer<@Nullable List<String>> keys, Consumer<String> events);

  /** Whether other instances share this store (so they must learn of changes). */
  boolean shared();

  /**
   * Whether Redis itself tells this store of other clients' writes under the tracked prefixes
   * (RESP3 client tracking in broadcast mode), so no invalidation message needs publishing.
   */
  boolean tracking();

  /** Adds a key prefix to tracking; blocks, and throws StoreException. */
  void trackPrefix(String prefix);

  /** Turns tracking on again for every prefix after a reconnect; blocks, throws StoreException. */
  void restoreTracking();

  /** The circuit breaker state; always closed for a local store. */
  CircuitState circuitState();

  /** Releases connections and threads this store created. */
  @Override
  void close();
}
