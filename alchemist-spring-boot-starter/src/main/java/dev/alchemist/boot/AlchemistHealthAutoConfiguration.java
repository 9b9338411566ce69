package dev.alchemist.boot;

import dev.alchemist.boot.internal.NatsHealthIndicator;
import dev.alchemist.boot.internal.PoolHealthIndicator;
import dev.alchemist.boot.internal.RedisHealthIndicator;
import dev.alchemist.cache.CacheManager;
import dev.alchemist.nats.EventConsumer;
import dev.alchemist.nats.NatsEvents;
import dev.alchemist.store.AlchemistDatabase;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Health indicators under {@code /actuator/health}: {@code alchemistRedis} (the cache manager's
 * circuit), {@code alchemistNats} (connection and JetStream) and {@code alchemistPool} (the store's
 * pool). Each is active when its bean exists and can be turned off with {@code
 * management.health.alchemist-redis.enabled=false} (and {@code alchemist-nats}, {@code
 * alchemist-pool}).
 */
@AutoConfiguration(
    after = {
      AlchemistCacheAutoConfiguration.class,
      AlchemistNatsAutoConfiguration.class,
      AlchemistStoreAutoConfiguration.class
    })
@ConditionalOnClass(HealthIndicator.class)
public class AlchemistHealthAutoConfiguration {

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(CacheManager.class)
  @ConditionalOnBean(CacheManager.class)
  @ConditionalOnEnabledHealthIndicator("alchemist-redis")
  static class Redis {
    @Bean
    @ConditionalOnMissingBean(name = "alchemistRedisHealthIndicator")
    HealthIndicator alchemistRedisHealthIndicator(CacheManager caches) {
      return new RedisHealthIndicator(caches);
    }
  }

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(NatsEvents.class)
  @ConditionalOnBean(NatsEvents.class)
  @ConditionalOnEnabledHealthIndicator("alchemist-nats")
  static class Nats {
    @Bean
    @ConditionalOnMissingBean(name = "alchemistNatsHealthIndicator")
    HealthIndicator alchemistNatsHealthIndicator(NatsEvents events, ListableBeanFactory beans) {
      return new NatsHealthIndicator(
          events, () -> beans.getBeansOfType(EventConsumer.class, false, false));
    }
  }

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(AlchemistDatabase.class)
  @ConditionalOnBean(AlchemistDatabase.class)
  @ConditionalOnEnabledHealthIndicator("alchemist-pool")
  static class Pool {
    @Bean
    @ConditionalOnMissingBean(name = "alchemistPoolHealthIndicator")
    HealthIndicator alchemistPoolHealthIndicator(AlchemistDatabase database) {
      return new PoolHealthIndicator(database);
    }
  }
}
