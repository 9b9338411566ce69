package dev.alchemist.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.alchemist.cache.CacheManager;
import dev.alchemist.metrics.RequestTracker;
import dev.alchemist.store.AlchemistDatabase;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;

class AlchemistMetricsAndHealthTest {

  @Test
  void requestTracker_onBootsRegistry_carriesTheDashboardsTags() {
    Runners.withMetrics()
        .withPropertyValues("spring.application.name=shop", "alchemist.metrics.instance=node-1")
        .run(
            context -> {
              MeterRegistry registry = context.getBean(MeterRegistry.class);
              context.getBean(RequestTracker.class).track("dialog.reply", () -> "ok");
              var requests = registry.find("alchemist.requests").counters();
              assertThat(requests).isNotEmpty();
              var id = requests.iterator().next().getId();
              assertThat(id.getTag("application")).isEqualTo("shop");
              assertThat(id.getTag("instance")).isEqualTo("node-1");
            });
  }

  @Test
  void commonTags_hostSetsItsOwnApplicationTag_isLeftAlone() {
    Runners.withMetrics()
        .withPropertyValues("management.metrics.tags.application=host-app")
        .run(
            context -> {
              MeterRegistry registry = context.getBean(MeterRegistry.class);
              context.getBean(RequestTracker.class).track("dialog.reply", () -> "ok");
              var id = registry.find("alchemist.requests").counters().iterator().next().getId();
              assertThat(id.getTag("application")).isEqualTo("host-app");
            });
  }

  @Test
  void requestTracker_noRegistry_noBean() {
    Runners.alchemist().run(context -> assertThat(context).doesNotHaveBean(RequestTracker.class));
  }

  @Test
  void redisHealth_embeddedStore_isUp() {
    Runners.alchemist()
        .run(
            context -> {
              Health health =
                  context.getBean("alchemistRedisHealthIndicator", HealthIndicator.class).health();
              assertThat(health.getStatus()).isEqualTo(Status.UP);
              assertThat(health.getDetails()).containsEntry("store", "embedded");
            });
  }

  @Test
  void redisHealth_turnedOff_noIndicator() {
    Runners.alchemist()
        .withPropertyValues("management.health.alchemist-redis.enabled=false")
        .run(context -> assertThat(context).doesNotHaveBean("alchemistRedisHealthIndicator"));
  }

  @Test
  void poolHealth_onTheHostsPool_reportsItsState() {
    Runners.alchemist()
        .withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class))
        .withPropertyValues(
            "spring.datasource.url=jdbc:h2:mem:pool_" + System.nanoTime() + ";DB_CLOSE_DELAY=-1")
        .run(
            context -> {
              Health health =
                  context.getBean("alchemistPoolHealthIndicator", HealthIndicator.class).health();
              assertThat(health.getStatus()).isEqualTo(Status.UP);
              assertThat(health.getDetails())
                  .containsKeys("total", "active", "idle", "waiting")
                  .containsEntry("saturated", false)
                  .containsEntry("database", "h2");
            });
  }

  @Test
  void starter_withoutActuator_configuresTheModulesAlone() {
    Runners.alchemist()
        .withClassLoader(
            new FilteredClassLoader(
                "org.springframework.boot.health",
                "org.springframework.boot.actuate",
                "org.springframework.boot.micrometer"))
        .withPropertyValues("alchemist.store.embedded=true")
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(context).hasSingleBean(CacheManager.class);
              assertThat(context).hasSingleBean(AlchemistDatabase.class);
              assertThat(context).doesNotHaveBean("alchemistRedisHealthIndicator");
              assertThat(context).doesNotHaveBean("alchemistSanitizingFunction");
              assertThat(context).doesNotHaveBean("alchemistCommonTags");
            });
  }

  @Test
  void natsHealth_noNats_noIndicator() {
    Runners.alchemist()
        .run(context -> assertThat(context).doesNotHaveBean("alchemistNatsHealthIndicator"));
  }
}
