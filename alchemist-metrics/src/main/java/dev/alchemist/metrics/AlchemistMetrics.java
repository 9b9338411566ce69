package dev.alchemist.metrics;

import dev.alchemist.core.Checks;
import dev.alchemist.metrics.internal.DefaultAlchemistMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The metrics of one Alchemist application: a registry (a new {@link PrometheusMeterRegistry}
 * unless one is given), common tags {@code application} and {@code instance}, the JVM and process
 * binders (memory, GC, threads, class loading, processor, uptime, open files), a {@link
 * RequestTracker}, the meters of other modules via {@link #bind}, and optionally a running {@link
 * MetricsEndpoint}.
 *
 * <p>Every module's builder defaults to Micrometer's {@link
 * io.micrometer.core.instrument.Metrics#globalRegistry}. So that one endpoint shows every module's
 * meters without passing the registry around, {@code build()} adds {@link #registry()} to the
 * global composite (unless {@link Builder#joinGlobalRegistry(boolean) joinGlobalRegistry(false)})
 * and {@code close()} takes it out again. Meters registered in the global registry before {@code
 * build()} appear too (a composite hands its meters to a registry when it is added), counting from
 * then on.
 *
 * <p>The dashboard and the alert rules that read these meters ship as resources: {@link
 * #DASHBOARD_RESOURCE} and {@link #ALERT_RULES_RESOURCE}.
 *
 * <p>Thread-safe. {@link #close()} stops the endpoint, closes the binders that hold resources (the
 * GC listener), removes the tracker's meters, and closes the registry only if this object created
 * it.
 *
 * <pre>{@code
 * try (AlchemistMetrics metrics = AlchemistMetrics.builder()
 *     .application("dialog-service")
 *     .endpoint(MetricsEndpointSettings.builder().port(9464).build())
 *     .build()) {
 *   metrics.bind(DebounceMetrics.of(dashboardUpdater));
 *   Reply reply = metrics.tracker().track("dialog.reply", () -> service.reply(request));
 * }
 * }</pre>
 */
public interface AlchemistMetrics extends AutoCloseable {

  /** Class-path resource of the Grafana dashboard (datasource input {@code DS_PROMETHEUS}). */
  String DASHBOARD_RESOURCE = "dev/alchemist/metrics/grafana/alchemist-dashboard.json";

  /** Class-path resource of the Prometheus alert rules. */
  String ALERT_RULES_RESOURCE = "dev/alchemist/metrics/prometheus/alchemist-alerts.yml";

  /** Returns a builder with every default: a new Prometheus registry, JVM binders, no endpoint. */
  static Builder builder() {
    return new Builder();
  }

  /** Returns the registry every meter goes to. */
  MeterRegistry registry();

  /**
   * Returns the Prometheus registry: {@link #registry()} itself, or the Prometheus member of a
   * given composite registry; empty if there is none.
   */
  Optional<PrometheusMeterRegistry> prometheusRegistry();

  /** Returns the request tracker, registered in {@link #registry()}. */
  RequestTracker tracker();

  /**
   * Binds meters of other modules, for example {@code DebounceMetrics.of(updater)} or a cache's
   * binder, to {@link #registry()}.
   *
   * @return this
   */
  AlchemistMetrics bind(MeterBinder... binders);

  /** Returns the endpoint, running since {@code build()}, if one was configured. */
  Optional<MetricsEndpoint> endpoint();

  /**
   * Returns the current scrape in the Prometheus text format 0.0.4.
   *
   * @throws IllegalStateException if there is no Prometheus registry
   */
  String scrape();

  /** Returns the settings this object was built with. */
  AlchemistMetricsSettings settings();

  /**
   * Takes the registry out of the global composite if {@code build()} put it there, stops the
   * endpoint, closes the JVM binders that hold listeners, and closes the registry if it was created
   * here (a given registry stays open). Idempotent.
   */
  @Override
  void close();

  /**
   * Builds {@link AlchemistMetrics}. Each setter checks its argument and throws {@link
   * IllegalArgumentException} naming the field and the value; {@link #build()} checks combinations
   * and throws {@link IllegalStateException}. Not thread-safe; {@code build()} copies, so a builder
   * can be reused (each {@code build()} creates its own registry unless one was given).
   */
  final class Builder {
    private @Nullable String application;
    private @Nullable String instance;
    private @Nullable MeterRegistry registry;
    private boolean jvmMetrics = true;
    private boolean joinGlobalRegistry = true;
    private RequestTrackerSettings tracker = RequestTrackerSettings.defaults();
    private @Nullable MetricsEndpointSettings endpoint;
    private final List<MeterBinder> binders = new ArrayList<>();

    private Builder() {}

    /**
     * Common tag {@code application} on every meter, such as {@code "dialog-service"}; default
     * none. The dashboard filters on it. At most 128 characters.
     */
    public Builder application(String application) {
      this.application = checkTag("application", application);
      return this;
    }

    /**
     * Common tag {@code instance} on every meter; default none. Prometheus already labels each
     * scraped series with the target as {@code instance} and renames a clashing label to {@code
     * exported_instance} unless {@code honor_labels: true}, so set this only when you want the
     * application's own idea of its instance (a pod name) to win. At most 128 characters.
     */
    public Builder instance(String instance) {
      this.instance = checkTag("instance", instance);
      return this;
    }

    /**
     * The registry to use instead of a new {@link PrometheusMeterRegistry}: a Prometheus one, or a
     * composite that contains one if the endpoint is wanted. It is not closed by {@link #close()},
     * which removes the {@link AlchemistMetrics#tracker()}'s meters from it (those no other live
     * tracker records on); Micrometer's JVM binders stay, since they read the process, not this
     * object. Meters of other modules leave when their component closes. Common tags apply only to
     * meters registered after {@code build()}.
     */
    public Builder registry(MeterRegistry registry) {
      this.registry = Checks.notNull("registry", registry);
      return this;
    }

    /** Whether to bind the JVM and process binders; default on. */
    public Builder jvmMetrics(boolean jvmMetrics) {
      this.jvmMetrics = jvmMetrics;
      return this;
    }

    /**
     * Whether {@code build()} adds {@link AlchemistMetrics#registry()} to Micrometer's global
     * composite registry, where every module's builder registers its meters by default; default on.
     * {@code close()} removes it again (only if it was added here). Turn it off when a host passes
     * its own registry to every builder, or when the global registry is already exported another
     * way (a Spring Boot host with {@code management.metrics.use-global-registry}).
     */
    public Builder joinGlobalRegistry(boolean joinGlobalRegistry) {
      this.joinGlobalRegistry = joinGlobalRegistry;
      return this;
    }

    /** Settings of {@link #tracker()}; default {@link RequestTrackerSettings#defaults()}. */
    public Builder tracker(RequestTrackerSettings tracker) {
      this.tracker = Checks.notNull("tracker", tracker);
      return this;
    }

    /** Starts a {@link MetricsEndpoint} with these settings in {@code build()}; default none. */
    public Builder endpoint(MetricsEndpointSettings endpoint) {
      this.endpoint = Checks.notNull("endpoint", endpoint);
      return this;
    }

    /** Binds these binders in {@code build()}, as {@link AlchemistMetrics#bind} does later. */
    public Builder bind(MeterBinder... binders) {
      Checks.notNull("binders", binders);
      for (MeterBinder binder : binders) {
        this.binders.add(Checks.notNull("binder", binder));
      }
      return this;
    }

    /**
     * Returns running metrics; the endpoint, if configured, is serving.
     *
     * @throws IllegalStateException if an endpoint is configured but the given registry has no
     *     Prometheus registry in it
     * @throws MetricsEndpointException if the endpoint cannot bind its address
     */
    public AlchemistMetrics build() {
      AlchemistMetricsSettings settings =
          new AlchemistMetricsSettings(
              application,
              instance,
              registry,
              jvmMetrics,
              joinGlobalRegistry,
              tracker,
              endpoint,
              binders);
      return DefaultAlchemistMetrics.start(settings);
    }

    private static String checkTag(String field, String value) {
      Checks.notBlank(field, value);
      if (value.length() > 128) {
        throw new IllegalArgumentException(
            field + " must be at most 128 characters but was " + value.length());
      }
      return value;
    }
  }

  /**
   * Immutable settings of {@link AlchemistMetrics}, as built by {@link Builder}.
   *
   * @param application the {@code application} common tag, or null for none
   * @param instance the {@code instance} common tag, or null for none
   * @param registry the registry given to the builder, or null to create a Prometheus registry
   * @param jvmMetrics whether the JVM and process binders are bound
   * @param joinGlobalRegistry whether the registry joins Micrometer's global composite until close
   * @param tracker settings of the request tracker
   * @param endpoint settings of the endpoint started by {@code build()}, or null for none
   * @param binders binders bound in {@code build()}
   */
  record AlchemistMetricsSettings(
      @Nullable String application,
      @Nullable String instance,
      @Nullable MeterRegistry registry,
      boolean jvmMetrics,
      boolean joinGlobalRegistry,
      RequestTrackerSettings tracker,
      @Nullable MetricsEndpointSettings endpoint,
      List<MeterBinder> binders) {

    /** Copies the binder list and checks that no required field is null. */
    public AlchemistMetricsSettings {
      Objects.requireNonNull(tracker, "tracker");
      binders = List.copyOf(binders);
    }
  }
}
