package dev.alchemist.boot.internal;

import dev.alchemist.store.AlchemistDatabase;
import dev.alchemist.store.PoolState;
import java.util.Locale;
import java.util.Optional;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * The store's connection pool, in HikariCP's terms (total, active, idle, waiting), and whether it
 * is saturated (callers waiting and no connection idle). Saturation is reported, not turned into
 * DOWN: a busy pool is not a broken one, and a readiness probe that flapped under load would only
 * move the load elsewhere. UNKNOWN for a host DataSource that is not a HikariCP pool. Borrows no
 * connection, so it never waits for the pool it reports on.
 */
public final class PoolHealthIndicator extends AbstractHealthIndicator {
  private final AlchemistDatabase database;

  public PoolHealthIndicator(AlchemistDatabase database) {
    super("Alchemist pool health check failed");
    this.database = database;
  }

  @Override
  protected void doHealthCheck(Health.Builder builder) {
    builder.withDetail("database", database.dialect().name().toLowerCase(Locale.ROOT));
    Optional<PoolState> pool = database.poolState();
    if (pool.isEmpty()) {
      builder.unknown().withDetail("pool", "not a HikariCP pool");
      return;
    }
    PoolState state = pool.get();
    builder
        .withDetail("total", state.total())
        .withDetail("active", state.active())
        .withDetail("idle", state.idle())
        .withDetail("waiting", state.waiting())
        .withDetail("saturated", state.waiting() > 0 && state.idle() == 0)
        .up();
  }
}
