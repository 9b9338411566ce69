package dev.alchemist.ai;

import dev.alchemist.core.Checks;
import dev.alchemist.core.internal.OwnedMeters;
import dev.alchemist.core.internal.SharedScheduler;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps models loaded: {@link #start()} preloads each model with {@link ChatModel#warmUp(String)}
 * and then pings it every {@link Builder#pingInterval(Duration)}, which must be shorter than the
 * server's keep-alive ({@link ChatModel#keepAlive()}) so the model is never unloaded between pings.
 * Each load or ping is timed in {@code alchemist.ai.model.load} (tags provider, model, outcome);
 * failures go to {@link AiListener#onWarmUpFailure} and the next ping tries again.
 *
 * <p>Thread-safe. {@link #close()} stops the pings (an in-flight ping completes on its own) and
 * removes the warmer's meters; it never closes the model or the scheduler.
 */
public final class ModelWarmer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ModelWarmer.class);

  private final ChatModel model;
  private final List<String> models;
  private final Duration pingInterval;
  private final ScheduledExecutorService scheduler;
  private final OwnedMeters meters;
  private final AiListener listener;
  private final ReentrantLock lock = new ReentrantLock();
  private final List<ScheduledFuture<?>> pings = new ArrayList<>();
  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean failureLogged = new AtomicBoolean();
  private volatile boolean closed;

  private ModelWarmer(Builder b) {
    this.model = b.model;
    this.models = List.copyOf(b.models);
    this.pingInterval = b.pingInterval;
    this.scheduler = b.scheduler != null ? b.scheduler : SharedScheduler.get();
    this.meters = OwnedMeters.of(b.registry, "model warmer of " + b.model.provider());
    this.listener = b.listener;
  }

  public static Builder builder(ChatModel model) {
    return new Builder(model);
  }

  /**
   * Loads every model once (in parallel) and starts the pings. The future completes with each
   * model's load time, or exceptionally with the first load failure (pings start regardless, so a
   * model that comes up later is kept warm). Calling it twice throws {@link IllegalStateException}.
   */
  public CompletableFuture<Map<String, Duration>> start() {
    if (!started.compareAndSet(false, true)) {
      throw new IllegalStateException("warmer already started");
    }
    Map<String, CompletableFuture<Duration>> loads = new LinkedHashMap<>();
    for (String m : models) {
      loads.put(m, load(m));
      schedulePing(m);
    }
    return CompletableFuture.allOf(loads.values().toArray(CompletableFuture[]::new))
        .thenApply(
            v -> {
              Map<String, Duration> out = new LinkedHashMap<>();
              loads.forEach((k, f) -> out.put(k, f.join()));
              return out;
            });
  }

  private CompletableFuture<Duration> load(String m) {
    CompletableFuture<Duration> f;
    try {
      f = model.warmUp(m);
    } catch (RuntimeException e) {
      f = CompletableFuture.failedFuture(e);
    }
    return f.whenComplete(
        (d, e) -> {
          Timer.Builder t =
              Timer.builder("alchemist.ai.model.load")
                  .description("Model preload and keep-alive ping time")
                  .tags("provider", model.provider(), "model", m)
                  .tag("outcome", e == null ? "success" : "error");
          Timer timer = meters.shared(t::register);
          if (e == null) {
            timer.record(d);
          } else {
            timer.record(Duration.ZERO);
            if (failureLogged.compareAndSet(false, true)) {
              LOG.warn(
                  "warming {} model {} failed; retrying at every ping", model.provider(), m, e);
            }
            try {
              listener.onWarmUpFailure(model.provider(), m, e);
            } catch (RuntimeException ignored) {
              // a listener must not stop the pings
            }
          }
        });
  }

  private void schedulePing(String m) {
    if (closed) {
      return;
    }
    lock.lock();
    try {
      pings.removeIf(ScheduledFuture::isDone);
      pings.add(
          scheduler.schedule(
              () -> {
                load(m).whenComplete((d, e) -> schedulePing(m));
              },
              pingInterval.toNanos(),
              TimeUnit.NANOSECONDS));
    } catch (RejectedExecutionException e) {
      LOG.debug("scheduler shut down; pings of {} stop", m);
    } finally {
      lock.unlock();
    }
  }

  /** Pings scheduled and not yet run. */
  public int pendingPings() {
    lock.lock();
    try {
      return (int) pings.stream().filter(f -> !f.isDone()).count();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void close() {
    closed = true;
    lock.lock();
    try {
      pings.forEach(f -> f.cancel(false));
      pings.clear();
    } finally {
      lock.unlock();
    }
    meters.close();
  }

  /** Builds a {@link ModelWarmer}; setters validate; not thread-safe. */
  public static final class Builder {
    private final ChatModel model;
    private final List<String> models = new ArrayList<>();
    private @Nullable Duration pingInterval;
    private @Nullable ScheduledExecutorService scheduler;
    private MeterRegistry registry = Metrics.globalRegistry;
    private AiListener listener = AiListener.NONE;

    private Builder(ChatModel model) {
      this.model = Checks.notNull("model", model);
    }

    public Builder preload(String... modelNames) {
      for (String m : modelNames) {
        models.add(Checks.notBlank("model", m));
      }
      return this;
    }

    /**
     * How often to ping each model; default half the model's keep-alive, or 4 minutes when the
     * client reports none. Must be shorter than the keep-alive.
     */
    public Builder pingInterval(Duration interval) {
      this.pingInterval = Checks.positive("pingInterval", interval, Duration.ofDays(1));
      return this;
    }

    public Builder scheduler(ScheduledExecutorService scheduler) {
      this.scheduler = Checks.notNull("scheduler", scheduler);
      return this;
    }

    /**
     * Where {@code alchemist.ai.model.load} goes; default {@code Metrics.globalRegistry}. {@link
     * ModelWarmer#close()} removes the timers it registered (those no other live warmer of the same
     * model still records on).
     */
    public Builder meterRegistry(MeterRegistry registry) {
      this.registry = Checks.notNull("registry", registry);
      return this;
    }

    public Builder listener(AiListener listener) {
      this.listener = Checks.notNull("listener", listener);
      return this;
    }

    /**
     * @throws IllegalStateException if no model is preloaded, or the ping interval is not shorter
     *     than the model's keep-alive
     */
    public ModelWarmer build() {
      if (models.isEmpty()) {
        throw new IllegalStateException("preload at least one model");
      }
      Duration keepAlive = model.keepAlive().orElse(null);
      if (pingInterval == null) {
        pingInterval = keepAlive != null ? keepAlive.dividedBy(2) : Duration.ofMinutes(4);
      }
      if (keepAlive != null && pingInterval.compareTo(keepAlive) >= 0) {
        throw new IllegalStateException(
            "pingInterval ("
                + pingInterval
                + ") must be shorter than the model's keepAlive ("
                + keepAlive
                + ") or the model unloads between pings");
      }
      return new ModelWarmer(this);
    }
  }
}
