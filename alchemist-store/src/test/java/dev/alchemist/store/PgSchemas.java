package dev.alchemist.store;

import dev.alchemist.testing.PostgresAddress;
import java.sql.Connection;
import java.sql.Statement;

/** A store builder on the shared PostgreSQL in a given schema, and the cleanup that drops it. */
final class PgSchemas {
  private PgSchemas() {}

  static AlchemistDatabase.Builder builder(PostgresAddress pg, String schema) {
    AlchemistDatabase.Builder b =
        AlchemistDatabase.builder()
            .jdbcUrl(pg.jdbcUrl())
            .user(pg.user())
            .schema(schema)
            // small pools: the shared server's 100 connections serve several test runs at once
            .pool(PoolSettings.builder().maxConnections(4).build());
    if (!pg.password().isEmpty()) {
      b.password(pg.password());
    }
    return b;
  }

  static void drop(PostgresAddress pg, String schema) throws Exception {
    try (Connection c = pg.connect();
        Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }
  }
}
