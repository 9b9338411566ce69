package dev.alchemist.cache.internal;

import dev.alchemist.cache.Cache;
import dev.alchemist.cache.CacheKeys;
import dev.alchemist.cache.CachePolicy;
import dev.alchemist.core.Checks;
import dev.alchemist.core.codec.Codec;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * A cache region: a {@link NearCache} over a {@link Store}, with single-flight loading. This class
 * checks the arguments, serves near-cache hits and reads, and invalidates; loads are the {@link
 * RegionLoader}'s job ({@link SingleFlight}, {@link LoadLease}, refresh-ahead), writes the {@link
 * RegionWriter}'s, and entry encoding and decoding the {@link RegionEntries}'.
 *
 * <p>Coherence: a near-cache fill never lands after an invalidation or write that raced it (see
 * {@link NearCache}). An invalidation leaves a unique tombstone in Redis ({@link Fences}); a load
 * remembers what it read from Redis before calling the loader and writes its value only if the key
 * still holds exactly that ({@link Store#setIfEquals}), so a load that overlaps an invalidation, a
 * put or another load, on this instance or any other, never writes its older value back. A load
 * that overlaps {@link #invalidateAll()} on this instance does not write either. An invalidation or
 * put that could not reach Redis is retried by {@link Fences} until it does.
 *
 * @param <K> key type
 * @param <V> value type
 */
public final class DefaultCache<K, V> implements Cache<K, V>, InvalidationBus.Region {

  private static final Object NULL = RegionEntries.NULL;
  private static final Object FAILED = RegionEntries.FAILED;

  private final CachePolicy policy;
  private final String name;
  private final String regionPrefix;
  private final KeyCodec<K> keys;
  private final Store store;
  private final InvalidationBus bus;
  private final CacheMetrics metrics;
  private final NearCache<K> near;
  private final Fences fences;
  private final RegionEntries<V> io;
  private final RegionLoader<K, V> loads;
  private final RegionWriter<K, V> writes;
  private final ExecutorHandoff handoff;

  private volatile boolean closed;

  DefaultCache(
      CachePolicy policy,
      String keyPrefix,
      Class<K> keyType,
      Codec<V> codec,
      Store store,
      InvalidationBus bus,
      CacheRuntime runtime) {
    this.policy = policy;
    this.name = policy.name();
    this.regionPrefix = CacheKeys.regionPrefix(keyPrefix, policy);
    this.keys = KeyCodec.forType(keyType);
    this.store = store;
    this.bus = bus;
    this.metrics = new CacheMetrics(runtime.registry(), name, store::circuitState);
    long awaitMillis = runtime.operationTimeout().toMillis() * 2 + 1000;
    this.near = new NearCache<>(policy, runtime, bus);
    this.io = new RegionEntries<>(policy, codec, store, metrics, runtime.listener(), awaitMillis);
    // A tombstone outlives any value written before it (ttl + jitter), so none can come back.
    this.fences =
        new Fences(
            name,
            regionPrefix,
            store,
            bus,
            runtime,
            policy.ttl().toMillis() + policy.ttlJitter().toMillis(),
            e -> io.storeFailure("invalidate_retry", e));
    this.handoff = new ExecutorHandoff(name, runtime.executor());
    this.writes =
        new RegionWriter<>(
            name,
            regionPrefix,
            keys,
            store,
            bus,
            runtime.clock(),
            metrics,
            near,
            fences,
            io,
            handoff);
    this.loads =
        new RegionLoader<>(
            policy,
            keyPrefix,
            regionPrefix,
            keys,
            store,
            runtime,
            metrics,
            near,
            fences,
            io,
            writes::announce);
  }

  @Override
  public CachePolicy policy() {
    return policy;
  }

  @Override
  public String regionPrefix() {
    return regionPrefix;
  }

  @Override
  public boolean hasNearCache() {
    return near.enabled();
  }

  // ---------------------------------------------------------------- reads

  @Override
  public @Nullable V get(K key) {
    checkOpen("get");
    Checks.notNull("key", key);
    NearCache.Entry hit = nearLookup(key);
    if (hit != null) {
      return unwrap(NearCache.value(hit));
    }
    RegionEntries.Found found = loads.read(key);
    return found == null ? null : unwrap(found.value());
  }

  @Override
  public CompletableFuture<@Nullable V> getAsync(K key) {
    checkOpen("getAsync");
    Checks.notNull("key", key);
    NearCache.Entry hit = nearLookup(key);
    if (hit != null) {
      return CompletableFuture.completedFuture(unwrap(NearCache.value(hit)));
    }
    String redisKey = regionPrefix + keys.encode(key);
    if (fences.isPending(redisKey)) {
      metrics.misses.increment();
      return CompletableFuture.completedFuture(null);
    }
    long epoch = near.epoch(key);
    CompletableFuture<@Nullable V> result = new CompletableFuture<>();
    // Decoding and the caller's dependent stages run on the executor, never on Lettuce's
    // event loop.
    handoff.onExecutor(
        store.get(redisKey),
        result,
        "getAsync",
        () -> {},
        (bytes, error) -> {
          if (error != null) {
            io.storeFailure("get", error);
            metrics.misses.increment();
            result.complete(null);
            return;
          }
          RegionEntries.Found found = io.usable(bytes == null ? null : io.decode(redisKey, bytes));
          if (found == null) {
            metrics.misses.increment();
            result.complete(null);
            return;
          }
          metrics.l2Hits.increment();
          near.fill(key, found.value(), found.expiresAtMillis(), epoch);
          result.complete(unwrap(found.value()));
        });
    return result;
  }

  @Override
  public @Nullable V get(K key, Function<? super K, ? extends @Nullable V> loader) {
    checkOpen("get");
    Checks.notNull("key", key);
    Checks.notNull("loader", loader);
    NearCache.Entry hit = nearLookup(key);
    if (hit != null) {
      loads.maybeRefresh(key, hit.expiresAtMillis(), loader);
      return unwrap(NearCache.value(hit));
    }
    return unwrap(loads.load(key, loader));
  }

  @Override
  public Map<K, V> getAll(Collection<? extends K> requested) {
    checkOpen("getAll");
    Checks.notNull("keys", requested);
    Map<K, V> found = new LinkedHashMap<>();
    List<K> missing = new ArrayList<>();
    List<String> redisKeys = new ArrayList<>();
    for (K key : new LinkedHashSet<K>(requested)) {
      Checks.notNull("key", key);
      NearCache.Entry hit = nearLookup(key);
      if (hit != null) {
        if (hit.value() != NULL) {
          found.put(key, unwrapNonNull(NearCache.value(hit)));
        }
        continue;
      }
      String redisKey = regionPrefix + keys.encode(key);
      if (fences.isPending(redisKey)) {
        metrics.misses.increment();
        continue;
      }
      missing.add(key);
      redisKeys.add(redisKey);
    }
    if (missing.isEmpty()) {
      return found;
    }
    long[] epochsBefore = new long[missing.size()];
    for (int i = 0; i < missing.size(); i++) {
      epochsBefore[i] = near.epoch(missing.get(i));
    }
    Object answer = io.await(store.getAll(redisKeys), "getAll");
    if (answer == FAILED) {
      metrics.misses.increment(missing.size());
      return found;
    }
    @SuppressWarnings("unchecked")
    List<byte @Nullable []> values = (List<byte @Nullable []>) answer;
    for (int i = 0; i < missing.size(); i++) {
      byte[] bytes = values.get(i);
      RegionEntries.Found entry = bytes == null ? null : io.decode(redisKeys.get(i), bytes);
      if (entry == null) {
        metrics.misses.increment();
        continue;
      }
      metrics.l2Hits.increment();
      K key = missing.get(i);
      near.fill(key, entry.value(), entry.expiresAtMillis(), epochsBefore[i]);
      if (entry.value() != NULL) {
        found.put(key, unwrapNonNull(entry.value()));
      }
    }
    return found;
  }

  // ---------------------------------------------------------------- writes

  @Override
  public void put(K key, V value) {
    checkOpen("put");
    writes.put(key, value);
  }

  @Override
  public CompletableFuture<Void> putAsync(K key, V value) {
    checkOpen("putAsync");
    return writes.putAsync(key, value);
  }

  @Override
  public void putAll(Map<? extends K, ? extends V> entries) {
    checkOpen("putAll");
    writes.putAll(entries);
  }

  @Override
  public void invalidate(K key) {
    checkOpen("invalidate");
    Checks.notNull("key", key);
    String encoded = keys.encode(key);
    String redisKey = regionPrefix + encoded;
    near.invalidate(key);
    if (io.await(fences.send(redisKey, encoded), "invalidate") == FAILED) {
      fences.remember(redisKey, encoded);
    }
    // Again: a read that started before the tombstone landed may have found the old value.
    near.invalidate(key);
  }

  @Override
  public void invalidateAll() {
    checkOpen("invalidateAll");
    loads.invalidatedAll();
    near.invalidateAll();
    try {
      store.deleteByPrefix(regionPrefix);
      if (io.await(bus.publishRegion(name), "invalidateAll") == FAILED) {
        fences.rememberRegion();
      }
    } catch (StoreException e) {
      io.storeFailure("invalidateAll", e);
      fences.rememberRegion();
    }
    loads.invalidatedAll();
    near.invalidateAll();
  }

  /**
   * One last attempt at the invalidations still pending, then every later call fails and the
   * region's meters are removed (the manager's close() calls it).
   */
  public void close() {
    try {
      fences.flush();
    } finally {
      closed = true;
      metrics.close();
    }
  }

  /**
   * After the manager closed, a call fails instead of returning null, running the loader without
   * the cache or dropping the put: each of those looks like a Redis outage and hides the bug.
   */
  private void checkOpen(String operation) {
    if (closed) {
      throw new IllegalStateException(
          "cache manager is closed; cache " + name + " cannot " + operation);
    }
  }

  // ---------------------------------------------------------------- invalidation messages

  @Override
  public void onRemoteKey(String encodedKey) {
    if (!near.enabled()) {
      return;
    }
    K key;
    try {
      key = keys.decode(encodedKey);
    } catch (RuntimeException e) {
      clearNear("unreadable_key");
      return;
    }
    near.invalidate(key);
    metrics.remoteInvalidations.increment();
  }

  @Override
  public void onRemoteRegion() {
    if (!near.enabled()) {
      return;
    }
    near.invalidateAll();
    metrics.remoteInvalidations.increment();
  }

  @Override
  public void clearNear(String reason) {
    if (!near.enabled()) {
      return;
    }
    near.invalidateAll();
    metrics.clears.increment();
  }

  /** Entries in the near cache now (for tests and diagnostics). */
  public long nearSize() {
    return near.size();
  }

  // ---------------------------------------------------------------- internals

  private NearCache.@Nullable Entry nearLookup(K key) {
    NearCache.Entry hit = near.get(key);
    if (hit != null) {
      metrics.l1Hits.increment();
    }
    return hit;
  }

  @SuppressWarnings("unchecked")
  private static <V> @Nullable V unwrap(Object value) {
    return value == NULL ? null : (V) value;
  }

  @SuppressWarnings("unchecked")
  private static <V> V unwrapNonNull(Object value) {
    return (V) value;
  }

  @Override
  public String toString() {
    return "Cache[" + name + ", " + store + "]";
  }
}
