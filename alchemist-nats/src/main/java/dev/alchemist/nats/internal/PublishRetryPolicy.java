package dev.alchemist.nats.internal;

import dev.alchemist.nats.JetStreamPublisherSettings;
import io.nats.client.JetStreamApiException;
import java.io.IOException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/**
 * Which failed attempts of {@link BoundedJetStreamPublisher} are worth another try, and how long to
 * wait before it (exponential, capped). Separate from the publisher because it is pure: it holds
 * only the settings' backoff figures and no publish state.
 */
final class PublishRetryPolicy {
  private final long initialBackoffNanos;
  private final long maxBackoffNanos;

  PublishRetryPolicy(JetStreamPublisherSettings settings) {
    this.initialBackoffNanos = settings.retryBackoff().toNanos();
    this.maxBackoffNanos = settings.maxRetryBackoff().toNanos();
  }

  /** The wait before the attempt after {@code attempts} failed ones. */
  long backoffNanos(int attempts) {
    int shift = Math.min(attempts - 1, 20);
    long delay = initialBackoffNanos << shift;
    return delay <= 0 || delay > maxBackoffNanos ? maxBackoffNanos : delay;
  }

  /**
   * Whether an attempt that failed with {@code cause} (already {@link #unwrap unwrapped}) may be
   * re-sent.
   */
  static boolean retryable(Throwable cause) {
    if (cause instanceof CancellationException || cause instanceof TimeoutException) {
      return true; // jnats timed the request out, or it was cancelled on 503
    }
    if (cause instanceof JetStreamApiException) {
      return false; // the stream answered: wrong stream, limits, ...
    }
    if (cause instanceof IOException) {
      String message = String.valueOf(cause.getMessage());
      return message.contains("503") || message.contains("No Responders");
    }
    // IllegalStateException from publishAsync: reconnect buffer full, or output queue full
    return cause instanceof IllegalStateException;
  }

  /** The cause under jnats' and the future's wrappers. */
  static Throwable unwrap(Throwable error) {
    Throwable t = error;
    while ((t instanceof CompletionException
            || t instanceof ExecutionException
            || (t instanceof RuntimeException && t.getClass() == RuntimeException.class))
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}
