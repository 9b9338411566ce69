package dev.alchemist.cache.internal;

import dev.alchemist.core.Checks;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * A region's writes: put, putAsync and putAll to the store, the near cache kept in step with what
 * landed (through its write epochs), and the message that tells the other instances a key changed.
 * A put that did not land leaves the old value in Redis, so it becomes a pending invalidation of
 * the {@link Fences}; a message that did not go out is left to them too. Kept apart from the region
 * so the bookkeeping after a write reads in one place; loads announce their writes through {@link
 * #announce}. Thread-safe.
 *
 * @param <K> key type
 * @param <V> value type
 */
final class RegionWriter<K, V> {

  private static final Object FAILED = RegionEntries.FAILED;

  private final String name;
  private final String regionPrefix;
  private final KeyCodec<K> keys;
  private final Store store;
  private final InvalidationBus bus;
  private final Clock clock;
  private final CacheMetrics metrics;
  private final NearCache<K> near;
  private final Fences fences;
  private final RegionEntries<V> io;
  private final ExecutorHandoff handoff;

  RegionWriter(
      String name,
      String regionPrefix,
      KeyCodec<K> keys,
      Store store,
      InvalidationBus bus,
      Clock clock,
      CacheMetrics metrics,
      NearCache<K> near,
      Fences fences,
      RegionEntries<V> io,
      ExecutorHandoff handoff) {
    this.name = name;
    this.regionPrefix = regionPrefix;
    this.keys = keys;
    this.store = store;
    this.bus = bus;
    this.clock = clock;
    this.metrics = metrics;
    this.near = near;
    this.fences = fences;
    this.io = io;
    this.handoff = handoff;
  }

  void put(K key, V value) {
    Prepared put = prepare(key, value);
    Object answer = io.await(store.set(regionPrefix + put.encoded, put.bytes, put.ttl), "put");
    afterPut(key, put.encoded, value, put.expiresAt, put.writeEpoch, answer != FAILED);
  }

  CompletableFuture<Void> putAsync(K key, V value) {
    Prepared put = prepare(key, value);
    String encoded = put.encoded;
    CompletableFuture<Void> result = new CompletableFuture<>();
    handoff.onExecutor(
        store.set(regionPrefix + encoded, put.bytes, put.ttl),
        result,
        "putAsync",
        // The write may or may not have landed: keep neither the value nor the old one.
        () -> {
          near.endWrite(key, null, put.writeEpoch);
          fences.remember(regionPrefix + encoded, encoded);
        },
        (ok, error) -> {
          if (error != null) {
            io.storeFailure("put", error);
          }
          afterPut(key, encoded, value, put.expiresAt, put.writeEpoch, error == null);
          result.complete(null);
        });
    return result;
  }

  /** One put, checked, encoded and begun in the near cache, before it is sent. */
  private record Prepared(
      String encoded, long ttl, long expiresAt, byte[] bytes, long writeEpoch) {}

  private Prepared prepare(K key, V value) {
    Checks.notNull("key", key);
    Checks.notNull("value", value);
    String encoded = keys.encode(key);
    long ttl = io.jitteredTtl();
    long expiresAt = clock.millis() + ttl;
    byte[] bytes = io.encode(value, expiresAt);
    return new Prepared(encoded, ttl, expiresAt, bytes, near.beginWrite(key));
  }

  void putAll(Map<? extends K, ? extends V> entries) {
    Checks.notNull("entries", entries);
    int n = entries.size();
    List<K> keyList = new ArrayList<>(n);
    List<V> valueList = new ArrayList<>(n);
    List<String> encodedKeys = new ArrayList<>(n);
    List<String> redisKeys = new ArrayList<>(n);
    List<byte[]> payloads = new ArrayList<>(n);
    long[] ttls = new long[n];
    long[] expiries = new long[n];
    long now = clock.millis();
    // Encode everything first, so a value the codec refuses fails the call before any write.
    for (Map.Entry<? extends K, ? extends V> e : entries.entrySet()) {
      K key = Checks.notNull("key", e.getKey());
      V value = Checks.notNull("value", e.getValue());
      int i = keyList.size();
      keyList.add(key);
      valueList.add(value);
      String encoded = keys.encode(key);
      encodedKeys.add(encoded);
      redisKeys.add(regionPrefix + encoded);
      ttls[i] = io.jitteredTtl();
      expiries[i] = now + ttls[i];
      payloads.add(io.encode(value, expiries[i]));
    }
    if (n == 0) {
      return;
    }
    long[] writeEpochs = near.beginWrites(keyList);
    boolean ok = io.await(store.setAll(redisKeys, payloads, ttls), "putAll") != FAILED;
    for (int i = 0; i < n; i++) {
      afterPut(
          keyList.get(i), encodedKeys.get(i), valueList.get(i), expiries[i], writeEpochs[i], ok);
    }
  }

  /**
   * After a put: keeps the value in the near cache if it landed; a put that did not land leaves the
   * old value in Redis, so it becomes a pending invalidation.
   */
  private void afterPut(
      K key, String encoded, Object value, long expiresAt, long writeEpoch, boolean landed) {
    String redisKey = regionPrefix + encoded;
    if (!landed) {
      metrics.dropped.increment();
      near.endWrite(key, null, writeEpoch);
      fences.remember(redisKey, encoded);
      return;
    }
    metrics.stored.increment();
    near.endWrite(key, new NearCache.Entry(value, expiresAt), writeEpoch);
    announce(redisKey, encoded);
  }

  /**
   * Tells the other instances that {@code encoded} changed; a message that did not go out is left
   * to the fences, which send it again.
   */
  void announce(String redisKey, String encoded) {
    bus.publishKey(name, encoded)
        .whenComplete(
            (ok, error) -> {
              if (error != null) {
                publishFailed(ok, error);
                fences.rememberMessage(redisKey, encoded);
              }
            });
  }

  private void publishFailed(@Nullable Void ok, @Nullable Throwable error) {
    if (error != null) {
      io.storeFailure("publish", error);
    }
  }
}
