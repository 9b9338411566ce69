package dev.alchemist.cache.internal;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import dev.alchemist.cache.Cache;
import dev.alchemist.cache.CacheKeys;
import dev.alchemist.cache.CacheListener;
import dev.alchemist.cache.CachePolicy;
import dev.alchemist.core.Checks;
import dev.alchemist.core.codec.Codec;
import dev.alchemist.core.codec.CodecException;
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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A cache region: near cache (Caffeine) over a {@link Store}, with single-flight loading.
 *
 * <p>A near-cache fill after a store read races with invalidations; every invalidation bumps an
 * epoch (one of 64 stripes by key hash) first, and a fill only lands if the epoch it read before
 * the store read is unchanged, inside the map's {@code compute}, so a late fill never resurrects a
 * value that was invalidated meanwhile.
 *
 * @param <K> key type
 * @param <V> value type
 */
public final class DefaultCache<K, V> implements Cache<K, V>, InvalidationBus.Region {

  private static final Logger LOG = LoggerFactory.getLogger(DefaultCache.class);

  /** Stands for a remembered null in the near cache and in flights. */
  private static final Object NULL = new Object();

  /** A store operation did not complete. */
  private static final Object FAILED = new Object();

  private static final int STRIPES = 64;

  private record Near(Object value, long expiresAtMillis) {}

