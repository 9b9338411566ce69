package dev.alchemist.core;

import java.io.Serial;
import java.io.Serializable;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * What a dashboard shows per domain over the last hour: a row of the {@code domain_stats} view.
 *
 * @param domain the domain; a token of {@code [a-z0-9_-]}
 * @param eventCount events in the window
 * @param lastEventAt the newest event in the window, or null when the window is empty
 * @param uniqueSessions distinct session ids in the window; at most {@code eventCount}
 */
public record DomainStats(
    String domain, long eventCount, @Nullable Instant lastEventAt, long uniqueSessions)
    implements Serializable {
  @Serial private static final long serialVersionUID = 1L;

  public DomainStats {
    Checks.token("domain", domain);
    Checks.notNegative("eventCount", eventCount);
    Checks.notNegative("uniqueSessions", uniqueSessions);
    if (uniqueSessions > eventCount) {
      throw new IllegalArgumentException(
          "uniqueSessions ("
              + uniqueSessions
              + ") must not exceed eventCount ("
              + eventCount
              + ")");
    }
    if (eventCount > 0 && lastEventAt == null) {
      throw new IllegalArgumentException(
          "lastEventAt must be set when eventCount is " + eventCount);
    }
  }
}
