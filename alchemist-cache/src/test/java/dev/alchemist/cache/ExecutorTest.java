package dev.alchemist.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.alchemist.cache.Fixtures.MutableClock;
import dev.alchemist.cache.Fixtures.Profile;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** What the cache does with the executor it runs work on: rejections, and whose threads. */
class ExecutorTest {

  private static final CachePolicy PLAIN = CachePolicy.builder("plain").build();

  @Test
  void getAsyncAndPutAsync_executorRejects_completeExceptionallyNamingTheCache() {
    try (CacheManager manager =
        CacheManager.builder()
            .local()
            .codec(Fixtures.CODECS)
            .meterRegistry(new SimpleMeterRegistry())
            .executor(
                task -> {
                  throw new RejectedExecutionException("full");
                })
            .build()) {
      Cache<String, Profile> cache = manager.cache(PLAIN, String.class, Profile.class);

      CompletableFuture<Void> put = cache.putAsync("k", new Profile("Ada", 36));
      CompletableFuture<Profile> get = cache.getAsync("other");

      for (CompletableFuture<?> future : java.util.List.of(put, get)) {
        assertThat(future)
            .failsWithin(Duration.ofSeconds(5))
            .withThrowableOfType(java.util.concurrent.ExecutionException.class)
            .havingCause()
            .isInstanceOf(RejectedExecutionException.class)
            .withMessageContaining("cache plain")
            .withMessageContaining("executor");
      }
    }
  }

  @Test
  void refreshAhead_defaultExecutor_runsOnTheManagersOwnThreadsNotTheCommonPool() {
    MutableClock clock = new MutableClock();
    CachePolicy policy =
        CachePolicy.builder("refreshing")
            .ttl(Duration.ofMinutes(1))
            .refreshAhead(Duration.ofSeconds(10))
            .build();
    AtomicReference<Thread> refresher = new AtomicReference<>();
    Thread caller = Thread.currentThread();
    try (CacheManager manager =
        CacheManager.builder()
            .local()
            .codec(Fixtures.CODECS)
            .meterRegistry(new SimpleMeterRegistry())
            .clock(clock)
            .build()) {
      Cache<String, Profile> cache = manager.cache(policy, String.class, Profile.class);
      cache.put("k", new Profile("Ada", 1));
      clock.advance(Duration.ofSeconds(55));
      cache.get(
          "k",
          k -> {
            if (Thread.currentThread() != caller) {
              refresher.set(Thread.currentThread());
            }
            return new Profile("Ada", 2);
          });
      await().atMost(Duration.ofSeconds(5)).until(() -> refresher.get() != null);
    }
    Thread thread = refresher.get();
    boolean commonPool =
        thread instanceof ForkJoinWorkerThread worker
            && worker.getPool() == ForkJoinPool.commonPool();
    assertThat(commonPool).as("refresh ran on %s", thread.getName()).isFalse();
    assertThat(thread.getName()).startsWith("alchemist-cache-");
    // close() shut the manager's own pool down
    await().atMost(Duration.ofSeconds(5)).until(() -> !thread.isAlive());
  }
}
