package dev.alchemist.cache.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * A region's loads in progress in this JVM, at most one per key: a caller asking for a key that
 * another thread is loading waits for that load and gets its value or its exception, instead of
 * running the loader a second time. A loader that asks for the key it is loading fails at once
 * instead of waiting for itself. Kept apart from the region so the hand-over of results and errors
 * reads in one place; loads across instances are the {@link LoadLease}'s job. Thread-safe.
 *
 * @param <K> key type
 */
final class SingleFlight<K> {

  /** One in-progress load of a key. */
  private static final class Flight {
    final Thread leader = Thread.currentThread();
    final CompletableFuture<Object> result = new CompletableFuture<>();
  }

  private final String cache;
  private final ConcurrentHashMap<K, Flight> flights = new ConcurrentHashMap<>();

  SingleFlight(String cache) {
    this.cache = cache;
  }

  /**
   * Runs {@code load} for {@code key} unless a load of it is already in progress, whose result (or
   * exception) is then returned (or thrown) instead.
   */
  Object load(K key, Supplier<Object> load) {
    Flight mine = new Flight();
    Flight other = flights.putIfAbsent(key, mine);
    if (other != null) {
      if (other.leader == Thread.currentThread()) {
        throw new IllegalStateException(
            "the loader of cache " + cache + " asked for the key it is loading");
      }
      return join(other);
    }
    try {
      Object value = load.get();
      mine.result.complete(value);
      return value;
    } catch (RuntimeException | Error e) {
      mine.result.completeExceptionally(e);
      throw e;
    } finally {
      flights.remove(key, mine);
    }
  }

  private static Object join(Flight flight) {
    try {
      return flight.result.join();
    } catch (CompletionException e) {
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
}
