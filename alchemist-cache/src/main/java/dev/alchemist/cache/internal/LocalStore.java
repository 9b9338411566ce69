package dev.alchemist.cache.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import dev.alchemist.cache.CircuitState;
import dev.alchemist.core.Ticker;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The embedded store: a bounded Caffeine map of bytes with a TTL per entry, so the cache above it
 * behaves as over Redis (TTL with jitter, codec round trip, negative caching, single-flight). Every
 * operation completes before it returns. Thread-safe.
 */
public final class LocalStore implements Store {

  private record Entry(byte[] value, long ttlNanos) {}

  private final Cache<String, Entry> entries;

  /**
   * @param maximumSize the most entries kept; the least valuable are evicted beyond it
   */
  public LocalStore(long maximumSize, Ticker ticker, Executor executor) {
    this.entries =
        Caffeine.newBuilder()
            .maximumSize(maximumSize)
            .ticker(ticker::read)
            .executor(executor)
            .expireAfter(
                new Expiry<String, Entry>() {
                  @Override
                  public long expireAfterCreate(String key, Entry entry, long now) {
                    return entry.ttlNanos();
                  }

                  @Override
                  public long expireAfterUpdate(String key, Entry entry, long now, long current) {
                    return entry.ttlNanos();
                  }

                  @Override
                  public long expireAfterRead(String key, Entry entry, long now, long current) {
                    return current;
                  }
                })
            .build();
  }

  @Override
  public CompletableFuture<byte @Nullable []> get(String key) {
    Entry entry = entries.getIfPresent(key);
    return CompletableFuture.completedFuture(entry == null ? null : entry.value());
  }

  @Override
  public CompletableFuture<List<byte @Nullable []>> getAll(List<String> keys) {
    List<byte @Nullable []> values = new ArrayList<>(keys.size());
    for (String key : keys) {
      Entry entry = entries.getIfPresent(key);
      values.add(entry == null ? null : entry.value());
    }
    return CompletableFuture.completedFuture(values);
  }

  @Override
  public CompletableFuture<Void> set(String key, byte[] value, long ttlMillis) {
    entries.put(key, new Entry(value, TimeUnit.MILLISECONDS.toNanos(ttlMillis)));
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public CompletableFuture<Void> setAll(List<String> keys, List<byte[]> values, long[] ttlMillis) {
    for (int i = 0; i < keys.size(); i++) {
      set(keys.get(i), values.get(i), ttlMillis[i]);
    }
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public CompletableFuture<Boolean> setIfAbsent(String key, byte[] value, long ttlMillis) {
    Entry entry = new Entry(value, TimeUnit.MILLISECONDS.toNanos(ttlMillis));
    return CompletableFuture.completedFuture(entries.asMap().putIfAbsent(key, entry) == null);
  }

  @Override
  public CompletableFuture<Boolean> setIfEquals(
      String key, byte @Nullable [] expected, byte[] value, long ttlMillis) {
    Entry next = new Entry(value, TimeUnit.MILLISECONDS.toNanos(ttlMillis));
    boolean[] set = {false};
    entries
        .asMap()
        .compute(
            key,
            (k, current) -> {
              boolean same =
                  current == null ? expected == null : Arrays.equals(current.value(), expected);
              set[0] = same;
              return same ? next : current;
            });
    return CompletableFuture.completedFuture(set[0]);
  }

  @Override
  public CompletableFuture<Void> delete(List<String> keys) {
    entries.invalidateAll(keys);
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public CompletableFuture<Void> deleteIfEquals(String key, byte[] expected) {
    entries
        .asMap()
        .computeIfPresent(key, (k, entry) -> Arrays.equals(entry.value(), expected) ? null : entry);
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public long deleteByPrefix(String prefix) {
    long[] removed = {0};
    entries
        .asMap()
        .keySet()
        .removeIf(
            key -> {
              boolean match = key.startsWith(prefix);
              if (match) {
                removed[0]++;
              }
              return match;
            });
    return removed[0];
  }

  @Override
  public CompletableFuture<Void> publish(byte[] message) {
    // one process, one store: nobody else to tell
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public void subscribe(
      Consumer<byte[]> messages, Consumer<@Nullable List<String>> keys, Consumer<String> events) {
    // nothing to subscribe to
  }

  @Override
  public boolean tracking() {
    return false;
  }

  @Override
  public void trackPrefix(String prefix) {
    // nothing to track
  }

  @Override
  public void restoreTracking() {
    // nothing to track
  }

  @Override
  public boolean shared() {
    return false;
  }

  @Override
  public CircuitState circuitState() {
    return CircuitState.CLOSED;
  }

  @Override
  public void close() {
    entries.invalidateAll();
  }
}
