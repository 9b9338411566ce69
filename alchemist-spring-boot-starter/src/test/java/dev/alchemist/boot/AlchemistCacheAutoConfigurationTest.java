package dev.alchemist.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.alchemist.cache.Cache;
import dev.alchemist.cache.CacheManager;
import dev.alchemist.cache.CachePolicy;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

class AlchemistCacheAutoConfigurationTest {

  @Test
  void cacheManager_noProperties_isTheEmbeddedStore() {
    Runners.alchemist()
        .run(
            context -> {
              assertThat(context).hasSingleBean(CacheManager.class);
              CacheManager caches = context.getBean(CacheManager.class);
              assertThat(caches.settings().local()).isTrue();
              assertThat(caches.settings().keyPrefix()).isEqualTo("alchemist");
            });
  }

  @Test
  void cacheManager_cacheModuleAbsent_noBean() {
    Runners.alchemist()
        .withClassLoader(new FilteredClassLoader(CacheManager.class))
        .run(context -> assertThat(context).doesNotHaveBean("alchemistCacheManager"));
  }

  @Test
  void cacheManager_disabled_noBean() {
    Runners.alchemist()
        .withPropertyValues("alchemist.cache.enabled=false")
        .run(context -> assertThat(context).doesNotHaveBean(CacheManager.class));
  }

  @Test
  void cacheManager_hostBean_wins() {
    Runners.alchemist()
        .withUserConfiguration(HostCache.class)
        .run(
            context -> {
              assertThat(context).hasSingleBean(CacheManager.class);
              assertThat(context.getBean(CacheManager.class).settings().keyPrefix())
                  .isEqualTo("host");
            });
  }

  @Test
  void cacheManager_properties_reachTheBuilder() {
    Runners.alchemist()
        .withPropertyValues(
            "alchemist.cache.key-prefix=shop",
            "alchemist.cache.operation-timeout=400ms",
            "alchemist.cache.circuit-breaker.failure-threshold=9")
        .run(
            context -> {
              var settings = context.getBean(CacheManager.class).settings();
              assertThat(settings.keyPrefix()).isEqualTo("shop");
              assertThat(settings.operationTimeout()).isEqualTo(Duration.ofMillis(400));
              assertThat(settings.circuitFailureThreshold()).isEqualTo(9);
            });
  }

  @Test
  void cacheManager_redisUriWithoutScheme_failsNamingThePropertyNotThePassword() {
    Runners.alchemist()
        .withPropertyValues("alchemist.cache.redis-uri=:hunter2@127.0.0.1:6379")
        .run(
            context -> {
              assertThat(context).hasFailed();
              String message = messages(context.getStartupFailure());
              assertThat(message).contains("alchemist.cache.redis-uri").contains("has no scheme");
              assertThat(message).doesNotContain("hunter2");
            });
  }

  @Test
  void cacheManager_onBootsRegistry_recordsItsMeters() {
    Runners.withMetrics()
        .run(
            context -> {
              Cache<String, String> cache =
                  context
                      .getBean(CacheManager.class)
                      .cache(CachePolicy.builder("greetings").build(), String.class, String.class);
              cache.get("hello", key -> "world");
              MeterRegistry registry = context.getBean(MeterRegistry.class);
              assertThat(registry.find("alchemist.cache.gets").meters()).isNotEmpty();
            });
  }

  @Test
  void cachePolicies_presetTunedAndCustomRegion_areBoth() {
    Runners.alchemist()
        .withPropertyValues(
            "alchemist.cache.policies.dialog-history.ttl=10m",
            "alchemist.cache.policies.quotes.ttl=2h",
            "alchemist.cache.policies.quotes.ttl-jitter=1m",
            "alchemist.cache.policies.quotes.near-cache-size=500")
        .run(
            context -> {
              CachePolicies policies = context.getBean(CachePolicies.class);
              CachePolicy history = policies.get("dialog-history");
              assertThat(history.ttl()).isEqualTo(Duration.ofMinutes(10));
              assertThat(history.ttlJitter()).isEqualTo(CachePolicy.DIALOG_HISTORY.ttlJitter());
              assertThat(history.nearCacheSize())
                  .isEqualTo(CachePolicy.DIALOG_HISTORY.nearCacheSize());
              CachePolicy quotes = policies.get("quotes");
              assertThat(quotes.ttl()).isEqualTo(Duration.ofHours(2));
              assertThat(quotes.ttlJitter()).isEqualTo(Duration.ofMinutes(1));
              assertThat(quotes.nearCacheSize()).isEqualTo(500);
              assertThat(policies.asMap())
                  .containsKeys("ai_responses", "domain_status", "user_sessions");
            });
  }

  @Test
  void cachePolicies_jitterNotBelowTtl_failsNamingTheRegion() {
    Runners.alchemist()
        .withPropertyValues(
            "alchemist.cache.policies.quotes.ttl=1m",
            "alchemist.cache.policies.quotes.ttl-jitter=1m")
        .run(
            context -> {
              assertThat(context).hasFailed();
              assertThat(messages(context.getStartupFailure()))
                  .contains("alchemist.cache.policies.quotes")
                  .contains("ttlJitter (PT1M) must be less than ttl (PT1M)");
            });
  }

  @Test
  void cachePolicies_negativeNearCacheSize_failsNamingTheProperty() {
    Runners.alchemist()
        .withPropertyValues("alchemist.cache.policies.user-sessions.near-cache-size=-3")
        .run(
            context -> {
              assertThat(context).hasFailed();
              assertThat(messages(context.getStartupFailure()))
                  .contains("alchemist.cache.policies.user-sessions.near-cache-size")
                  .contains("nearCacheSize");
            });
  }

  /** Every message of the chain, so an assertion sees the SDK's one under Boot's. */
  static String messages(Throwable failure) {
    StringBuilder all = new StringBuilder();
    for (Throwable t = failure; t != null; t = t.getCause()) {
      all.append(t.getMessage()).append('\n');
    }
    return all.toString();
  }

  @Configuration(proxyBeanMethods = false)
  static class HostCache {
    @Bean(destroyMethod = "close")
    CacheManager hostCacheManager() {
      return CacheManager.builder().keyPrefix("host").build();
    }
  }
}
