package dev.alchemist.boot;

import static dev.alchemist.boot.internal.PropertyChecks.build;
import static dev.alchemist.boot.internal.PropertyChecks.set;

import dev.alchemist.metrics.RequestTracker;
import dev.alchemist.metrics.RequestTrackerSettings;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.micrometer.metrics.autoconfigure.MeterRegistryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Metrics on the application's own {@link MeterRegistry}: every Alchemist bean of this starter is
 * built with that registry, so {@code /actuator/prometheus} shows the {@code alchemist_*} series
 * beside the application's, with no second registry or endpoint. This adds the {@code application}
 * and {@code instance} tags the shipped dashboard filters by, and a {@link RequestTracker} on the
 * same registry when alchemist-metrics is on the classpath.
 */
@AutoConfiguration(afterName = AlchemistCoreAutoConfiguration.METRICS_AUTO_CONFIGURATION)
@ConditionalOnClass(MeterRegistry.class)
@EnableConfigurationProperties(AlchemistMetricsProperties.class)
public class AlchemistMetricsAutoConfiguration {

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(MeterRegistryCustomizer.class)
  @ConditionalOnProperty(prefix = "alchemist.metrics", name = "common-tags", matchIfMissing = true)
  static class CommonTags {
    @Bean
    MeterRegistryCustomizer<MeterRegistry> alchemistCommonTags(
        AlchemistMetricsProperties properties, Environment environment) {
      List<Tag> tags = new ArrayList<>();
      if (!environment.containsProperty("management.metrics.tags.application")) {
        String application = properties.getApplication();
        if (application == null) {
          application = environment.getProperty("spring.application.name", "application");
        }
        tags.add(Tag.of("application", application));
      }
      if (!environment.containsProperty("management.metrics.tags.instance")) {
        String instance = properties.getInstance();
        tags.add(Tag.of("instance", instance != null ? instance : hostName()));
      }
      return registry -> registry.config().commonTags(tags);
    }

    private static String hostName() {
      try {
        return InetAddress.getLocalHost().getHostName();
      } catch (UnknownHostException e) {
        return "unknown";
      }
    }
  }

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(RequestTracker.class)
  static class Tracker {
    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnBean(MeterRegistry.class)
    RequestTracker alchemistRequestTracker(
        AlchemistMetricsProperties properties, MeterRegistry registry) {
      RequestTrackerSettings.Builder b = RequestTrackerSettings.builder();
      set("alchemist.metrics.max-operations", properties.getMaxOperations(), b::maxOperations);
      RequestTrackerSettings settings = build("alchemist.metrics", b::build);
      return RequestTracker.create(registry, settings);
    }
  }
}
