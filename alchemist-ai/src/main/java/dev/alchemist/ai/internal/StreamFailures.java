package dev.alchemist.ai.internal;

import dev.alchemist.ai.AiException;
import java.time.Duration;
import java.util.Locale;

/**
 * The failures a token stream raises itself rather than receives from its producer: cancelled,
 * timed out, or misused by its subscriber. Separate from {@link AbstractTokenStream} so that their
 * wording sits in one place, apart from the demand and queue machinery.
 */
final class StreamFailures {
  private StreamFailures() {}

  /** A subscriber broke rule 3.9 of Reactive Streams: {@code request(n)} with n at most 0. */
  static AiException badRequest(long n) {
    return new AiException(AiException.Reason.PROTOCOL, "request(" + n + "): n must be > 0 (3.9)");
  }

  static AiException cancelled(String provider, String model, long tokens) {
    return new AiException(
        AiException.Reason.CANCELLED,
        "stream of " + provider + " model " + model + " cancelled",
        0,
        null,
        null,
        tokens,
        null);
  }

  static AiException timedOut(
      AiException.Timeout which, Duration limit, String provider, String model, long tokens) {
    return new AiException(
        AiException.Reason.TIMEOUT,
        which.name().toLowerCase(Locale.ROOT)
            + " timeout of "
            + limit
            + " for "
            + provider
            + " model "
            + model,
        0,
        null,
        which,
        tokens,
        null);
  }
}
