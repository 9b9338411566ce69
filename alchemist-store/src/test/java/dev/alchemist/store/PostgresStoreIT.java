package dev.alchemist.store;

import dev.alchemist.testing.PostgresAddress;
import dev.alchemist.testing.TestServices;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;

/** The store contract on the shared PostgreSQL, in a schema of its own that is dropped after. */
class PostgresStoreIT extends StoreContract {
  private final PostgresAddress pg = TestServices.postgres();
  private final String schema = TestServices.uniquePrefix("store_it");

  @Override
  protected AlchemistDatabase.Builder builder() {
    return PgSchemas.builder(pg, schema);
  }

  @Override
  protected AlchemistDatabase secondInstance() {
    return PgSchemas.builder(pg, schema)
        .pool(PoolSettings.builder().poolName("second").maxConnections(2).build())
        .maintenanceInterval(Duration.ZERO)
        .meterRegistry(new SimpleMeterRegistry())
        .build();
  }

  @Override
  protected Dialect expectedDialect() {
    return Dialect.POSTGRESQL;
  }

  @Override
  protected void dropSchema() throws Exception {
    PgSchemas.drop(pg, schema);
  }
}
