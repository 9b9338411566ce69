package dev.alchemist.store;

/** What one {@link DomainStatsReader#refreshNow()} (a maintenance run) did. */
public enum RefreshOutcome {
  /** This instance ran the maintenance. */
  REFRESHED,
  /** Another instance ran it less than half an interval ago, so this one did not. */
  FRESH_ENOUGH,
  /** Another instance is running it right now, so this one did not wait for it. */
  LOCKED_ELSEWHERE
}
