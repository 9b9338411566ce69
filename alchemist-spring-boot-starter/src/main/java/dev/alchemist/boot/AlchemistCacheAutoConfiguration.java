package dev.alchemist.boot;

import static dev.alchemist.boot.internal.PropertyChecks.build;
import static dev.alchemist.boot.internal.PropertyChecks.set;

import dev.alchemist.cache.CacheManager;
import dev.alchemist.cache.CachePolicy;
import dev.alchemist.core.codec.CodecRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * The {@link CacheManager} from {@code alchemist.cache.*} (Redis, Redis Cluster or the embedded
 * store) on the host's {@link MeterRegistry}, and the {@link CachePolicies} of its regions. Active
 * when alchemist-cache is on the classpath; each bean backs off when the host defines one.
 */
@AutoConfiguration(
    after = AlchemistCoreAutoConfiguration.class,
    afterName = AlchemistCoreAutoConfiguration.METRICS_AUTO_CONFIGURATION)
@ConditionalOnClass(CacheManager.class)
@ConditionalOnProperty(prefix = "alchemist.cache", name = "enabled", matchIfMissing = true)
@EnableConfigurationProperties(AlchemistCacheProperties.class)
public class AlchemistCacheAutoConfiguration {
  private static final String PREFIX = "alchemist.cache.";

  /** Connects to Redis (when configured) at startup; closed after the writers and publishers. */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  public CacheManager alchemistCacheManager(
      AlchemistCacheProperties properties,
      ObjectProvider<CodecRegistry> codecs,
      ObjectProvider<MeterRegistry> registry) {
    CacheManager.Builder b = CacheManager.builder();
    if (!properties.getClusterNodes().isEmpty()) {
      set(
          PREFIX + "cluster-nodes",
          properties.getClusterNodes(),
          nodes -> b.redisCluster(nodes.toArray(String[]::new)));
    } else if (properties.getRedisUri() != null) {
      set(PREFIX + "redis-uri", properties.getRedisUri(), b::redis);
    } else {
      set(PREFIX + "local-maximum-size", properties.getLocalMaximumSize(), b::local);
    }
    set(PREFIX + "key-prefix", properties.getKeyPrefix(), b::keyPrefix);
    set(PREFIX + "operation-timeout", properties.getOperationTimeout(), b::operationTimeout);
    set(PREFIX + "connect-timeout", properties.getConnectTimeout(), b::connectTimeout);
    AlchemistCacheProperties.CircuitBreaker breaker = properties.getCircuitBreaker();
    set(
        PREFIX + "circuit-breaker.failure-threshold",
        breaker.getFailureThreshold(),
        n -> b.circuitBreaker(n, breaker.getOpenDuration()));
    set(
        PREFIX + "circuit-breaker.open-duration",
        breaker.getOpenDuration(),
        d -> b.circuitBreaker(breaker.getFailureThreshold(), d));
    codecs.ifAvailable(b::codec);
    registry.ifAvailable(b::meterRegistry);
    return build("alchemist.cache", b::build);
  }

  /** The four presets as tuned by the properties, plus the custom regions. */
  @Bean
  @ConditionalOnMissingBean
  public CachePolicies alchemistCachePolicies(AlchemistCacheProperties properties) {
    Map<String, CachePolicy> presets = new LinkedHashMap<>();
    for (CachePolicy preset :
        List.of(
            CachePolicy.DIALOG_HISTORY,
            CachePolicy.AI_RESPONSES,
            CachePolicy.DOMAIN_STATUS,
            CachePolicy.USER_SESSIONS)) {
      presets.put(preset.name(), preset);
    }
    Map<String, CachePolicy> result = new LinkedHashMap<>(presets);
    for (Map.Entry<String, AlchemistCacheProperties.Policy> e :
        properties.getPolicies().entrySet()) {
      String region = CachePolicies.regionName(e.getKey());
      String prefix = PREFIX + "policies." + e.getKey();
      CachePolicy.Builder b =
          presets.containsKey(region)
              ? presets.get(region).toBuilder()
              : build(prefix, () -> CachePolicy.builder(region));
      result.put(region, policy(prefix, b, e.getValue()));
    }
    return new CachePolicies(new ArrayList<>(result.values()));
  }

  private static CachePolicy policy(
      String prefix, CachePolicy.Builder b, AlchemistCacheProperties.Policy p) {
    set(prefix + ".ttl", p.getTtl(), b::ttl);
    set(prefix + ".ttl-jitter", p.getTtlJitter(), b::ttlJitter);
    Long nearSize = p.getNearCacheSize();
    if (nearSize != null && nearSize == 0) {
      b.noNearCache();
    } else if (nearSize != null || p.getNearCacheTtl() != null) {
      CachePolicy current = build(prefix, b::build);
      long size = nearSize != null ? nearSize : Math.max(1, current.nearCacheSize());
      Duration ttl = p.getNearCacheTtl() != null ? p.getNearCacheTtl() : current.nearCacheTtl();
      String key = nearSize != null ? ".near-cache-size" : ".near-cache-ttl";
      set(prefix + key, size, s -> b.nearCache(s, ttl));
    }
    Duration nullTtl = p.getNullTtl();
    if (nullTtl != null && nullTtl.isZero()) {
      b.noNullCaching();
    } else {
      set(prefix + ".null-ttl", nullTtl, b::cacheNulls);
    }
    set(prefix + ".key-version", p.getKeyVersion(), b::keyVersion);
    set(prefix + ".refresh-ahead", p.getRefreshAhead(), b::refreshAhead);
    Duration lease = p.getLoadLease();
    if (lease != null && lease.isZero()) {
      CachePolicy current = build(prefix, b::build);
      b.loadLease(false, current.leaseTtl());
    } else {
      set(prefix + ".load-lease", lease, d -> b.loadLease(true, d));
    }
    return build(prefix, b::build);
  }
}
