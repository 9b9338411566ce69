package dev.alchemist.store;

/** What one {@link DomainStatsReader#refreshNow()} call did. */
public enum RefreshOutcome {
  /** This instance refreshed {@code domain_stats}. */
  REFRESHED,
  /** Another instance refreshed it less than half an interval ago, so this one did not. */
  FRESH_ENOUGH,
  /** Another instance holds the refresh lock right now, so this one did not wait for it. */
  LOCKED_ELSEWHERE
}
