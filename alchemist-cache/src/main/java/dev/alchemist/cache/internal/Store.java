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

  /** Deletes the keys. */
  CompletableFuture<Void> delete(List<String> keys);

  /** Deletes {@code key} only while it still holds {@code expected}. */
  CompletableFuture<Void> deleteIfEquals(String key, byte[] expected);

  /** Deletes every key that starts with {@code prefix}; blocks, and throws StoreException. */
  long deleteByPrefix(String prefix);

  /** Publishes an invalidation message to the other instances; no-op for a local store. */
  void publish(byte[] message);

  /**
   * Starts delivering other instances' invalidation messages to {@code messages}, and connection
   * events to {@code events}: {@code "disconnected"} and {@code "resubscribed"}.
   */
  void subscribe(Consumer<byte[]> messages, Consumer<String> events);

  /** Whether other instances share this store (so invalidations must be published). */
  boolean shared();

  /** The circuit breaker state; always closed for a local store. */
  CircuitState circuitState();

  /** Releases connections and threads this store created. */
  @Override
  void close();
}
