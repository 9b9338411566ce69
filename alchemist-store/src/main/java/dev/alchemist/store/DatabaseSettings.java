package dev.alchemist.store;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * What {@link AlchemistDatabase.Builder} collected, immutable. {@link #toString()} shows the URL
 * without its password and never the password.
 *
 * @param jdbcUrl the URL, or null when the host passed its own {@code DataSource}
 * @param user the login, or null for none (or the DataSource's)
 * @param password the password, or null for none
 * @param schema the schema the store's tables live in, or null for the connection's default
 * @param pool the pool (ignored for a host's own DataSource)
 * @param migrate run the Flyway migrations on start
 * @param domainStatsRefreshInterval how often the background refresher runs; zero disables it
 * @param writeChunkSize rows per JDBC batch in {@code insertAll} and batching writers
 * @param embedded whether this is the in-memory H2 preset, dropped on close
 */
public record DatabaseSettings(
    @Nullable String jdbcUrl,
    @Nullable String user,
    @Nullable String password,
    @Nullable String schema,
    PoolSettings pool,
    boolean migrate,
    Duration domainStatsRefreshInterval,
    int writeChunkSize,
    boolean embedded) {

  @Override
  public String toString() {
    return "DatabaseSettings[jdbcUrl="
        + (jdbcUrl == null ? "(DataSource)" : dev.alchemist.store.internal.Urls.redact(jdbcUrl))
        + ", user="
        + user
        + ", password="
        + (password == null || password.isEmpty() ? "(none)" : "(set)")
        + ", schema="
        + schema
        + ", pool="
        + pool
        + ", migrate="
        + migrate
        + ", domainStatsRefreshInterval="
        + domainStatsRefreshInterval
        + ", writeChunkSize="
        + writeChunkSize
        + ", embedded="
        + embedded
        + "]";
  }
}
