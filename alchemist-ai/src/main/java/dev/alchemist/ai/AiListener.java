package dev.alchemist.ai;

/**
 * Receives what goes wrong in the background of model clients, chunk streams and the warmer. Every
 * method defaults to a no-op; each event is also counted in metrics and its first occurrence per
 * component is logged at WARN. Methods run on the thread that hit the problem (an HTTP client or
 * scheduler thread): be quick and thread-safe. An exception thrown here is logged and ignored.
 */
public interface AiListener {
  /** The listener that ignores everything; the default. */
  AiListener NONE = new AiListener() {};

  /** A line or event of a stream could not be read and was skipped (counted). */
  default void onSkipped(String provider, String model, String why) {}

  /** A call failed before its first token and will be tried again after {@code delayMillis}. */
  default void onRetry(
      String provider, String model, int attempt, AiException failure, long delayMillis) {}

  /** Loading or pinging a model failed; the warmer tries again at the next ping. */
  default void onWarmUpFailure(String provider, String model, Throwable failure) {}

  /** A subscriber threw from {@code onNext}; its subscription was cancelled. */
  default void onSubscriberFailure(Throwable failure) {}
}
