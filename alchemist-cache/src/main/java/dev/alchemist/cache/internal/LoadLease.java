package dev.alchemist.cache.internal;

import dev.alchemist.cache.CachePolicy;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * A region's load lease in Redis ({@link CachePolicy#loadLease()}): before loading a key, an
 * instance takes a short-lived lease on it (SET NX with a token unique to this load), and an
 * instance that finds the lease held polls the store for the holder's value instead of loading too.
 * The lease is released only by the token that took it; a store that cannot be asked, or a holder
 * that never delivers within the lease's time, means this instance loads after all. Kept apart from
 * the region because the token, the polling and its back-off are their own concern; loads within
 * this JVM are the {@link SingleFlight}'s. Thread-safe.
 *
 * @param <K> key type
 */
final class LoadLease<K> {

  private static final Object FAILED = RegionEntries.FAILED;

  private final boolean enabled;
  private final String leasePrefix;
  private final String regionPrefix;
  private final long leaseMillis;
  private final KeyCodec<K> keys;
  private final Store store;
  private final NearCache<K> near;
  private final RegionEntries<?> io;
  private final AtomicLong leaseTokens = new AtomicLong();
  private final String instanceTag = Long.toHexString(ThreadLocalRandom.current().nextLong());

  LoadLease(
      CachePolicy policy,
      String keyPrefix,
      String regionPrefix,
      KeyCodec<K> keys,
      Store store,
      NearCache<K> near,
      RegionEntries<?> io) {
    this.enabled = policy.loadLease();
    this.leasePrefix = keyPrefix + ":" + policy.name() + ":lease:v" + policy.keyVersion() + ":";
    this.regionPrefix = regionPrefix;
    this.leaseMillis = policy.leaseTtl().toMillis();
    this.keys = keys;
    this.store = store;
    this.near = near;
    this.io = io;
  }

  /**
   * Runs {@code load} under the lease of {@code key}, or returns the value of the instance that
   * holds it; without leases in the policy it just runs {@code load}.
   */
  Object load(K key, Supplier<Object> load) {
    if (!enabled) {
      return load.get();
    }
    String encoded = keys.encode(key);
    String leaseKey = leasePrefix + encoded;
    byte[] token =
        (instanceTag + ":" + leaseTokens.incrementAndGet()).getBytes(StandardCharsets.UTF_8);
    Object acquired = io.await(store.setIfAbsent(leaseKey, token, leaseMillis), "lease");
    if (acquired == FAILED) {
      return load.get();
    }
    if (Boolean.TRUE.equals(acquired)) {
      try {
        return load.get();
      } finally {
        store.deleteIfEquals(leaseKey, token);
      }
    }
    RegionEntries.Found other = awaitOtherInstance(key, regionPrefix + encoded);
    return other != null ? other.value() : load.get();
  }

  /** Polls the store while another instance holds the lease; null if it never delivered. */
  private RegionEntries.@Nullable Found awaitOtherInstance(K key, String redisKey) {
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
}
