package dev.alchemist.cache.internal;

import dev.alchemist.cache.Cache;
import dev.alchemist.cache.CacheKeys;
import dev.alchemist.cache.CacheListener;
import dev.alchemist.cache.CachePolicy;
import dev.alchemist.core.Checks;
import dev.alchemist.core.codec.Codec;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A cache region: a {@link NearCache} over a {@link Store}, with single-flight loading.
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

  private static final Logger LOG = LoggerFactory.getLogger(DefaultCache.class);

  private static final Object NULL = RegionEntries.NULL;
  private static final Object FAILED = RegionEntries.FAILED;

  /** What a load read from the store before running the loader: the bytes its write expects. */
  private record Seen(byte @Nullable [] bytes, long epoch, long generation) {}

  /** One in-progress load of a key in this JVM. */
  private static final class Flight {
    final Thread leader = Thread.currentThread();
    final CompletableFuture<Object> result = new CompletableFuture<>();
  }

  private final CachePolicy policy;
  private final String name;
  private final String regionPrefix;
  private final String leasePrefix;
  private final KeyCodec<K> keys;
  private final Store store;
  private final InvalidationBus bus;
  private final Clock clock;
  private final Executor executor;
  private final CacheListener listener;
  private final CacheMetrics metrics;
  private final long awaitMillis;
  private final long ttlMillis;
  private final long jitterMillis;
  private final long refreshAheadMillis;
  private final NearCache<K> near;
  private final Fences fences;
  private final RegionEntries<V> io;

  private volatile boolean closed;

  /** Bumped by invalidateAll(): a load that overlaps one does not write. */
  private final AtomicLong generation = new AtomicLong();

  private final ConcurrentHashMap<K, Flight> flights = new ConcurrentHashMap<>();
  private final Set<K> refreshing = ConcurrentHashMap.newKeySet();
  private final AtomicLong leaseTokens = new AtomicLong();
  private final String instanceTag = Long.toHexString(ThreadLocalRandom.current().nextLong());

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
    this.leasePrefix = keyPrefix + ":" + name + ":lease:v" + policy.keyVersion() + ":";
    this.keys = KeyCodec.forType(keyType);
    this.store = store;
    this.bus = bus;
    this.clock = runtime.clock();
    this.executor = runtime.executor();
    this.listener = runtime.listener();
    this.metrics = new CacheMetrics(runtime.registry(), name, store::circuitState);
    this.awaitMillis = runtime.operationTimeout().toMillis() * 2 + 1000;
    this.ttlMillis = policy.ttl().toMillis();
    this.jitterMillis = policy.ttlJitter().toMillis();
    this.refreshAheadMillis = policy.refreshAhead().toMillis();
    this.near = new NearCache<>(policy, runtime, bus);
    this.io = new RegionEntries<>(policy, codec, store, metrics, listener, awaitMillis);
    // A tombstone outlives any value written before it (ttl + jitter), so none can come back.
    this.fences =
        new Fences(
            name,
            regionPrefix,
            store,
            bus,
            runtime,
            ttlMillis + jitterMillis,
            e -> io.storeFailure("invalidate_retry", e));
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
    RegionEntries.Found found = readStore(key);
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
    onExecutor(
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
      maybeRefresh(key, hit.expiresAtMillis(), loader);
      return unwrap(NearCache.value(hit));
    }
    Flight mine = new Flight();
    Flight other = flights.putIfAbsent(key, mine);
    if (other != null) {
      if (other.leader == Thread.currentThread()) {
        throw new IllegalStateException(
            "the loader of cache " + name + " asked for the key it is loading");
      }
      return unwrap(join(other));
    }
    try {
      Object value = loadThrough(key, loader);
      mine.result.complete(value);
      return unwrap(value);
    } catch (RuntimeException | Error e) {
      mine.result.completeExceptionally(e);
      throw e;
    } finally {
      flights.remove(key, mine);
    }
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
    Checks.notNull("key", key);
    Checks.notNull("value", value);
    String encoded = keys.encode(key);
    long ttl = jitteredTtl();
    long expiresAt = clock.millis() + ttl;
    byte[] bytes = io.encode(value, expiresAt);
    long writeEpoch = near.beginWrite(key);
    Object answer = io.await(store.set(regionPrefix + encoded, bytes, ttl), "put");
    afterPut(key, encoded, value, expiresAt, writeEpoch, answer != FAILED);
  }

  @Override
  public CompletableFuture<Void> putAsync(K key, V value) {
    checkOpen("putAsync");
    Checks.notNull("key", key);
    Checks.notNull("value", value);
    String encoded = keys.encode(key);
    long ttl = jitteredTtl();
    long expiresAt = clock.millis() + ttl;
    byte[] bytes = io.encode(value, expiresAt);
    long writeEpoch = near.beginWrite(key);
    CompletableFuture<Void> result = new CompletableFuture<>();
    onExecutor(
        store.set(regionPrefix + encoded, bytes, ttl),
        result,
        "putAsync",
        // The write may or may not have landed: keep neither the value nor the old one.
        () -> {
          near.endWrite(key, null, writeEpoch);
          fences.remember(regionPrefix + encoded, encoded);
        },
        (ok, error) -> {
          if (error != null) {
            io.storeFailure("put", error);
          }
          afterPut(key, encoded, value, expiresAt, writeEpoch, error == null);
          result.complete(null);
        });
    return result;
  }

  @Override
  public void putAll(Map<? extends K, ? extends V> entries) {
    checkOpen("putAll");
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
      ttls[i] = jitteredTtl();
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
    generation.incrementAndGet();
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
    generation.incrementAndGet();
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

  /** A store read of one key with metrics and near-cache fill; null for a miss. */
  private RegionEntries.@Nullable Found readStore(K key) {
    return readThrough(key).found;
  }

  private record Read(RegionEntries.@Nullable Found found, Seen seen) {}

  /** Reads the key (unless an invalidation of it is pending) and what a load must expect. */
  private Read readThrough(K key) {
    String redisKey = regionPrefix + keys.encode(key);
    long epoch = near.epoch(key);
    long gen = generation.get();
    if (fences.isPending(redisKey)) {
      metrics.misses.increment();
      return new Read(null, new Seen(null, epoch, gen));
    }
    Object answer = io.await(store.get(redisKey), "get");
    byte[] bytes = answer instanceof byte[] b ? b : null;
    RegionEntries.Found found = io.usable(bytes == null ? null : io.decode(redisKey, bytes));
    Seen seen = new Seen(bytes, epoch, gen);
    if (found == null) {
      metrics.misses.increment();
      return new Read(null, seen);
    }
    metrics.l2Hits.increment();
    near.fill(key, found.value(), found.expiresAtMillis(), epoch);
    return new Read(found, seen);
  }

  private Object loadThrough(K key, Function<? super K, ? extends @Nullable V> loader) {
    Read read = readThrough(key);
    if (read.found != null) {
      maybeRefresh(key, read.found.expiresAtMillis(), loader);
      return read.found.value();
    }
    if (!policy.loadLease()) {
      return loadAndStore(key, loader, read.seen);
    }
    String encoded = keys.encode(key);
    String leaseKey = leasePrefix + encoded;
    byte[] token =
        (instanceTag + ":" + leaseTokens.incrementAndGet()).getBytes(StandardCharsets.UTF_8);
    long leaseMillis = policy.leaseTtl().toMillis();
    Object acquired = io.await(store.setIfAbsent(leaseKey, token, leaseMillis), "lease");
    if (acquired == FAILED) {
      return loadAndStore(key, loader, read.seen);
    }
    if (Boolean.TRUE.equals(acquired)) {
      try {
        return loadAndStore(key, loader, read.seen);
      } finally {
        store.deleteIfEquals(leaseKey, token);
      }
    }
    RegionEntries.Found other = awaitOtherInstance(key, leaseMillis);
    return other != null ? other.value() : loadAndStore(key, loader, read.seen);
  }

  /** Polls the store while another instance holds the lease; null if it never delivered. */
  private RegionEntries.@Nullable Found awaitOtherInstance(K key, long leaseMillis) {
    String redisKey = regionPrefix + keys.encode(key);
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(leaseMillis);
    long pause = 5;
    while (System.nanoTime() - deadline < 0) {
      try {
        Thread.sleep(pause);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return null;
      }
      pause = Math.min(pause * 2, 100);
      long epoch = near.epoch(key);
      Object answer = io.await(store.get(redisKey), "get");
      if (answer == FAILED) {
        return null;
      }
      if (answer != null) {
        RegionEntries.Found found = io.decode(redisKey, (byte[]) answer);
        if (found != null) {
          near.fill(key, found.value(), found.expiresAtMillis(), epoch);
          return found;
        }
      }
    }
    return null;
  }

  /**
   * Runs the loader and writes its value only if the key still holds what {@code seen} read: an
   * invalidation, put or other load meanwhile wins, and this (older) value is only returned.
   */
  private Object loadAndStore(K key, Function<? super K, ? extends @Nullable V> loader, Seen seen) {
    V value = runLoader(key, loader);
    if (value == null && !policy.cacheNulls()) {
      return NULL;
    }
    String encoded = keys.encode(key);
    String redisKey = regionPrefix + encoded;
    if (generation.get() != seen.generation() || fences.isPending(redisKey)) {
      return value == null ? NULL : value;
    }
    long ttl = value == null ? policy.nullTtl().toMillis() : jitteredTtl();
    long expiresAt = clock.millis() + ttl;
    byte[] bytes = value == null ? EntryFormat.nullMarker(expiresAt) : io.encode(value, expiresAt);
    Object stored = io.await(store.setIfEquals(redisKey, seen.bytes(), bytes, ttl), "load");
    Object kept = value == null ? NULL : value;
    if (Boolean.TRUE.equals(stored)) {
      metrics.stored.increment();
      near.fill(key, kept, expiresAt, seen.epoch());
      // It replaced what others may hold (a refresh replaces a value): tell them.
      announce(redisKey, encoded);
    }
    return kept;
  }

  private @Nullable V runLoader(K key, Function<? super K, ? extends @Nullable V> loader) {
    long start = System.nanoTime();
    try {
      V value = loader.apply(key);
      metrics.loadSuccesses.increment();
      return value;
    } catch (RuntimeException | Error e) {
      metrics.loadFailures.increment();
      throw e;
    } finally {
      metrics.loadTime.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
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
  private void announce(String redisKey, String encoded) {
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

  /**
   * Runs {@code body} on the executor when {@code stage} completes; if the executor refuses, {@code
   * onRejected} runs in place (it must be cheap) and {@code result} fails with a {@link
   * RejectedExecutionException} naming the cache, instead of never completing.
   */
  private <T> void onExecutor(
      CompletableFuture<T> stage,
      CompletableFuture<?> result,
      String operation,
      Runnable onRejected,
      BiConsumer<@Nullable T, @Nullable Throwable> body) {
    stage.whenComplete(
        (value, error) -> {
          try {
            executor.execute(
                () -> {
                  try {
                    body.accept(value, error);
                  } catch (RuntimeException e) {
                    result.completeExceptionally(e);
                  }
                });
          } catch (RejectedExecutionException e) {
            try {
              onRejected.run();
            } finally {
              result.completeExceptionally(
                  new RejectedExecutionException(
                      "cache "
                          + name
                          + ": the executor rejected the completion of "
                          + operation
                          + " ("
                          + e.getMessage()
                          + "); give the manager an executor with room, or none for its own",
                      e));
            }
          }
        });
  }

  private void maybeRefresh(
      K key, long expiresAtMillis, Function<? super K, ? extends @Nullable V> loader) {
    if (refreshAheadMillis == 0
        || expiresAtMillis - clock.millis() >= refreshAheadMillis
        || !refreshing.add(key)) {
      return;
    }
    try {
      executor.execute(
          () -> {
            try {
              // What the refresh replaces is read here, so a change meanwhile wins over it.
              Seen seen = readThrough(key).seen;
              loadAndStore(key, loader, seen);
              metrics.refreshes.increment();
            } catch (RuntimeException e) {
              metrics.refreshFailures.increment();
              io.logOnce("refresh", "refresh-ahead load failed", e);
              io.notify(() -> listener.onRefreshFailure(name, e));
            } finally {
              refreshing.remove(key);
            }
          });
    } catch (RejectedExecutionException e) {
      refreshing.remove(key);
    }
  }

  private Object join(Flight flight) {
    try {
      return flight.result.join();
    } catch (java.util.concurrent.CompletionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException re) {
        throw re;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw e;
    }
  }

  private long jitteredTtl() {
    if (jitterMillis == 0) {
      return ttlMillis;
    }
    return ttlMillis + ThreadLocalRandom.current().nextLong(-jitterMillis, jitterMillis + 1);
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
