package dev.alchemist.boot.internal;

import dev.alchemist.store.BatchingWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.util.ClassUtils;

/**
 * Closes the application's Alchemist beans in the order that loses nothing, when the context stops:
 * after the web server's graceful shutdown (which lets requests in flight finish) and before any
 * bean is destroyed. Writers flush, publishers drain (every outstanding ack is awaited), consumers
 * stop, writers close (what the consumers wrote last is flushed too), then the connections and
 * pools close: event bus, model clients, cache manager, database. Each step is bounded by that
 * component's own close timeout. Every close is idempotent, so the destruction that follows finds
 * nothing left to do.
 *
 * <p>Stopping is final: the beans it closed stay closed if the context is started again. Beans of
 * modules that are not on the classpath are skipped. A failure to close one bean is logged (its
 * type, never a message that could carry user content) and the others still close.
 */
public final class OrderedShutdown implements SmartLifecycle {
  /**
   * Below Boot's web server phases ({@code DEFAULT_PHASE - 1024} graceful shutdown, {@code - 2048}
   * stop), so requests in flight have finished and no new one arrives.
   */
  public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

  private static final Logger LOG = LoggerFactory.getLogger(OrderedShutdown.class);
  private static final String WRITER = "dev.alchemist.store.BatchingWriter";

  /** What closes after the writers, publishers and consumers: connections, then pools. */
  private static final List<String> PUBLISHERS = List.of("dev.alchemist.nats.JetStreamPublisher");

  private static final List<String> CONSUMERS = List.of("dev.alchemist.nats.EventConsumer");
  private static final List<String> CONNECTIONS =
      List.of(
          "dev.alchemist.nats.EventBus",
          "dev.alchemist.ai.ModelWarmer",
          "dev.alchemist.ai.ChatStreamer",
          "dev.alchemist.ai.ChatModel",
          "dev.alchemist.cache.CacheManager",
          "dev.alchemist.store.AlchemistDatabase");

  private final ListableBeanFactory beans;
  private volatile boolean running;

  public OrderedShutdown(ListableBeanFactory beans) {
    this.beans = beans;
  }

  @Override
  public void start() {
    running = true;
  }

  @Override
  public void stop() {
    running = false;
    List<AutoCloseable> writers = beansOf(WRITER);
    if (!writers.isEmpty()) {
      Writers.flush(writers);
    }
    PUBLISHERS.forEach(type -> closeAll(type, beansOf(type)));
    CONSUMERS.forEach(type -> closeAll(type, beansOf(type)));
    closeAll(WRITER, writers);
    CONNECTIONS.forEach(type -> closeAll(type, beansOf(type)));
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  @Override
  public int getPhase() {
    return PHASE;
  }

  private List<AutoCloseable> beansOf(String typeName) {
    ClassLoader loader = OrderedShutdown.class.getClassLoader();
    if (!ClassUtils.isPresent(typeName, loader)) {
      return List.of();
    }
    Class<?> type = ClassUtils.resolveClassName(typeName, loader);
    List<AutoCloseable> found = new ArrayList<>();
    // Singletons that exist already; nothing is created at shutdown.
    for (Object bean : beans.getBeansOfType(type, false, false).values()) {
      if (bean instanceof AutoCloseable closeable) {
        found.add(closeable);
      }
    }
    return found;
  }

  private static void closeAll(String type, List<AutoCloseable> closeables) {
    for (AutoCloseable c : closeables) {
      try {
        c.close();
      } catch (Exception | LinkageError e) {
        LOG.warn("closing {} failed: {}", type, e.getClass().getName());
      }
    }
  }

  /** Loaded only when alchemist-store is present. */
  private static final class Writers {
    static void flush(List<AutoCloseable> writers) {
      List<CompletableFuture<Void>> flushes = new ArrayList<>();
      for (AutoCloseable w : writers) {
        try {
          flushes.add(((BatchingWriter<?>) w).flush());
        } catch (RuntimeException e) {
          LOG.warn("flushing a writer failed: {}", e.getClass().getName());
        }
      }
      for (CompletableFuture<Void> f : flushes) {
        // A failed batch was reported to the store's listener; waiting is what matters here.
        f.handle((ok, failure) -> null).join();
      }
    }
  }
}
