package dev.alchemist.boot;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** Context runners with every Alchemist auto-configuration and, where asked, Boot's metrics. */
final class Runners {
  private Runners() {}

  static final AutoConfigurations ALCHEMIST =
      AutoConfigurations.of(
          AlchemistCoreAutoConfiguration.class,
          AlchemistCacheAutoConfiguration.class,
          AlchemistStoreAutoConfiguration.class,
          AlchemistNatsAutoConfiguration.class,
          AlchemistAiAutoConfiguration.class,
          AlchemistMetricsAutoConfiguration.class,
          AlchemistHealthAutoConfiguration.class,
          AlchemistLifecycleAutoConfiguration.class,
          AlchemistSanitizerAutoConfiguration.class);

  static final AutoConfigurations METRICS =
      AutoConfigurations.of(
          MetricsAutoConfiguration.class,
          SimpleMetricsExportAutoConfiguration.class,
          CompositeMeterRegistryAutoConfiguration.class);

  /** Every Alchemist auto-configuration, nothing of Boot's but what the test adds. */
  static ApplicationContextRunner alchemist() {
    return new ApplicationContextRunner().withConfiguration(ALCHEMIST);
  }

  /** As {@link #alchemist()} with Boot's MeterRegistry (a simple registry). */
  static ApplicationContextRunner withMetrics() {
    return alchemist().withConfiguration(METRICS);
  }
}
