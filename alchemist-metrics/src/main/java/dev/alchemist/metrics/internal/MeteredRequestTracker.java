package dev.alchemist.metrics.internal;

import dev.alchemist.core.internal.OwnedMeters;
import dev.alchemist.metrics.MeterNames;
import dev.alchemist.metrics.RequestTracker;
import dev.alchemist.metrics.RequestTrackerSettings;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link RequestTracker} on Micrometer. Meters are looked up once per operation (and once per
 * operation and exception class) and cached, so a call on a known operation costs two clock reads,
 * one map lookup, a counter increment and a timer record.
 */
public final class MeteredRequestTracker implements RequestTracker {
  private static final Logger LOG = LoggerFactory.getLogger(RequestTracker.class);

  /** Longest operation name accepted; a longer one is almost certainly built from data. */
  public static final int MAX_OPERATION_LENGTH = 128;

  private static final Pattern UUID =
      Pattern.compile(
          "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

  private final OwnedMeters owned;
  private final RequestTrackerSettings settings;
  private final Clock clock;
  private final ConcurrentHashMap<String, OperationMeters> operations = new ConcurrentHashMap<>();
  private final AtomicInteger operationCount = new AtomicInteger();
  private final AtomicBoolean overflowLogged = new AtomicBoolean();
  // Created on the first overflow so that a tracker within its limit publishes no "other" series.
  // A racing second creation is harmless: Micrometer returns the same meters for the same ids.
  private volatile @Nullable OperationMeters other;

  /** Creates a tracker; meters are registered lazily on each operation's first call. */
  public MeteredRequestTracker(MeterRegistry registry, RequestTrackerSettings settings) {
    this.owned = OwnedMeters.of(Objects.requireNonNull(registry, "registry"), "request tracker");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.clock = registry.config().clock();
  }

  /**
   * Removes the meters this tracker registered (those no other live tracker still records on);
   * {@code AlchemistMetrics.close()} calls it. Calls afterwards are still timed, not reported.
   */
  public void close() {
    owned.close();
  }

  @Override
  public <T> T track(String operation, Supplier<T> work) {
    Objects.requireNonNull(work, "work");
    OperationMeters meters = meters(operation);
    long start = clock.monotonicTime();
    T result;
    try {
      result = work.get();
    } catch (RuntimeException | Error e) {
      meters.error(e).record(clock.monotonicTime() - start);
      throw e;
    }
    meters.success.record(clock.monotonicTime() - start);
    return result;
  }

  @Override
  public void track(String operation, Runnable work) {
    Objects.requireNonNull(work, "work");
    OperationMeters meters = meters(operation);
    long start = clock.monotonicTime();
    try {
      work.run();
    } catch (RuntimeException | Error e) {
      meters.error(e).record(clock.monotonicTime() - start);
      throw e;
    }
    meters.success.record(clock.monotonicTime() - start);
  }

  @Override
  public <T> T trackCallable(String operation, Callable<T> work) throws Exception {
    Objects.requireNonNull(work, "work");
    OperationMeters meters = meters(operation);
    long start = clock.monotonicTime();
    T result;
    try {
      result = work.call();
    } catch (Exception | Error e) {
      meters.error(e).record(clock.monotonicTime() - start);
      throw e;
    }
    meters.success.record(clock.monotonicTime() - start);
    return result;
  }

  @Override
  public <T> CompletableFuture<T> trackAsync(
      String operation, Supplier<? extends CompletionStage<T>> work) {
    Objects.requireNonNull(work, "work");
    OperationMeters meters = meters(operation);
    long start = clock.monotonicTime();
    CompletionStage<T> stage;
    try {
      stage = work.get();
    } catch (RuntimeException | Error e) {
      meters.error(e).record(clock.monotonicTime() - start);
      throw e;
    }
    if (stage == null) {
      NullPointerException npe = new NullPointerException("work returned a null stage");
      meters.error(npe).record(clock.monotonicTime() - start);
      throw npe;
    }
    CompletableFuture<T> result = new CompletableFuture<>();
    stage.whenComplete(
        (value, failure) -> {
          // Record before completing `result`, so a caller that joins it sees the meters updated.
          long elapsed = clock.monotonicTime() - start;
          if (failure == null) {
            meters.success.record(elapsed);
            result.complete(value);
          } else {
            meters.error(failure).record(elapsed);
            result.completeExceptionally(failure);
          }
        });
    if (stage instanceof Future<?> future) {
      result.whenComplete(
          (value, failure) -> {
            if (result.isCancelled()) {
              future.cancel(true);
            }
          });
    }
    return result;
  }

  @Override
  public int operations() {
    return operationCount.get();
  }

  @Override
  public RequestTrackerSettings settings() {
    return settings;
  }

  private OperationMeters meters(String operation) {
    OperationMeters known = operations.get(operation == null ? "" : operation);
    if (known != null) {
      return known;
    }
    checkOperation(operation);
    OperationMeters added = operations.computeIfAbsent(operation, this::reserve);
    if (added != null) {
      return added;
    }
    if (overflowLogged.compareAndSet(false, true)) {
      LOG.warn(
          "RequestTracker: more than {} distinct operations; '{}' and every later new operation"
              + " are tracked as operation={}. Operation names must not contain request data.",
          settings.maxOperations(),
          operation,
          MeterNames.OTHER_OPERATION);
    }
    OperationMeters overflow = other;
    if (overflow == null) {
      overflow = new OperationMeters(MeterNames.OTHER_OPERATION);
      other = overflow;
    }
    return overflow;
  }

  /** Returns meters for a new operation, or null (no mapping) once the limit is reached. */
  private @Nullable OperationMeters reserve(String operation) {
    int count;
    do {
      count = operationCount.get();
      if (count >= settings.maxOperations()) {
        return null;
      }
    } while (!operationCount.compareAndSet(count, count + 1));
    return new OperationMeters(operation);
  }

  private static void checkOperation(String operation) {
    if (operation == null || operation.isBlank()) {
      throw new IllegalArgumentException("operation must not be blank but was '" + operation + "'");
    }
    if (operation.length() > MAX_OPERATION_LENGTH) {
      throw new IllegalArgumentException(
          "operation must be at most "
              + MAX_OPERATION_LENGTH
              + " characters but was "
              + operation.length()
              + " ('"
              + operation.substring(0, 40)
              + "...')");
    }
    if (UUID.matcher(operation).find()) {
      throw new IllegalArgumentException(
          "operation must be a low-cardinality name but '"
              + operation
              + "' contains a UUID; put ids in logs or traces, not in metric tags");
    }
  }

  /** Returns the failure a wrapper from a future stands for. */
  static Throwable unwrap(Throwable failure) {
    Throwable t = failure;
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  /** Returns the exception tag value: the simple class name, bounded by the classes that exist. */
  static String exceptionTag(Class<?> type) {
    String simple = type.getSimpleName();
    if (simple.isEmpty()) { // anonymous or hidden class
      String name = type.getName();
      simple = name.substring(name.lastIndexOf('.') + 1);
    }
    return simple;
  }

  /** Counter and timer of one (operation, outcome, exception) combination. */
  private final class Recorder {
    private final Counter counter;
    private final Timer timer;

    Recorder(String operation, String outcome, String exception) {
      Tags tags =
          Tags.of(
              MeterNames.OPERATION,
              operation,
              MeterNames.OUTCOME,
              outcome,
              MeterNames.EXCEPTION,
              exception);
      this.counter =
          owned.shared(
              Counter.builder(MeterNames.REQUESTS)
                      .tags(tags)
                      .description("Requests tracked by RequestTracker")
                  ::register);
      this.timer =
          owned.shared(
              Timer.builder(MeterNames.RESPONSE_TIME)
                      .tags(tags)
                      .description("Response time of requests tracked by RequestTracker")
                      .publishPercentileHistogram(settings.percentileHistogram())
                      .serviceLevelObjectives(
                          settings.serviceLevelObjectives().toArray(new Duration[0]))
                      .minimumExpectedValue(settings.minimumExpected())
                      .maximumExpectedValue(settings.maximumExpected())
                  ::register);
    }

    void record(long nanos) {
      counter.increment();
      timer.record(nanos, TimeUnit.NANOSECONDS);
    }
  }

  /** The meters of one operation; error meters are created on the first failure of each class. */
  private final class OperationMeters {
    private final String operation;
    private final Recorder success;
    private final ConcurrentHashMap<Class<?>, Recorder> errors = new ConcurrentHashMap<>();

    OperationMeters(String operation) {
      this.operation = operation;
      this.success = new Recorder(operation, MeterNames.SUCCESS, MeterNames.NONE);
    }

    Recorder error(Throwable failure) {
      return errors.computeIfAbsent(
          unwrap(failure).getClass(),
          type -> new Recorder(operation, MeterNames.ERROR, exceptionTag(type)));
    }
  }
}
