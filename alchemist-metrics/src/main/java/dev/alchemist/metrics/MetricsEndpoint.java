package dev.alchemist.metrics;

import dev.alchemist.metrics.internal.HttpMetricsEndpoint;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Objects;

/**
 * Serves a {@link PrometheusMeterRegistry} over HTTP for Prometheus to scrape, on the JDK's {@code
 * com.sun.net.httpserver} (no servlet container). {@code GET} or {@code HEAD} on the {@linkplain
 * MetricsEndpointSettings#path() path} answers:
 *
 * <ul>
 *   <li>OpenMetrics 1.0 ({@code application/openmetrics-text; version=1.0.0}) when the {@code
 *       Accept} header asks for {@code application/openmetrics-text}, as Prometheus does by
 *       default;
 *   <li>the Prometheus text format 0.0.4 otherwise (curl, browsers);
 *   <li>gzip-compressed when {@code Accept-Encoding} allows it.
 * </ul>
 *
 * <p>Other paths answer 404, other methods 405, and a scrape that fails 500 (logged once). The
 * endpoint binds to loopback unless {@linkplain MetricsEndpointSettings#address() told otherwise}.
 *
 * <p>Thread-safe. {@link #start()} binds the port, {@link #stop()} releases it and may be followed
 * by another {@code start()}; {@link #close()} is {@code stop()}. The registry is never closed
 * here.
 *
 * <pre>{@code
 * try (MetricsEndpoint endpoint = MetricsEndpoint.create(registry, MetricsEndpointSettings.defaults())) {
 *   endpoint.start(); // http://127.0.0.1:9464/metrics
 *   ...
 * }
 * }</pre>
 */
public interface MetricsEndpoint extends AutoCloseable {

  /** Returns an endpoint, not yet started, that serves {@code registry}. */
  static MetricsEndpoint create(
      PrometheusMeterRegistry registry, MetricsEndpointSettings settings) {
    Objects.requireNonNull(registry, "registry");
    Objects.requireNonNull(settings, "settings");
    return new HttpMetricsEndpoint(registry, settings);
  }

  /**
   * Binds the address and starts serving. Does nothing if already running.
   *
   * @return this endpoint
   * @throws MetricsEndpointException if the address cannot be bound (port in use, no such address)
   */
  MetricsEndpoint start();

  /** Stops serving and releases the port; requests in progress are cut off. Idempotent. */
  void stop();

  /** Returns whether the endpoint is serving. */
  boolean isRunning();

  /**
   * Returns the bound port (the chosen one when configured with 0).
   *
   * @throws IllegalStateException if not running
   */
  int port();

  /**
   * Returns the bound socket address.
   *
   * @throws IllegalStateException if not running
   */
  InetSocketAddress address();

  /**
   * Returns the scrape URI, such as {@code http://127.0.0.1:9464/metrics}.
   *
   * @throws IllegalStateException if not running
   */
  URI uri();

  /** Returns the settings this endpoint was created with. */
  MetricsEndpointSettings settings();

  /** Same as {@link #stop()}. */
  @Override
  void close();
}
