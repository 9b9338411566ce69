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
 * @param maintenanceInterval how often the background maintenance runs (partitions ahead,
 *     retention, pruning of the {@code domain_stats} rollups); zero disables the schedule, it still
 *     runs once at start
 * @param eventRetention how long events are kept; older partitions (PostgreSQL) or rows (H2) are
 *     dropped by the maintenance, and {@link EventProjection#store} skips events older than this
 * @param partitionsAhead how many daily {@code events} partitions after today the maintenance keeps
 *     created (PostgreSQL)
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
    Duration maintenanceInterval,
    Duration eventRetention,
    int partitionsAhead,
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
        + ", maintenanceInterval="
        + maintenanceInterval
        + ", eventRetention="
        + eventRetention
        + ", partitionsAhead="
        + partitionsAhead
        + ", writeChunkSize="
        + writeChunkSize
        + ", embedded="
        + embedded
        + "]";
  }
}
