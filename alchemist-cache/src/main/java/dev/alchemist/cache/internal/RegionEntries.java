package dev.alchemist.cache.internal;

import dev.alchemist.cache.CacheListener;
import dev.alchemist.cache.CachePolicy;
import dev.alchemist.core.codec.Codec;
import dev.alchemist.core.codec.CodecException;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One region's entries as bytes in the store: their time to live, encoding with the {@link
 * EntryFormat} header, decoding (a tombstone or a bad entry is a miss; a bad one is counted,
 * reported and deleted), and waiting for store operations with failures counted, reported to the
 * listener and logged once per kind. Thread-safe.
 *
 * @param <V> value type
 */
final class RegionEntries<V> {

  private static final Logger LOG = LoggerFactory.getLogger(DefaultCache.class);

  /** Stands for a remembered null in the near cache and in flights. */
  static final Object NULL = new Object();

  /** A store operation did not complete. */
  static final Object FAILED = new Object();

  /** A decoded entry: a value or {@link #NULL}, and when it expires. */
  record Found(Object value, long expiresAtMillis) {}

  private final CachePolicy policy;
  private final String name;
  private final Codec<V> codec;
  private final Store store;
  private final CacheMetrics metrics;
  private final CacheListener listener;
  private final long awaitMillis;
  private final long ttlMillis;
  private final long jitterMillis;
  private final Set<String> loggedOnce = ConcurrentHashMap.newKeySet();

  RegionEntries(
      CachePolicy policy,
      Codec<V> codec,
      Store store,
      CacheMetrics metrics,
      CacheListener listener,
      long awaitMillis) {
    this.policy = policy;
    this.name = policy.name();
    this.codec = codec;
    this.store = store;
    this.metrics = metrics;
    this.listener = listener;
    this.awaitMillis = awaitMillis;
    this.ttlMillis = policy.ttl().toMillis();
    this.jitterMillis = policy.ttlJitter().toMillis();
  }

  /** The time to live of a value written now: the policy's ttl, plus or minus its jitter. */
  long jitteredTtl() {
    if (jitterMillis == 0) {
      return ttlMillis;
    }
    return ttlMillis + ThreadLocalRandom.current().nextLong(-jitterMillis, jitterMillis + 1);
  }

  byte[] encode(V value, long expiresAt) {
    byte[] bytes = EntryFormat.value(codec.encode(value), expiresAt);
    metrics.writeSize.record(bytes.length);
    return bytes;
  }

  /** Null for a miss: nothing, or a remembered null the policy does not serve. */
  @Nullable Found usable(@Nullable Found found) {
    return found == null || (found.value() == NULL && !policy.cacheNulls()) ? null : found;
  }

  /**
   * Decodes an entry; a tombstone is a miss; a bad one is counted, reported, deleted (if unchanged)
   * and read as a miss.
   */
  @Nullable Found decode(String redisKey, byte[] bytes) {
    if (EntryFormat.isTombstone(bytes)) {
      return null;
    }
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
    metrics.decodeFailure(e.reason().name().toLowerCase(Locale.ROOT));
    logOnce("decode-" + e.reason(), "deleted an undecodable entry (" + e.reason() + ")", e);
    notify(() -> listener.onDecodeFailure(name, e));
    store.deleteIfEquals(redisKey, bytes);
  }

  void storeFailure(String operation, Throwable error) {
    String kind = error instanceof StoreException se ? se.kind() : "unavailable";
    metrics.error(operation, kind);
    logOnce(
        "store-" + operation + "-" + kind,
        "store " + operation + " failed (" + kind + "); treated as a miss or dropped",
        error);
    notify(() -> listener.onStoreFailure(name, operation, error));
  }

  /** Waits for a store future; {@link #FAILED} (counted and reported) if it fails. */
  @Nullable Object await(CompletableFuture<?> future, String operation) {
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

  void logOnce(String kind, String message, Throwable error) {
    if (loggedOnce.add(kind)) {
      LOG.warn(
          "cache {}: {} (logged once; later ones at DEBUG): {}", name, message, error.toString());
    } else if (LOG.isDebugEnabled()) {
      LOG.debug("cache {}: {}", name, message, error);
    }
  }

  void notify(Runnable call) {
    try {
      call.run();
    } catch (RuntimeException e) {
      LOG.warn("cache {}: a CacheListener threw", name, e);
    }
  }
}
