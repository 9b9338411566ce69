/** Request tracking, Prometheus exposition, Grafana dashboards and alert rules. Not built yet. */
@NullMarked
package dev.alchemist.metrics;

import org.jspecify.annotations.NullMarked;
