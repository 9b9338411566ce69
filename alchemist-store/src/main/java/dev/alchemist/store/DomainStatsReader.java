package dev.alchemist.store;

import dev.alchemist.core.DomainStats;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Reads {@code domain_stats}: per domain over the last hour, as of the last refresh. On PostgreSQL
 * it is a materialized view refreshed {@code CONCURRENTLY} (readers never block); on H2 a table
 * rewritten in one transaction.
 *
 * <p>Thread-safe.
 */
public interface DomainStatsReader {

  /** Every domain with events in the window at the last refresh, by domain name. */
  List<DomainStats> all();

  /** One domain's row, empty if it had no events in the window at the last refresh. */
  Optional<DomainStats> forDomain(String domain);

  /** When {@code domain_stats} was last refreshed by any instance, in database time. */
  Instant refreshedAt();

  /**
   * Refreshes now unless another instance holds the refresh lock or refreshed less than half a
   * refresh interval ago. The background refresher calls the same method.
   */
  RefreshOutcome refreshNow();
}
