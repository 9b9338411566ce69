package dev.alchemist.metrics.internal;

import dev.alchemist.metrics.AlchemistMetrics;
import dev.alchemist.metrics.AlchemistMetrics.AlchemistMetricsSettings;
import dev.alchemist.metrics.MeterNames;
import dev.alchemist.metrics.MetricsEndpoint;
import dev.alchemist.metrics.RequestTracker;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/** {@link AlchemistMetrics} over one registry. */
public final class DefaultAlchemistMetrics implements AlchemistMetrics {
  private final AlchemistMetricsSettings settings;
  private final MeterRegistry registry;
  private final boolean ownsRegistry;
  private final boolean joinedGlobal;
  private final @Nullable PrometheusMeterRegistry prometheus;
  private final RequestTracker tracker;
  private final List<AutoCloseable> closeables;
  private final @Nullable MetricsEndpoint endpoint;
  private final AtomicBoolean closed = new AtomicBoolean();

  private DefaultAlchemistMetrics(
      AlchemistMetricsSettings settings,
      MeterRegistry registry,
      boolean ownsRegistry,
      boolean joinedGlobal,
      @Nullable PrometheusMeterRegistry prometheus,
      List<AutoCloseable> closeables,
      @Nullable MetricsEndpoint endpoint) {
    this.settings = settings;
    this.registry = registry;
    this.ownsRegistry = ownsRegistry;
    this.joinedGlobal = joinedGlobal;
    this.prometheus = prometheus;
    this.tracker = RequestTracker.create(registry, settings.tracker());
    this.closeables = closeables;
    this.endpoint = endpoint;
  }

  /** Checks the settings, binds everything and starts the endpoint if one is configured. */
  public static AlchemistMetrics start(AlchemistMetricsSettings settings) {
    Objects.requireNonNull(settings, "settings");
    MeterRegistry given = settings.registry();
    PrometheusMeterRegistry prometheus = given == null ? null : findPrometheus(given).orElse(null);
    if (given != null && prometheus == null && settings.endpoint() != null) {
      throw new IllegalStateException(
          "endpoint needs a PrometheusMeterRegistry but registry is "
              + given.getClass().getSimpleName()
              + " with none inside");
    }
    MeterRegistry registry = given;
    if (registry == null) {
      prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      registry = prometheus;
    }
    Tags common = Tags.empty();
    if (settings.application() != null) {
      common = common.and(MeterNames.APPLICATION, settings.application());
    }
    if (settings.instance() != null) {
      common = common.and(MeterNames.INSTANCE, settings.instance());
    }
    if (common.iterator().hasNext()) {
      registry.config().commonTags(common);
    }
    List<AutoCloseable> closeables = new ArrayList<>();
    MetricsEndpoint endpoint = null;
    try {
      if (settings.jvmMetrics()) {
        JvmGcMetrics gc = new JvmGcMetrics();
        closeables.add(gc);
        for (MeterBinder binder :
            List.of(
                new JvmMemoryMetrics(),
                gc,
                new JvmThreadMetrics(),
                new ClassLoaderMetrics(),
                new ProcessorMetrics(),
                new UptimeMetrics(),
                new FileDescriptorMetrics())) {
          binder.bindTo(registry);
        }
      }
      for (MeterBinder binder : settings.binders()) {
        binder.bindTo(registry);
      }
      if (settings.endpoint() != null) {
        endpoint = MetricsEndpoint.create(Objects.requireNonNull(prometheus), settings.endpoint());
        endpoint.start();
      }
    } catch (RuntimeException | Error e) {
      closeQuietly(closeables);
      if (given == null) {
        registry.close();
      }
      throw e;
    }
    // Joined last, so that a failed build leaves nothing behind in the global registry.
    boolean joinedGlobal = settings.joinGlobalRegistry() && joinGlobal(registry);
    return new DefaultAlchemistMetrics(
        settings, registry, given == null, joinedGlobal, prometheus, closeables, endpoint);
  }

  /**
   * Adds the registry to the global composite unless it is that composite or already reachable from
   * it (a host that wired it there itself), or a composite that holds the global one (which would
   * make a cycle); returns whether it was added here.
   */
  private static boolean joinGlobal(MeterRegistry registry) {
    if (registry == Metrics.globalRegistry
        || contains(Metrics.globalRegistry, registry)
        || (registry instanceof CompositeMeterRegistry composite
            && contains(composite, Metrics.globalRegistry))) {
      return false;
    }
    Metrics.addRegistry(registry);
    return true;
  }

  private static boolean contains(CompositeMeterRegistry composite, MeterRegistry registry) {
    for (MeterRegistry member : composite.getRegistries()) {
      if (member == registry
          || (member instanceof CompositeMeterRegistry inner && contains(inner, registry))) {
        return true;
      }
    }
    return false;
  }

  private static Optional<PrometheusMeterRegistry> findPrometheus(MeterRegistry registry) {
    if (registry instanceof PrometheusMeterRegistry p) {
      return Optional.of(p);
    }
    if (registry instanceof CompositeMeterRegistry composite) {
      for (MeterRegistry member : composite.getRegistries()) {
        Optional<PrometheusMeterRegistry> found = findPrometheus(member);
        if (found.isPresent()) {
          return found;
        }
      }
    }
    return Optional.empty();
  }

  @Override
  public MeterRegistry registry() {
    return registry;
  }

  @Override
  public Optional<PrometheusMeterRegistry> prometheusRegistry() {
    return Optional.ofNullable(prometheus);
  }

  @Override
  public RequestTracker tracker() {
    return tracker;
  }

  @Override
  public AlchemistMetrics bind(MeterBinder... binders) {
    Objects.requireNonNull(binders, "binders");
    for (MeterBinder binder : binders) {
      Objects.requireNonNull(binder, "binder").bindTo(registry);
    }
    return this;
  }

  @Override
  public Optional<MetricsEndpoint> endpoint() {
    return Optional.ofNullable(endpoint);
  }

  @Override
  public String scrape() {
    if (prometheus == null) {
      throw new IllegalStateException(
          "scrape needs a PrometheusMeterRegistry but registry is "
              + registry.getClass().getSimpleName());
    }
    return prometheus.scrape();
  }

  @Override
  public AlchemistMetricsSettings settings() {
    return settings;
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    if (joinedGlobal) {
      Metrics.removeRegistry(registry);
    }
    if (endpoint != null) {
      endpoint.close();
    }
    closeQuietly(closeables);
    if (tracker instanceof MeteredRequestTracker metered) {
      metered.close(); // matters for a host's registry, which outlives us
    }
    if (ownsRegistry) {
      registry.close();
    }
  }

  private static void closeQuietly(List<AutoCloseable> closeables) {
    for (AutoCloseable c : closeables) {
      try {
        c.close();
      } catch (Exception e) {
        // A binder that fails to unregister its listener must not keep the rest open.
      }
    }
  }
}
