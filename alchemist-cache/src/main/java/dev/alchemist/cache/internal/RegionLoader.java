package dev.alchemist.cache.internal;

import dev.alchemist.cache.CacheListener;
import dev.alchemist.cache.CachePolicy;
import java.time.Clock;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * A region's read-through: reads a key from the store (filling the near cache), and on a miss runs
 * the loader once per key in this JVM ({@link SingleFlight}) and, if the policy asks, once across
 * instances ({@link LoadLease}); refreshes entries close to expiry ahead of time.
 *
 * <p>A load remembers what it read from the store before calling the loader and writes its value
 * only if the key still holds exactly that ({@link Store#setIfEquals}), so a load that overlaps an
 * invalidation, a put or another load never writes its older value back; one that overlaps {@link
 * #invalidatedAll()} does not write at all. Kept apart from the region's reads and writes because
 * this state (the generation, the flights, the refreshes in progress) belongs to loads only.
 * Thread-safe.
 *
 * @param <K> key type
 * @param <V> value type
 */
final class RegionLoader<K, V> {

  private static final Object NULL = RegionEntries.NULL;

  /** What a load read from the store before running the loader: the bytes its write expects. */
  private record Seen(byte @Nullable [] bytes, long epoch, long generation) {}

  private record Read(RegionEntries.@Nullable Found found, Seen seen) {}

  private final CachePolicy policy;
  private final String name;
  private final String regionPrefix;
  private final KeyCodec<K> keys;
  private final Store store;
  private final Clock clock;
  private final Executor executor;
  private final CacheListener listener;
  private final CacheMetrics metrics;
  private final long refreshAheadMillis;
  private final NearCache<K> near;
  private final Fences fences;
  private final RegionEntries<V> io;
  private final BiConsumer<String, String> announce;
  private final SingleFlight<K> flights;
  private final LoadLease<K> lease;

  /** Bumped by invalidateAll(): a load that overlaps one does not write. */
  private final AtomicLong generation = new AtomicLong();

  private final Set<K> refreshing = ConcurrentHashMap.newKeySet();

  /**
   * @param announce tells the other instances that a key (its store key and encoded form) changed
   */
  RegionLoader(
      CachePolicy policy,
      String keyPrefix,
      String regionPrefix,
      KeyCodec<K> keys,
      Store store,
      CacheRuntime runtime,
      CacheMetrics metrics,
      NearCache<K> near,
      Fences fences,
      RegionEntries<V> io,
      BiConsumer<String, String> announce) {
    this.policy = policy;
    this.name = policy.name();
    this.regionPrefix = regionPrefix;
    this.keys = keys;
    this.store = store;
    this.clock = runtime.clock();
    this.executor = runtime.executor();
    this.listener = runtime.listener();
    this.metrics = metrics;
    this.refreshAheadMillis = policy.refreshAhead().toMillis();
    this.near = near;
    this.fences = fences;
    this.io = io;
    this.announce = announce;
    this.flights = new SingleFlight<>(name);
    this.lease = new LoadLease<>(policy, keyPrefix, regionPrefix, keys, store, near, io);
  }

  /** A store read of one key with metrics and near-cache fill; null for a miss. */
  RegionEntries.@Nullable Found read(K key) {
    return readThrough(key).found;
  }

  /** The key's value (or {@link RegionEntries#NULL}), from the store or else from the loader. */
  Object load(K key, Function<? super K, ? extends @Nullable V> loader) {
    return flights.load(key, () -> loadThrough(key, loader));
  }

  /** Called before and after the region is invalidated: loads that overlap it do not write. */
  void invalidatedAll() {
    generation.incrementAndGet();
  }

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
    return lease.load(key, () -> loadAndStore(key, loader, read.seen));
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
    long ttl = value == null ? policy.nullTtl().toMillis() : io.jitteredTtl();
    long expiresAt = clock.millis() + ttl;
    byte[] bytes = value == null ? EntryFormat.nullMarker(expiresAt) : io.encode(value, expiresAt);
    Object stored = io.await(store.setIfEquals(redisKey, seen.bytes(), bytes, ttl), "load");
    Object kept = value == null ? NULL : value;
    if (Boolean.TRUE.equals(stored)) {
      metrics.stored.increment();
      near.fill(key, kept, expiresAt, seen.epoch());
      // It replaced what others may hold (a refresh replaces a value): tell them.
      announce.accept(redisKey, encoded);
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

  /** Reloads the key on the executor if it expires within the policy's refresh-ahead time. */
  void maybeRefresh(
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
}
