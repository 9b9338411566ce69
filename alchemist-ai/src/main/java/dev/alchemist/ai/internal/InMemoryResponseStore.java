package dev.alchemist.ai.internal;

import dev.alchemist.ai.CachedResponse;
import dev.alchemist.ai.ResponseStore;
import dev.alchemist.core.Ticker;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.ReentrantLock;

/** The in-process {@link ResponseStore}: an access-ordered LRU with per-entry expiry. */
public final class InMemoryResponseStore implements ResponseStore {
  private record Entry(CachedResponse response, long expiresAt) {}

  private final int maxEntries;
  private final Ticker ticker;
  private final ReentrantLock lock = new ReentrantLock();
  private final LinkedHashMap<String, Entry> map;

  public InMemoryResponseStore(int maxEntries, Ticker ticker) {
    if (maxEntries < 1) {
      throw new IllegalArgumentException("maxEntries must be >= 1 but was " + maxEntries);
    }
    this.maxEntries = maxEntries;
    this.ticker = ticker;
    this.map =
        new LinkedHashMap<>(16, 0.75f, true) {
          private static final long serialVersionUID = 1L;

          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
            return size() > InMemoryResponseStore.this.maxEntries;
          }
        };
  }

  @Override
  public CompletableFuture<Optional<CachedResponse>> get(String key) {
    lock.lock();
    try {
      Entry e = map.get(key);
      if (e == null) {
        return CompletableFuture.completedFuture(Optional.empty());
      }
      if (ticker.read() - e.expiresAt() >= 0) {
        map.remove(key);
        return CompletableFuture.completedFuture(Optional.empty());
      }
      return CompletableFuture.completedFuture(Optional.of(e.response()));
    } finally {
      lock.unlock();
    }
  }

  @Override
  public CompletableFuture<Void> put(String key, CachedResponse response, Duration ttl) {
    lock.lock();
    try {
      map.put(key, new Entry(response, ticker.read() + ttl.toNanos()));
    } finally {
      lock.unlock();
    }
    return CompletableFuture.completedFuture(null);
  }

  public int size() {
    lock.lock();
    try {
      return map.size();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public String toString() {
    return "InMemoryResponseStore[maxEntries=" + maxEntries + "]";
  }
}
