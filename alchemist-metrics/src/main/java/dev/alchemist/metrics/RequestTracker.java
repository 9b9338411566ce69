package dev.alchemist.metrics;

import dev.alchemist.metrics.internal.MeteredRequestTracker;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * Times units of work and counts them by outcome: the guide's {@code track_request}. Every call
 * records the counter {@value MeterNames#REQUESTS} and the timer {@value MeterNames#RESPONSE_TIME}
 * ({@code alchemist_requests_total} and {@code alchemist_response_time_seconds} on Prometheus),
 * tagged {@code operation}, {@code outcome} ({@code success} | {@code error}) and {@code exception}
 * (the simple class name of what was thrown, {@code none} on success). The timer publishes a
 * percentile histogram and buckets at the {@linkplain
 * RequestTrackerSettings#serviceLevelObjectives() SLOs} (100 ms and 500 ms by default).
 *
 * <p>Operation names must be low-cardinality ({@code "dialog.create"}, never a dialog id): a name
 * that contains a UUID is refused with {@link IllegalArgumentException}, and names beyond {@link
 * RequestTrackerSettings#maxOperations()} are tracked as {@value MeterNames#OTHER_OPERATION} with a
 * warning logged once. Work is never changed: its value is returned and its exception rethrown as
 * is.
 *
 * <p>Time comes from the registry's {@link io.micrometer.core.instrument.Clock}, so a test with a
 * {@code MockClock} sees exact durations. Thread-safe; the hot path for a known operation does not
 * allocate beyond what the work itself does. Nothing to close.
 *
 * <pre>{@code
 * RequestTracker tracker = RequestTracker.create(registry);
 * DialogHistory history = tracker.track("dialog.history", () -> store.history(dialogId));
 * CompletableFuture<Reply> reply = tracker.trackAsync("dialog.reply", () -> model.reply(prompt));
 * }</pre>
 */
public interface RequestTracker {

  /** Returns a tracker with {@linkplain RequestTrackerSettings#defaults() default settings}. */
  static RequestTracker create(MeterRegistry registry) {
    return create(registry, RequestTrackerSettings.defaults());
  }

  /** Returns a tracker that registers its meters in {@code registry}. */
  static RequestTracker create(MeterRegistry registry, RequestTrackerSettings settings) {
    Objects.requireNonNull(registry, "registry");
    Objects.requireNonNull(settings, "settings");
    return new MeteredRequestTracker(registry, settings);
  }

  /**
   * Runs {@code work}, records it, and returns its value or rethrows its exception.
   *
   * @throws IllegalArgumentException if {@code operation} is blank, longer than 128 characters or
   *     contains a UUID (before {@code work} runs)
   */
  <T> T track(String operation, Supplier<T> work);

  /** Runs {@code work} and records it; see {@link #track(String, Supplier)}. */
  void track(String operation, Runnable work);

  /**
   * Runs {@code work}, which may throw a checked exception, and records it; see {@link
   * #track(String, Supplier)}. A separate name because a lambda fits both {@code Callable} and
   * {@code Supplier} (Micrometer's {@code Timer.recordCallable} exists for the same reason).
   *
   * @throws Exception whatever {@code work} throws
   */
  <T> T trackCallable(String operation, Callable<T> work) throws Exception;

  /**
   * Starts asynchronous work and records it when its stage completes: the time from this call to
   * completion, outcome {@code error} if the stage fails or is cancelled (a {@code
   * CompletionException} or {@code ExecutionException} is unwrapped to name its cause). The
   * returned future completes after the meters are recorded, with the stage's value or exception;
   * cancelling it cancels the stage if the stage is a {@link java.util.concurrent.Future}. If
   * {@code work} itself throws (or returns null), that is recorded and rethrown at once.
   */
  <T> CompletableFuture<T> trackAsync(
      String operation, Supplier<? extends CompletionStage<T>> work);

  /** Returns how many distinct operations have their own series so far (excluding overflow). */
  int operations();

  /** Returns the settings this tracker was created with. */
  RequestTrackerSettings settings();
}
