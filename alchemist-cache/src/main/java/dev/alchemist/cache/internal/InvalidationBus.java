package dev.alchemist.cache.internal;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Tells each region's near cache what other instances changed, in one of two modes.
 *
 * <p><b>Tracking</b> (a single Redis server): the data connection speaks RESP3 and turns on {@code
 * CLIENT TRACKING ON BCAST NOLOOP} for the key prefix of every region that has a near cache; Redis
 * then pushes the name of every key changed under those prefixes by any other client (SET, DEL,
 * expiry, eviction, script). Writers send nothing extra, so a put is one SET.
 *
 * <p><b>Pub/sub</b> (Redis Cluster, where tracking would need a connection per node): every write
 * publishes a UTF-8 message, {@code k\n<instance>\n<cache>\n<encoded key>} for one key, {@code
 * r\n<instance>\n<cache>} for a region, on the prefix's channel; an instance ignores its own.
 *
 * <p>Near caches are trusted only while delivery works. When the connection that carries changes
 * drops (or tracking cannot be turned on), they are distrusted at once and cleared; when it is back
 * (and tracking is on again), they are cleared once more and trusted again, unless another drop
 * came meanwhile: each drop starts a new generation, and only a restore of the current generation
 * restores trust. Messages are applied on the manager's executor, not on Lettuce's event loop.
 * Thread-safe.
 */
final class InvalidationBus {

  /** Receives the invalidations of one region. */
  interface Region {
    /** The key prefix of the region's entries, {@code <prefix>:<cache>:v<version>:}. */
    String regionPrefix();

    boolean hasNearCache();

    void onRemoteKey(String encodedKey);

    void onRemoteRegion();

    void clearNear(String reason);
  }

  private static final Charset UTF8 = StandardCharsets.UTF_8;
  private static final long RETRY_MILLIS = 500;

  private final Store store;
  private final Executor executor;
  private final ScheduledExecutorService scheduler;
  private final String keyPrefix;
  private final String instanceId = UUID.randomUUID().toString();
  private final Map<String, Region> regions = new ConcurrentHashMap<>();
  private final Consumer<String> onClear;
  private final ReentrantLock lock = new ReentrantLock();
  private long generation;
  private volatile boolean trusted = true;

  InvalidationBus(
      Store store,
      Executor executor,
      ScheduledExecutorService scheduler,
      String keyPrefix,
      Consumer<String> onClear) {
    this.store = store;
    this.executor = executor;
    this.scheduler = scheduler;
    this.keyPrefix = keyPrefix;
    this.onClear = onClear;
  }

  void start() {
    if (store.shared()) {
      store.subscribe(this::onMessage, this::onKeys, this::onEvent);
    }
  }

  /** Whether writers must publish invalidations (pub/sub mode). */
  boolean publishes() {
    return store.shared() && !store.tracking();
  }

  /**
   * Registers a region; in tracking mode, its prefix is tracked before its near cache is used (a
   * failure distrusts every near cache until tracking is restored).
   */
  void register(String cache, Region region) {
    regions.put(cache, region);
    if (store.shared() && store.tracking() && region.hasNearCache()) {
      try {
        store.trackPrefix(region.regionPrefix());
      } catch (RuntimeException e) {
        onEvent("lost");
        onEvent("restored");
      }
    }
  }

  /** Whether the near caches may be read and filled: false while changes may be missed. */
  boolean trusted() {
    return trusted;
  }

  CompletableFuture<Void> publishKey(String cache, String encodedKey) {
    if (!publishes()) {
      return CompletableFuture.completedFuture(null);
    }
    return store.publish(("k\n" + instanceId + "\n" + cache + "\n" + encodedKey).getBytes(UTF8));
  }

  CompletableFuture<Void> publishRegion(String cache) {
    if (!publishes()) {
      return CompletableFuture.completedFuture(null);
    }
    return store.publish(("r\n" + instanceId + "\n" + cache).getBytes(UTF8));
  }

  private void onEvent(String event) {
    if (event.equals("lost")) {
      // Distrust at once, on the caller's thread: a read in flight must not fill from now on.
      lock.lock();
      try {
        generation++;
        trusted = false;
      } finally {
        lock.unlock();
      }
      run(() -> clearAll("disconnected"));
    } else if (event.equals("restored")) {
      long restoring;
      lock.lock();
      try {
        restoring = generation;
      } finally {
        lock.unlock();
      }
      run(() -> restore(restoring));
    }
  }

  private void restore(long restoring) {
    if (store.tracking()) {
      try {
        store.restoreTracking();
      } catch (RuntimeException e) {
        // Still down, or Redis refused: try again while this generation lasts.
        retryLater(restoring);
        return;
      }
    }
    // Cleared after delivery is back, so nothing filled in the gap survives.
    clearAll("resubscribed");
    lock.lock();
    try {
      if (generation == restoring) {
        trusted = true;
      }
    } finally {
      lock.unlock();
    }
  }

  private void retryLater(long restoring) {
    try {
      scheduler.schedule(
          () -> {
            boolean current;
            lock.lock();
            try {
              current = generation == restoring;
            } finally {
              lock.unlock();
            }
            if (current) {
              run(() -> restore(restoring));
            }
          },
          RETRY_MILLIS,
          TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      // the manager is closing
    }
  }

  private void clearAll(String reason) {
    for (Region region : regions.values()) {
      region.clearNear(reason);
    }
    onClear.accept(reason);
  }

  private void onMessage(byte[] message) {
    run(() -> apply(new String(message, UTF8)));
  }

  private void onKeys(@Nullable List<String> keys) {
    run(
        () -> {
          if (keys == null) {
            clearAll("flushed");
            return;
          }
          for (String key : keys) {
            applyKey(key);
          }
        });
  }

  /** A full Redis key Redis reported as changed: {@code <prefix>:<cache>:v<n>:<encoded key>}. */
  private void applyKey(String key) {
    int start = keyPrefix.length() + 1;
    int end = key.indexOf(':', start);
    if (!key.startsWith(keyPrefix) || end < 0) {
      return;
    }
    Region region = regions.get(key.substring(start, end));
    if (region != null && key.startsWith(region.regionPrefix())) {
      region.onRemoteKey(key.substring(region.regionPrefix().length()));
    }
  }

  private void apply(String text) {
    String[] parts = text.split("\n", 4);
    if (parts.length < 3 || parts[1].equals(instanceId)) {
      return;
    }
    Region region = regions.get(parts[2]);
    if (region == null) {
      return;
    }
    if (parts[0].equals("k") && parts.length == 4) {
      region.onRemoteKey(parts[3]);
    } else if (parts[0].equals("r")) {
      region.onRemoteRegion();
    } else {
      region.clearNear("unreadable_message");
    }
  }

  private void run(Runnable task) {
    try {
      executor.execute(task);
    } catch (RejectedExecutionException e) {
      task.run();
    }
  }
}
