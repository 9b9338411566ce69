package dev.alchemist.examples;

import dev.alchemist.cache.Cache;
import dev.alchemist.cache.CacheManager;
import dev.alchemist.cache.CachePolicy;
import dev.alchemist.core.DialogHistory;
import dev.alchemist.core.Message;
import dev.alchemist.core.MessageRole;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * alchemist-cache on the embedded store (pass a Redis URI as the first argument to use Redis): the
 * guide's dialog history preset, a single-flight loader, write-through, a bulk read and an
 * invalidation, with the hit/miss counters the cache records.
 *
 * <pre>
 * java -cp examples/target/examples.jar dev.alchemist.examples.CacheExample [redis://127.0.0.1:6379]
 * </pre>
 */
public final class CacheExample {
  private CacheExample() {}

  public static void main(String[] args) {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    CacheManager.Builder builder =
        CacheManager.builder().meterRegistry(registry).keyPrefix("cache_example");
    try (CacheManager caches =
        args.length > 0 ? builder.redis(args[0]).build() : builder.local().build()) {
      Cache<UUID, DialogHistory> history =
          caches.cache(CachePolicy.DIALOG_HISTORY, UUID.class, DialogHistory.class);
      UUID dialog = UUID.randomUUID();
      AtomicInteger loads = new AtomicInteger();

      // A miss runs the loader (the repository's lastN in a real service); later reads hit.
      for (int i = 0; i < 3; i++) {
        history.get(dialog, id -> loadFromDatabase(id, loads));
      }
      System.out.printf("3 reads, %d load(s) from the database%n", loads.get());

      // Write-through after a new message: the next read sees it without a load.
      DialogHistory h = history.get(dialog, id -> loadFromDatabase(id, loads));
      Message reply = Message.of(dialog, MessageRole.ASSISTANT, "Take tram 28.", Instant.now(), 4);
      history.put(dialog, h.append(reply, 50));
      System.out.printf(
          "after put: %d messages cached, loads still %d%n",
          history.get(dialog).size(), loads.get());

      UUID other = UUID.randomUUID();
      history.put(other, DialogHistory.empty(other));
      Map<UUID, DialogHistory> both = history.getAll(List.of(dialog, other, UUID.randomUUID()));
      System.out.printf("getAll of 3 keys found %d (one MGET on Redis)%n", both.size());

      history.invalidate(dialog); // every instance drops it, near caches included
      System.out.printf("after invalidate: %s%n", history.get(dialog));
      System.out.printf("policy: %s%n", CachePolicy.DIALOG_HISTORY);
      for (Counter c : registry.find("alchemist.cache.gets").counters()) {
        System.out.printf(
            "alchemist.cache.gets{result=%s} = %.0f%n", c.getId().getTag("result"), c.count());
      }
    }
  }

  private static DialogHistory loadFromDatabase(UUID dialog, AtomicInteger loads) {
    loads.incrementAndGet();
    Message question =
        Message.of(dialog, MessageRole.USER, "How do I get to the castle?", Instant.now(), 7);
    return new DialogHistory(dialog, List.of(question));
  }
}
