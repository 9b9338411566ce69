package dev.alchemist.ai;

import dev.alchemist.core.Checks;
import java.time.Duration;

/**
 * The three deadlines of a model stream, each failing it with {@link AiException.Reason#TIMEOUT}.
 *
 * @param firstToken from the request (including retries) to the first token
 * @param idle the longest gap between two tokens
 * @param total from the request to the end of the stream
 */
public record StreamTimeouts(Duration firstToken, Duration idle, Duration total) {
  /** 30 s to the first token (a cold model load), 30 s between tokens, 10 min in all. */
  public static final StreamTimeouts DEFAULTS =
      new StreamTimeouts(Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ofMinutes(10));

  public StreamTimeouts {
    Checks.positive("firstToken", firstToken, Duration.ofDays(1));
    Checks.positive("idle", idle, Duration.ofDays(1));
    Checks.positive("total", total, Duration.ofDays(1));
    if (total.compareTo(firstToken) < 0) {
      throw new IllegalStateException(
          "total timeout (" + total + ") must be >= firstToken timeout (" + firstToken + ")");
    }
  }

  public StreamTimeouts withFirstToken(Duration d) {
    return new StreamTimeouts(d, idle, total);
  }

  public StreamTimeouts withIdle(Duration d) {
    return new StreamTimeouts(firstToken, d, total);
  }

  public StreamTimeouts withTotal(Duration d) {
    return new StreamTimeouts(firstToken, idle, d);
  }
}
