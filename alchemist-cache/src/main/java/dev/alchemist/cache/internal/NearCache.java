package dev.alchemist.cache.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import dev.alchemist.cache.CachePolicy;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.atomic.AtomicLongArray;
import org.jspecify.annotations.Nullable;

/**
 * A region's near cache (L1): Caffeine plus the epochs that keep late fills out.
 *
 * <p>A fill after a store read races with invalidations and writes; every invalidation and write
 * bumps an epoch (one of 64 stripes by key hash), and a fill only lands if the epoch it read before
 * the store read is unchanged, checked inside the map's {@code compute}, so a late fill never
 * resurrects a value that was invalidated or overwritten meanwhile. A write bumps the epoch before
 * it is sent and again when it lands, and keeps its own value only if nothing else bumped the
 * stripe in between. Nothing is read or filled while the {@link InvalidationBus} distrusts near
 * caches. Without a near cache in the policy every method is a cheap no-op. Thread-safe.
 *
 * @param <K> key type
 */
final class NearCache<K> {

  /**
   * What the near cache holds: a value (or the region's null marker) and when it expires. A {@code
   * byte[]} is the one mutable value type the codec has, so it is copied on the way in (and {@link
   * #value(Entry)} copies it on the way out): a caller that changes an array it put or got never
   * changes what the next caller gets.
   */
  record Entry(Object value, long expiresAtMillis) {
    Entry {
      value = value instanceof byte[] bytes ? bytes.clone() : value;
    }
  }

  /** The entry's value, for a caller: an array is a copy. */
  static Object value(Entry entry) {
    Object v = entry.value();
    return v instanceof byte[] bytes ? bytes.clone() : v;
  }

  private static final int STRIPES = 64;

  private final @Nullable Cache<K, Entry> map;
  private final AtomicLongArray epochs = new AtomicLongArray(STRIPES);
  private final InvalidationBus bus;

  NearCache(CachePolicy policy, CacheRuntime runtime, InvalidationBus bus) {
    this.bus = bus;
    if (!policy.hasNearCache()) {
      this.map = null;
      return;
    }
    long nearTtlNanos = policy.nearCacheTtl().toNanos();
    Clock clock = runtime.clock();
    this.map =
        Caffeine.newBuilder()
            .maximumSize(policy.nearCacheSize())
            .ticker(runtime.ticker()::read)
            .executor(runtime.executor())
            .expireAfter(
                new Expiry<K, Entry>() {
                  @Override
                  public long expireAfterCreate(K key, Entry entry, long now) {
                    long left = (entry.expiresAtMillis() - clock.millis()) * 1_000_000L;
                    return Math.max(0, Math.min(nearTtlNanos, left));
                  }

                  @Override
                  public long expireAfterUpdate(K key, Entry entry, long now, long current) {
                    return expireAfterCreate(key, entry, now);
                  }

                  @Override
                  public long expireAfterRead(K key, Entry entry, long now, long current) {
                    return current;
                  }
                })
            .build();
  }

  boolean enabled() {
    return map != null;
  }

  /** The entry, if the near cache holds one and may be trusted now. */
  @Nullable Entry get(K key) {
    if (map == null || !bus.trusted()) {
      return null;
    }
    return map.getIfPresent(key);
  }

  /** The epoch to hand to {@link #fill} later; read it before the store read. */
  long epoch(K key) {
    return epochs.get(stripe(key));
  }

  /** Keeps what a store read (or a load's conditional write) found, unless it changed meanwhile. */
  void fill(K key, Object value, long expiresAtMillis, long epochBefore) {
    if (map == null || !bus.trusted()) {
      return;
    }
    int stripe = stripe(key);
    Entry entry = new Entry(value, expiresAtMillis);
    map.asMap().compute(key, (k, current) -> epochs.get(stripe) == epochBefore ? entry : current);
  }

  /** Before a put is sent: stops racing fills; returns the token for {@link #endWrite}. */
  long beginWrite(K key) {
    return epochs.incrementAndGet(stripe(key));
  }

  /**
   * {@link #beginWrite} for a batch whose writes end in the same order: keys of one stripe do not
   * count against each other, but anything else that bumps the stripe meanwhile still does.
   */
  long[] beginWrites(List<K> keys) {
    int[] stripes = new int[keys.size()];
    for (int i = 0; i < stripes.length; i++) {
      stripes[i] = stripe(keys.get(i));
      epochs.incrementAndGet(stripes[i]);
    }
    long[] tokens = new long[stripes.length];
    int[] earlier = new int[STRIPES];
    for (int i = 0; i < stripes.length; i++) {
      // endWrite bumps the stripe once per key, so the n-th key of a stripe expects n more
      tokens[i] = epochs.get(stripes[i]) + earlier[stripes[i]]++;
    }
    return tokens;
  }

  /**
   * After a put landed ({@code entry} non-null) or failed (null): keeps the put's value only if no
   * other write or invalidation of the stripe came in between, and stops fills that read before.
   */
  void endWrite(K key, @Nullable Entry entry, long writeEpoch) {
    int stripe = stripe(key);
    if (map == null) {
      return;
    }
    map.asMap()
        .compute(
            key,
            (k, current) -> {
              long now = epochs.getAndIncrement(stripe);
              return entry != null && now == writeEpoch && bus.trusted() ? entry : null;
            });
  }

  void invalidate(K key) {
    epochs.incrementAndGet(stripe(key));
    if (map != null) {
      map.invalidate(key);
    }
  }

  void invalidateAll() {
    for (int i = 0; i < STRIPES; i++) {
      epochs.incrementAndGet(i);
    }
    if (map != null) {
      map.invalidateAll();
    }
  }

  long size() {
    if (map == null) {
      return 0;
    }
    map.cleanUp();
    return map.estimatedSize();
  }

  private static int stripe(Object key) {
    int h = key.hashCode();
    return (h ^ (h >>> 16)) & (STRIPES - 1);
  }
}
