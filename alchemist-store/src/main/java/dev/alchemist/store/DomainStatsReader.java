package dev.alchemist.store;

import dev.alchemist.core.DomainStats;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Reads {@code domain_stats}: per domain, the events of the last hour (to the minute: the window
 * starts at the beginning of the minute one hour ago). It is a plain view over per-minute rollups
 * and per-session rows that every write of events updates in its own transaction, so it is current
 * as of the last commit and reading it costs the same at any event rate. On H2 the same.
 *
 * <p>Thread-safe.
 */
public interface DomainStatsReader {

  /** Every domain with events in the window, by domain name. */
  List<DomainStats> all();

  /** One domain's row, empty if it has no events in the window. */
  Optional<DomainStats> forDomain(String domain);

  /**
   * As of when {@code domain_stats} holds the data: the database's current time, since the view
   * reflects every committed write. (It was the time of the last refresh while {@code domain_stats}
   * was a materialized view.)
   */
  Instant refreshedAt();

  /**
   * Runs the store's maintenance now: creates {@code events} partitions ahead, drops those past the
   * retention (deletes older rows on H2) and prunes rollup rows that left the window. {@code
   * domain_stats} does not need it to be current; it keeps the rollups and the table bounded. Skips
   * with {@link RefreshOutcome#LOCKED_ELSEWHERE} if another instance is running it right now. The
   * background schedule calls the same with the additional skip {@link
   * RefreshOutcome#FRESH_ENOUGH}.
   */
  RefreshOutcome refreshNow();
}