  private record Found(Object value, long expiresAtMillis) {}

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
  private final Codec<V> codec;
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
  private final com.github.benmanes.caffeine.cache.@Nullable Cache<K, Near> near;
  private final AtomicLongArray epochs = new AtomicLongArray(STRIPES);
  private final ConcurrentHashMap<K, Flight> flights = new ConcurrentHashMap<>();
  private final Set<K> refreshing = ConcurrentHashMap.newKeySet();
  private final Set<String> loggedOnce = ConcurrentHashMap.newKeySet();
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
    this.codec = codec;
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
    if (policy.hasNearCache()) {
      long nearTtlNanos = policy.nearCacheTtl().toNanos();
      this.near =
          Caffeine.newBuilder()
              .maximumSize(policy.nearCacheSize())
              .ticker(runtime.ticker()::read)
              .executor(executor)
              .expireAfter(
                  new Expiry<K, Near>() {
                    @Override
                    public long expireAfterCreate(K key, Near entry, long now) {
                      long left = (entry.expiresAtMillis() - clock.millis()) * 1_000_000L;
                      return Math.max(0, Math.min(nearTtlNanos, left));
                    }

                    @Override
                    public long expireAfterUpdate(K key, Near entry, long now, long current) {
                      return expireAfterCreate(key, entry, now);
                    }

                    @Override
                    public long expireAfterRead(K key, Near entry, long now, long current) {
                      return current;
                    }
                  })
              .build();
    } else {
      this.near = null;
    }
  }

  @Override
  public CachePolicy policy() {
    return policy;
  }

  // ---------------------------------------------------------------- reads

  @Override
  public @Nullable V get(K key) {
    Checks.notNull("key", key);
    Near hit = nearLookup(key);
    if (hit != null) {
      metrics.l1Hits.increment();
      return unwrap(hit.value());
    }
    Found found = readStore(key);
    return found == null ? null : unwrap(found.value());
  }

  @Override
  public CompletableFuture<@Nullable V> getAsync(K key) {
    Checks.notNull("key", key);
    Near hit = nearLookup(key);
    if (hit != null) {
      metrics.l1Hits.increment();
      return CompletableFuture.completedFuture(unwrap(hit.value()));
    }
    String encoded = keys.encode(key);
    String redisKey = regionPrefix + encoded;
    int stripe = stripe(key);
    long epoch = epochs.get(stripe);
    CompletableFuture<@Nullable V> result = new CompletableFuture<>();
    try {
      // Decoding and the caller's dependent stages run on the executor, never on Lettuce's
      // event loop.
      store
          .get(redisKey)
          .whenCompleteAsync(
              (bytes, error) -> {
                try {
                  if (error != null) {
                    storeFailure("get", error);
                    metrics.misses.increment();
                    result.complete(null);
                    return;
                  }
                  Found found = bytes == null ? null : decode(redisKey, bytes);
                  if (found == null || (found.value() == NULL && !policy.cacheNulls())) {
                    metrics.misses.increment();
                    result.complete(null);
                    return;
                  }
                  metrics.l2Hits.increment();
                  fillNear(key, found, stripe, epoch);
                  result.complete(unwrap(found.value()));
                } catch (RuntimeException e) {
                  result.completeExceptionally(e);
                }
              },
              executor);
    } catch (RejectedExecutionException e) {
      storeFailure("get", e);
      metrics.misses.increment();
      result.complete(null);
    }
    return result;
  }

  @Override
  public @Nullable V get(K key, Function<? super K, ? extends @Nullable V> loader) {
    Checks.notNull("key", key);
    Checks.notNull("loader", loader);
    Near hit = nearLookup(key);
    if (hit != null) {
      metrics.l1Hits.increment();
      maybeRefresh(key, hit.expiresAtMillis(), loader);
      return unwrap(hit.value());
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
    Checks.notNull("keys", requested);
    Map<K, V> found = new LinkedHashMap<>();
    List<K> missing = new ArrayList<>();
    for (K key : new LinkedHashSet<K>(requested)) {
      Checks.notNull("key", key);
      Near hit = nearLookup(key);
      if (hit == null) {
        missing.add(key);
      } else {
        metrics.l1Hits.increment();
        if (hit.value() != NULL) {
          found.put(key, unwrapNonNull(hit.value()));
        }
      }
    }
    if (missing.isEmpty()) {
      return found;
    }
    List<String> redisKeys = new ArrayList<>(missing.size());
    long[] epochsBefore = new long[missing.size()];
    for (int i = 0; i < missing.size(); i++) {
      redisKeys.add(regionPrefix + keys.encode(missing.get(i)));
      epochsBefore[i] = epochs.get(stripe(missing.get(i)));
    }
    Object answer = await(store.getAll(redisKeys), "getAll");
    if (answer == FAILED) {
      metrics.misses.increment(missing.size());
      return found;
    }
    @SuppressWarnings("unchecked")
    List<byte @Nullable []> values = (List<byte @Nullable []>) answer;
    for (int i = 0; i < missing.size(); i++) {
      byte[] bytes = values.get(i);
      Found entry = bytes == null ? null : decode(redisKeys.get(i), bytes);
      if (entry == null) {
        metrics.misses.increment();
        continue;
      }
      metrics.l2Hits.increment();
      K key = missing.get(i);
      fillNear(key, entry, stripe(key), epochsBefore[i]);
      if (entry.value() != NULL) {
        found.put(key, unwrapNonNull(entry.value()));
      }
    }
    return found;
  }

  // ---------------------------------------------------------------- writes

  @Override
  public void put(K key, V value) {
    Checks.notNull("key", key);
    Checks.notNull("value", value);
    write(key, value, false);
  }

  @Override
  public CompletableFuture<Void> putAsync(K key, V value) {
    Checks.notNull("key", key);
    Checks.notNull("value", value);
    String encoded = keys.encode(key);
    long ttl = jitteredTtl();
    long expiresAt = clock.millis() + ttl;
    byte[] bytes = EntryFormat.value(codec.encode(value), expiresAt);
    metrics.writeSize.record(bytes.length);
    int stripe = stripe(key);
    CompletableFuture<Void> result = new CompletableFuture<>();
    store
        .set(regionPrefix + encoded, bytes, ttl)
        .whenCompleteAsync(
            (ok, error) -> {
              afterWrite(key, encoded, stripe, value, expiresAt, error);
              result.complete(null);
            },
            executor);
    return result;
  }

  @Override
  public void putAll(Map<? extends K, ? extends V> entries) {
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
      byte[] bytes = EntryFormat.value(codec.encode(value), expiries[i]);
      metrics.writeSize.record(bytes.length);
      payloads.add(bytes);
    }
    if (n == 0) {
      return;
    }
    Object answer = await(store.setAll(redisKeys, payloads, ttls), "putAll");
    Throwable error = answer == FAILED ? new IllegalStateException("putAll failed") : null;
    for (int i = 0; i < n; i++) {
      K key = keyList.get(i);
      afterWriteCounted(
          key, encodedKeys.get(i), stripe(key), valueList.get(i), expiries[i], error, false);
    }
  }

  @Override
  public void invalidate(K key) {
    Checks.notNull("key", key);
    String encoded = keys.encode(key);
    int stripe = stripe(key);
    epochs.incrementAndGet(stripe);
    if (near != null) {
      near.invalidate(key);
    }
    await(store.delete(List.of(regionPrefix + encoded)), "invalidate");
    epochs.incrementAndGet(stripe);
    if (near != null) {
      near.invalidate(key);
    }
    bus.publishKey(name, encoded);
  }

  @Override
  public void invalidateAll() {
    bumpAll();
    if (near != null) {
      near.invalidateAll();
    }
    try {
      store.deleteByPrefix(regionPrefix);
    } catch (StoreException e) {
      storeFailure("invalidateAll", e);
    }
    bumpAll();
    if (near != null) {
      near.invalidateAll();
    }
    bus.publishRegion(name);
  }

  // ---------------------------------------------------------------- invalidation messages

  @Override
  public void onRemoteKey(String encodedKey) {
    if (near == null) {
      return;
    }
    K key;
    try {
      key = keys.decode(encodedKey);
    } catch (RuntimeException e) {
      clearNear("unreadable_key");
      return;
    }
    epochs.incrementAndGet(stripe(key));
    near.invalidate(key);
    metrics.remoteInvalidations.increment();
  }

  @Override
  public void onRemoteRegion() {
    if (near == null) {
      return;
    }
    bumpAll();
    near.invalidateAll();
    metrics.remoteInvalidations.increment();
  }

  @Override
  public void clearNear(String reason) {
    if (near == null) {
      return;
    }
    bumpAll();
    near.invalidateAll();
    metrics.clears.increment();
  }

  /** Entries in the near cache now (for tests and diagnostics). */
  public long nearSize() {
    if (near == null) {
      return 0;
    }
    near.cleanUp();
    return near.estimatedSize();
  }

  // ---------------------------------------------------------------- internals

  private @Nullable Near nearLookup(K key) {
    if (near == null || !bus.trusted()) {
      return null;
    }
    return near.getIfPresent(key);
  }

  /** A store read of one key with metrics and near-cache fill; null for a miss. */
  private @Nullable Found readStore(K key) {
    String redisKey = regionPrefix + keys.encode(key);
    int stripe = stripe(key);
    long epoch = epochs.get(stripe);
    Object answer = await(store.get(redisKey), "get");
    Found found = answer == FAILED || answer == null ? null : decode(redisKey, (byte[]) answer);
    if (found == null || (found.value() == NULL && !policy.cacheNulls())) {
      metrics.misses.increment();
      return null;
    }
    metrics.l2Hits.increment();
    fillNear(key, found, stripe, epoch);
    return found;
  }

  private Object loadThrough(K key, Function<? super K, ? extends @Nullable V> loader) {
    Found found = readStore(key);
    if (found != null) {
      maybeRefresh(key, found.expiresAtMillis(), loader);
      return found.value();
    }
    if (!policy.loadLease()) {
      return loadAndStore(key, loader);
    }
    String encoded = keys.encode(key);
    String leaseKey = leasePrefix + encoded;
    byte[] token =
        (instanceTag + ":" + leaseTokens.incrementAndGet()).getBytes(StandardCharsets.UTF_8);
    long leaseMillis = policy.leaseTtl().toMillis();
    Object acquired = await(store.setIfAbsent(leaseKey, token, leaseMillis), "lease");
    if (acquired == FAILED) {
      return loadAndStore(key, loader);
    }
    if (Boolean.TRUE.equals(acquired)) {
      try {
        return loadAndStore(key, loader);
      } finally {
        store.deleteIfEquals(leaseKey, token);
      }
    }
    Found other = awaitOtherInstance(key, leaseMillis);
    return other != null ? other.value() : loadAndStore(key, loader);
  }

  /** Polls the store while another instance holds the lease; null if it never delivered. */
  private @Nullable Found awaitOtherInstance(K key, long leaseMillis) {
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
      Object answer = await(store.get(redisKey), "get");
      if (answer == FAILED) {
        return null;
      }
      if (answer != null) {
        Found found = decode(redisKey, (byte[]) answer);
        if (found != null) {
          int stripe = stripe(key);
          fillNear(key, found, stripe, epochs.get(stripe));
          return found;
        }
      }
    }
    return null;
  }

  private Object loadAndStore(K key, Function<? super K, ? extends @Nullable V> loader) {
    V value = runLoader(key, loader);
    if (value != null) {
      write(key, value, true);
      return value;
    }
    if (policy.cacheNulls()) {
      writeNull(key);
    }
    return NULL;
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

  private void write(K key, V value, boolean loaded) {
    String encoded = keys.encode(key);
    long ttl = jitteredTtl();
    long expiresAt = clock.millis() + ttl;
    byte[] bytes = EntryFormat.value(codec.encode(value), expiresAt);
    metrics.writeSize.record(bytes.length);
    Object answer = await(store.set(regionPrefix + encoded, bytes, ttl), loaded ? "load" : "put");
    Throwable error = answer == FAILED ? new IllegalStateException("write failed") : null;
    afterWriteCounted(key, encoded, stripe(key), value, expiresAt, error, false);
  }

  private void writeNull(K key) {
    String encoded = keys.encode(key);
    long ttl = policy.nullTtl().toMillis();
    long expiresAt = clock.millis() + ttl;
    byte[] bytes = EntryFormat.nullMarker(expiresAt);
    Object answer = await(store.set(regionPrefix + encoded, bytes, ttl), "load");
    Throwable error = answer == FAILED ? new IllegalStateException("write failed") : null;
    afterWriteCounted(key, encoded, stripe(key), NULL, expiresAt, error, false);
  }

  private void afterWrite(
      K key, String encoded, int stripe, Object value, long expiresAt, @Nullable Throwable error) {
    afterWriteCounted(key, encoded, stripe, value, expiresAt, error, true);
  }

  private void afterWriteCounted(
      K key,
      String encoded,
      int stripe,
      Object value,
      long expiresAt,
      @Nullable Throwable error,
      boolean reportError) {
    if (error != null) {
      if (reportError) {
        storeFailure("put", error);
      }
      metrics.dropped.increment();
      // This instance must not keep a value the others cannot see.
      epochs.incrementAndGet(stripe);
      if (near != null) {
        near.invalidate(key);
      }
      return;
    }
    metrics.stored.increment();
    epochs.incrementAndGet(stripe);
    if (near != null) {
      if (bus.trusted()) {
        near.put(key, new Near(value, expiresAt));
      } else {
        near.invalidate(key);
      }
    }
    bus.publishKey(name, encoded);
  }

  private void fillNear(K key, Found found, int stripe, long epochBefore) {
    if (near == null || !bus.trusted()) {
      return;
    }
    Near entry = new Near(found.value(), found.expiresAtMillis());
    near.asMap().compute(key, (k, current) -> epochs.get(stripe) == epochBefore ? entry : current);
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
              loadAndStore(key, loader);
              metrics.refreshes.increment();
            } catch (RuntimeException e) {
              metrics.refreshFailures.increment();
              logOnce("refresh", "refresh-ahead load failed", e);
              notify(() -> listener.onRefreshFailure(name, e));
            } finally {
              refreshing.remove(key);
            }
          });
    } catch (RejectedExecutionException e) {
      refreshing.remove(key);
    }
  }

  /**
   * Decodes an entry; a bad one is counted, reported, deleted (if unchanged) and read as a miss.
   */
  private @Nullable Found decode(String redisKey, byte[] bytes) {
    try {
      boolean isNull = EntryFormat.checkIsNull(bytes);
      long expiresAt = EntryFormat.expiresAt(bytes);
      metrics.readSize.record(bytes.length);
      if (isNull) {
        return new Found(NULL, expiresAt);
      }
      V value = codec.decode(bytes, EntryFormat.HEADER, bytes.length - EntryFormat.HEADER);
      return new Found(value, expiresAt);
    } catch (CodecException e) {
      decodeFailure(redisKey, bytes, e);
      return null;
    } catch (RuntimeException e) {
      decodeFailure(
          redisKey,
          bytes,
          new CodecException(CodecException.Reason.CORRUPT, "undecodable cache entry", e));
      return null;
    }
  }

  private void decodeFailure(String redisKey, byte[] bytes, CodecException e) {
    metrics.decodeFailure(e.reason().name().toLowerCase(java.util.Locale.ROOT));
    logOnce("decode-" + e.reason(), "deleted an undecodable entry (" + e.reason() + ")", e);
    notify(() -> listener.onDecodeFailure(name, e));
    store.deleteIfEquals(redisKey, bytes);
  }

  private void storeFailure(String operation, Throwable error) {
    String kind = error instanceof StoreException se ? se.kind() : "unavailable";
    metrics.error(operation, kind);
    logOnce(
        "store-" + operation + "-" + kind,
        "store " + operation + " failed (" + kind + "); treated as a miss or dropped",
        error);
    notify(() -> listener.onStoreFailure(name, operation, error));
  }

  /** Waits for a store future; FAILED (counted and reported) if it fails. */
  private @Nullable Object await(CompletableFuture<?> future, String operation) {
    try {
      return future.get(awaitMillis, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      storeFailure(operation, cause);
    } catch (TimeoutException e) {
      storeFailure(operation, new StoreException("timeout", "no answer in time", e));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      storeFailure(operation, new StoreException("unavailable", "interrupted", e));
    }
    return FAILED;
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

  private void bumpAll() {
    for (int i = 0; i < STRIPES; i++) {
      epochs.incrementAndGet(i);
    }
  }

  private static int stripe(Object key) {
    int h = key.hashCode();
    return (h ^ (h >>> 16)) & (STRIPES - 1);
  }

  @SuppressWarnings("unchecked")
  private static <V> @Nullable V unwrap(Object value) {
    return value == NULL ? null : (V) value;
  }

  @SuppressWarnings("unchecked")
  private static <V> V unwrapNonNull(Object value) {
    return (V) value;
  }

  private void logOnce(String kind, String message, Throwable error) {
    if (loggedOnce.add(kind)) {
      LOG.warn(
          "cache {}: {} (logged once; later ones at DEBUG): {}", name, message, error.toString());
    } else if (LOG.isDebugEnabled()) {
      LOG.debug("cache {}: {}", name, message, error);
    }
  }

  private void notify(Runnable call) {
    try {
      call.run();
    } catch (RuntimeException e) {
      LOG.warn("cache {}: a CacheListener threw", name, e);
    }
  }

  @Override
  public String toString() {
    return "Cache[" + name + ", " + store + "]";
  }
}
