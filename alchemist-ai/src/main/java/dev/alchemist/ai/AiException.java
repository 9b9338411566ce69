package dev.alchemist.ai;

import dev.alchemist.core.AlchemistException;
import java.io.Serial;
import java.time.Duration;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The one exception every model client, token stream and chunk stream fails with. {@link #reason()}
 * says what went wrong, so callers switch on it instead of on subclasses; the message carries the
 * state (provider, model, HTTP status, tokens already delivered), never an API key.
 *
 * <p>Instances are immutable and safe to share between threads.
 */
public class AiException extends AlchemistException {
  @Serial private static final long serialVersionUID = 1L;

  /** What went wrong. */
  public enum Reason {
    /** HTTP 401 or 403: the API key is missing, wrong or lacks permission. Not retried. */
    AUTH(false),
    /** HTTP 429: the provider throttled us; {@link #retryAfter()} holds its hint. Retried. */
    RATE_LIMITED(true),
    /** Any other HTTP 4xx: the request itself is wrong (unknown model, bad option). Not retried. */
    BAD_REQUEST(false),
    /** HTTP 5xx, or an error event before the first token. Retried before the first token. */
    SERVER(true),
    /** The connection could not be opened or was lost before the stream began. Retried. */
    CONNECT(true),
    /** First-token, idle or total timeout ({@link #timeout()} says which). Not retried. */
    TIMEOUT(false),
    /**
     * The stream broke after it started: an error event, a disconnect, or an end without the
     * provider's end marker (truncated output).
     */
    STREAM(true),
    /** The response was not the wire format announced (not SSE, not NDJSON, not JSON). */
    PROTOCOL(false),
    /**
     * A chunk subscriber fell {@link ChunkPolicy#maxPendingBytes()} behind a faster one, or joined
     * late after the answer outgrew that bound (so the text so far was not kept); that subscriber
     * fails rather than lose text, and the model call is cancelled if no subscriber is left.
     */
    OVERFLOW(false),
    /** The subscriber cancelled, or the owner was closed. */
    CANCELLED(false);

    private final boolean retryable;

    Reason(boolean retryable) {
      this.retryable = retryable;
    }

    /** Whether a client retries this failure when it happens before the first token. */
    public boolean retryable() {
      return retryable;
    }
  }

  /** Which of the three stream timeouts fired. */
  public enum Timeout {
    FIRST_TOKEN,
    IDLE,
    TOTAL
  }

  private final Reason reason;
  private final int httpStatus;
  private final @Nullable Duration retryAfter;
  private final @Nullable Timeout timeout;
  private final long tokensDelivered;

  public AiException(Reason reason, String message) {
    this(reason, message, 0, null, null, 0, null);
  }

  public AiException(Reason reason, String message, @Nullable Throwable cause) {
    this(reason, message, 0, null, null, 0, cause);
  }

  /**
   * Full constructor.
   *
   * @param httpStatus the HTTP status, or 0 when the failure was not an HTTP status
   * @param retryAfter the provider's {@code retry-after} hint, if any
   * @param timeout which timeout fired, for {@link Reason#TIMEOUT}
   * @param tokensDelivered tokens the stream delivered before it failed
   */
  public AiException(
      Reason reason,
      String message,
      int httpStatus,
      @Nullable Duration retryAfter,
      @Nullable Timeout timeout,
      long tokensDelivered,
      @Nullable Throwable cause) {
    super(message, cause);
    this.reason = reason;
    this.httpStatus = httpStatus;
    this.retryAfter = retryAfter;
    this.timeout = timeout;
    this.tokensDelivered = tokensDelivered;
  }

  public Reason reason() {
    return reason;
  }

  /** The HTTP status that caused this failure, or 0. */
  public int httpStatus() {
    return httpStatus;
  }

  /** The provider's {@code retry-after} hint (HTTP 429 or 503). */
  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }

  /** Which timeout fired, for {@link Reason#TIMEOUT}. */
  public Optional<Timeout> timeout() {
    return Optional.ofNullable(timeout);
  }

  /** Tokens delivered before the failure; above 0 means the output is partial. */
  public long tokensDelivered() {
    return tokensDelivered;
  }

  /** Returns a copy that records how many tokens were delivered before the failure. */
  public AiException withTokensDelivered(long tokens) {
    if (tokens == tokensDelivered) {
      return this;
    }
    String msg = getMessage();
    return new AiException(
        reason,
        msg + (tokens > 0 ? " (after " + tokens + " tokens)" : ""),
        httpStatus,
        retryAfter,
        timeout,
        tokens,
        getCause());
  }
}
