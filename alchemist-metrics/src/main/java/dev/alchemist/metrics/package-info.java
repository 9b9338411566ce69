/**
 * Request tracking with SLO histograms, a Prometheus scrape endpoint, JVM and process binders, and
 * a Grafana dashboard plus Prometheus alert rules whose meter names are checked against a real
 * scrape.
 *
 * <p>Entry points: {@link dev.alchemist.metrics.AlchemistMetrics#builder()} sets everything up;
 * {@link dev.alchemist.metrics.RequestTracker#create} and {@link
 * dev.alchemist.metrics.MetricsEndpoint#create} can also be used alone with a host's own registry.
 * Meter names are listed in {@link dev.alchemist.metrics.MeterNames} and in {@code
 * docs/metrics.md}.
 */
@NullMarked
package dev.alchemist.metrics;

import org.jspecify.annotations.NullMarked;
