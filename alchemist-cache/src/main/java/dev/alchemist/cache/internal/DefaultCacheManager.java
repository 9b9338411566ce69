package dev.alchemist.cache.internal;

import dev.alchemist.cache.Cache;
import dev.alchemist.cache.CacheListener;
import dev.alchemist.cache.CacheManager;
import dev.alchemist.cache.CacheManagerSettings;
import dev.alchemist.cache.CachePolicy;
import dev.alchemist.cache.CircuitState;
import dev.alchemist.core.Checks;
import dev.alchemist.core.codec.Codec;
import dev.alchemist.core.codec.KryoCodecs;
import dev.alchemist.core.internal.DaemonThreads;
import io.lettuce.core.RedisURI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The {@link CacheManager} over a {@link Store}. Thread-safe. */
public final class DefaultCacheManager implements CacheManager {

  private static final Logger LOG = LoggerFactory.getLogger(DefaultCacheManager.class);

  /** Tasks the manager's own pool queues before it rejects (async reads, refreshes). */
  private static final int OWN_QUEUE = 10_000;

  private record Region(
      CachePolicy policy, Class<?> keyType, Class<?> valueType, Cache<?, ?> cache) {}

  private final CacheManagerSettings settings;
  private final Store store;
  private final InvalidationBus bus;
  private final CacheRuntime runtime;
  private final Map<String, Region> regions = new ConcurrentHashMap<>();
  private final @Nullable ExecutorService ownExecutor;
  private final ScheduledExecutorService scheduler;
  private final ReentrantLock lock = new ReentrantLock();
  private volatile boolean closed;

  /**
   * Connects to the store the settings name.
   *
   * @throws dev.alchemist.core.AlchemistException if Redis cannot be reached
   */
  public DefaultCacheManager(CacheManagerSettings settings) {
    this.settings = settings;
    Executor executor;
    if (settings.executor() != null) {
      executor = settings.executor();
      this.ownExecutor = null;
    } else {
      // Refresh-ahead loads block (they call the host's loader): never on the common pool,
      // which has one thread on a 2-core machine and is shared with the whole JVM.
      this.ownExecutor = ownPool();
      executor = ownExecutor;
    }
    this.scheduler = DaemonThreads.scheduler("alchemist-cache-retry");
    CacheListener listener = settings.listener();
    this.runtime =
        new CacheRuntime(
            settings.clock(),
            settings.ticker(),
            executor,
            scheduler,
            listener,
            settings.meterRegistry(),
            settings.operationTimeout());
    try {
      this.store = openStore(settings, executor, listener);
    } catch (RuntimeException e) {
      shutdownThreads();
      throw e;
    }
    this.bus =
        new InvalidationBus(
            store,
            executor,
            scheduler,
            settings.keyPrefix(),
            reason -> {
              LOG.info("cleared every near cache: {}", reason);
              try {
                listener.onNearCacheCleared(reason);
              } catch (RuntimeException e) {
                LOG.warn("a CacheListener threw", e);
              }
            });
    try {
      bus.start();
    } catch (RuntimeException e) {
      store.close();
      shutdownThreads();
      throw e;
    }
  }

  private static Store openStore(
      CacheManagerSettings settings, Executor executor, CacheListener listener) {
    if (settings.local()) {
      return new LocalStore(settings.localMaximumSize(), settings.ticker(), executor);
    } else {
      List<RedisURI> uris = new ArrayList<>();
      for (String uri : settings.redisUris()) {
        uris.add(RedisURI.create(uri));
      }
      return new RedisStore(
          uris,
          settings.cluster(),
          settings.redactedAddresses(),
          settings.operationTimeout(),
          settings.connectTimeout(),
          settings.sslOptions(),
          settings.clientResources(),
          settings.circuitFailureThreshold(),
          settings.circuitOpenDuration(),
          settings.ticker(),
          settings.keyPrefix() + ":invalidate",
          (from, to) -> {
            if (to == CircuitState.OPEN) {
              LOG.warn("Redis at {}: circuit {} -> {}", settings.redactedAddresses(), from, to);
            } else {
              LOG.info("Redis at {}: circuit {} -> {}", settings.redactedAddresses(), from, to);
            }
            try {
              listener.onCircuitStateChange(from, to);
            } catch (RuntimeException e) {
              LOG.warn("a CacheListener threw", e);
            }
          });
    }
  }

  private static ExecutorService ownPool() {
    int threads = DaemonThreads.defaultPoolSize();
    ThreadPoolExecutor pool =
        new ThreadPoolExecutor(
            threads,
            threads,
            30,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(OWN_QUEUE),
            DaemonThreads.named("alchemist-cache"));
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }

  private void shutdownThreads() {
    scheduler.shutdownNow();
    if (ownExecutor != null) {
      ownExecutor.shutdown();
      try {
        if (!ownExecutor.awaitTermination(
            settings.operationTimeout().toMillis() * 2 + 1000, TimeUnit.MILLISECONDS)) {
          ownExecutor.shutdownNow();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        ownExecutor.shutdownNow();
      }
    }
  }

  @Override
  public <K, V> Cache<K, V> cache(CachePolicy policy, Class<K> keyType, Class<V> valueType) {
    Checks.notNull("policy", policy);
    Checks.notNull("keyType", keyType);
    Checks.notNull("valueType", valueType);
    lock.lock();
    try {
      if (closed) {
        throw new IllegalStateException("cache manager is closed; cannot open " + policy.name());
      }
      Region existing = regions.get(policy.name());
      if (existing != null) {
        if (!existing.policy().equals(policy)
            || existing.keyType() != keyType
            || existing.valueType() != valueType) {
          throw new IllegalStateException(
              "cache "
                  + policy.name()
                  + " already exists with "
                  + existing.policy()
                  + " for "
                  + existing.keyType().getSimpleName()
                  + " -> "
                  + existing.valueType().getSimpleName());
        }
        @SuppressWarnings("unchecked")
        Cache<K, V> same = (Cache<K, V>) existing.cache();
        return same;
      }
      if (!settings.codecs().isRegistered(valueType)) {
        throw new IllegalArgumentException(
            "value type "
                + valueType.getName()
                + " of cache "
                + policy.name()
                + " is not registered with the manager's codec: register it on the registry given"
                + " to CacheManager.builder().codec(...), such as KryoCodecs.builder().register("
                + valueType.getSimpleName()
                + ".class, id) with an id from "
                + KryoCodecs.FIRST_USER_ID
                + " to "
                + KryoCodecs.MAX_ID);
      }
      Codec<V> codec = settings.codecs().codec(valueType);
      DefaultCache<K, V> cache =
          new DefaultCache<>(policy, settings.keyPrefix(), keyType, codec, store, bus, runtime);
      bus.register(policy.name(), cache);
      regions.put(policy.name(), new Region(policy, keyType, valueType, cache));
      return cache;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public CircuitState circuitState() {
    return store.circuitState();
  }

  /** Whether near caches may be read and filled now (for tests and diagnostics). */
  public boolean nearCachesTrusted() {
    return bus.trusted();
  }

  @Override
  public CacheManagerSettings settings() {
    return settings;
  }

  @Override
  public void close() {
    lock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      // Invalidations still pending get one last attempt while the store is open; then each
      // cache refuses calls.
      for (Region region : regions.values()) {
        if (region.cache() instanceof DefaultCache<?, ?> cache) {
          cache.close();
        }
      }
      try {
        store.close();
      } finally {
        shutdownThreads();
      }
    } finally {
      lock.unlock();
    }
  }

  @Override
  public String toString() {
    return "CacheManager[" + settings + ", regions=" + regions.keySet() + "]";
  }
}
