package dev.alchemist.boot.internal;

import dev.alchemist.cache.CacheManager;
import dev.alchemist.cache.CircuitState;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * The cache manager's store, read from its circuit breaker: closed is UP, open (Redis failed
 * repeatedly; gets miss, puts are dropped) is DOWN, half-open (a probe is out) is UNKNOWN. The
 * embedded store is always UP. Asks Redis nothing itself, so a health probe never adds load or
 * waits for a timeout.
 */
public final class RedisHealthIndicator extends AbstractHealthIndicator {
  private final CacheManager caches;

  public RedisHealthIndicator(CacheManager caches) {
    super("Redis health check failed");
    this.caches = caches;
  }

  @Override
  protected void doHealthCheck(Health.Builder builder) {
    boolean local = caches.settings().local();
    builder.withDetail(
        "store", local ? "embedded" : caches.settings().cluster() ? "redis-cluster" : "redis");
    builder.withDetail("keyPrefix", caches.settings().keyPrefix());
    if (local) {
      builder.up();
      return;
    }
    CircuitState circuit = caches.circuitState();
    builder.withDetail("circuit", circuit.name().toLowerCase(java.util.Locale.ROOT));
    switch (circuit) {
      case CLOSED -> builder.up();
      case OPEN -> builder.down();
      case HALF_OPEN -> builder.unknown();
    }
  }
}
