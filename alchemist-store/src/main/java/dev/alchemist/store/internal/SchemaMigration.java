package dev.alchemist.store.internal;

import dev.alchemist.store.DatabaseSettings;
import dev.alchemist.store.Dialect;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Objects;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.jspecify.annotations.Nullable;

/**
 * Which database the store talks to, and bringing its schema up to date with Flyway. Separate from
 * {@link DefaultAlchemistDatabase} because it runs once at start, before any repository exists, and
 * holds the rules for sharing a schema with the host's own tables and Flyway history.
 */
final class SchemaMigration {
  private static final String HISTORY_TABLE = "alchemist_schema_history";

  private SchemaMigration() {}

  static Dialect detect(DataSource dataSource, SqlErrors errors) {
    try (Connection c = dataSource.getConnection()) {
      String product = c.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT);
      if (product.contains("postgresql")) {
        return Dialect.POSTGRESQL;
      }
      if (product.contains("h2")) {
        return Dialect.H2;
      }
      throw new IllegalStateException(
          "the store supports PostgreSQL and H2, but the DataSource is " + product);
    } catch (SQLException e) {
      throw errors.translate("connect", e);
    }
  }

  /**
   * Runs Flyway. With our own pool, Flyway connects on its own from the same URL: it holds two
   * connections at once (one for its lock), which a pool of one could never give it, and its
   * connections should not count against the pool the application sizes.
   */
  static void migrate(
      DatabaseSettings settings,
      @Nullable JdbcLogin login,
      @Nullable DataSource hostDataSource,
      Dialect dialect,
      SqlErrors errors) {
    String schema = settings.schema();
    FluentConfiguration config =
        Flyway.configure(SchemaMigration.class.getClassLoader())
            .locations("classpath:db/alchemist/" + dialect.name().toLowerCase(Locale.ROOT))
            // Our own history table, so a host's Flyway history in the same schema is untouched.
            .table(HISTORY_TABLE)
            .cleanDisabled(true)
            .failOnMissingLocations(true)
            // A host's schema already holds its own tables (and maybe its own Flyway history):
            // Flyway refuses a non-empty schema without our history table unless it may baseline.
            // Baseline 0 is below our V1, so the baseline records the start and V1 still runs.
            .baselineOnMigrate(true)
            .baselineVersion("0");
    if (hostDataSource != null) {
      config.dataSource(hostDataSource);
    } else {
      JdbcLogin own = Objects.requireNonNull(login);
      config.dataSource(own.url(), own.user(), own.password());
    }
    if (schema != null) {
      config.schemas(schema).defaultSchema(schema).createSchemas(true);
    }
    try {
      config.load().migrate();
    } catch (RuntimeException e) {
      throw errors.translate("migrate", e);
    }
  }
}
