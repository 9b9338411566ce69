package dev.alchemist.metrics;

import dev.alchemist.core.Checks;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;

/**
 * Immutable settings of a {@link RequestTracker}. Build them with {@link #builder()}.
 *
 * @param maxOperations how many distinct operation names get their own series; later names are
 *     tracked under {@value MeterNames#OTHER_OPERATION}
 * @param serviceLevelObjectives extra histogram buckets at these latencies, sorted, distinct
 * @param percentileHistogram whether to publish the bucketed histogram {@code histogram_quantile}
 *     needs
 * @param minimumExpected lowest bucket of the percentile histogram
 * @param maximumExpected highest bucket of the percentile histogram
 */
public record RequestTrackerSettings(
    int maxOperations,
    List<Duration> serviceLevelObjectives,
    boolean percentileHistogram,
    Duration minimumExpected,
    Duration maximumExpected) {

  /** Distinct operations tracked by default before names collapse into {@code other}. */
  public static final int DEFAULT_MAX_OPERATIONS = 100;

  /** The most distinct operations a tracker accepts. */
  public static final int MAX_OPERATIONS_LIMIT = 10_000;

  /** The guide's dialog API target: 100 ms. */
  public static final Duration DIALOG_API_SLO = Duration.ofMillis(100);

  /** The guide's first-token target: 500 ms. */
  public static final Duration FIRST_TOKEN_SLO = Duration.ofMillis(500);

  /** The longest SLO or expected value accepted. */
  public static final Duration MAX_DURATION = Duration.ofHours(1);

  /** Validates every field as the builder does; see {@link Builder}. */
  public RequestTrackerSettings {
    Checks.inRange("maxOperations", maxOperations, 1, MAX_OPERATIONS_LIMIT);
    serviceLevelObjectives = checkSlos(serviceLevelObjectives);
    checkDuration("minimumExpected", minimumExpected);
    checkDuration("maximumExpected", maximumExpected);
    if (minimumExpected.compareTo(maximumExpected) >= 0) {
      throw new IllegalStateException(
          "minimumExpected ("
              + minimumExpected
              + ") must be < maximumExpected ("
              + maximumExpected
              + ")");
    }
  }

  /** Returns a builder with every default: 100 operations, SLOs 100 ms and 500 ms, histogram on. */
  public static Builder builder() {
    return new Builder();
  }

  /** Returns the default settings (equivalent to {@code builder().build()}). */
  public static RequestTrackerSettings defaults() {
    return builder().build();
  }

  /** Returns a builder that starts from these settings. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.maxOperations = maxOperations;
    b.serviceLevelObjectives = serviceLevelObjectives;
    b.percentileHistogram = percentileHistogram;
    b.minimumExpected = minimumExpected;
    b.maximumExpected = maximumExpected;
    return b;
  }

  private static Duration checkDuration(String field, Duration value) {
    Checks.positive(field, value);
    if (value.compareTo(MAX_DURATION) > 0) {
      throw new IllegalArgumentException(
          field + " must be at most " + MAX_DURATION + " but was " + value);
    }
    return value;
  }

  private static List<Duration> checkSlos(List<Duration> slos) {
    Checks.notNull("serviceLevelObjectives", slos);
    TreeSet<Duration> sorted = new TreeSet<>();
    for (Duration slo : slos) {
      sorted.add(checkDuration("serviceLevelObjective", slo));
    }
    return List.copyOf(new ArrayList<>(sorted));
  }

  /**
   * Builds {@link RequestTrackerSettings}. Each setter checks its argument and throws {@link
   * IllegalArgumentException} naming the field, the value and the limit; {@link #build()} checks
   * combinations and throws {@link IllegalStateException}. Not thread-safe; {@code build()} copies,
   * so a builder can be reused.
   */
  public static final class Builder {
    private int maxOperations = DEFAULT_MAX_OPERATIONS;
    private List<Duration> serviceLevelObjectives = List.of(DIALOG_API_SLO, FIRST_TOKEN_SLO);
    private boolean percentileHistogram = true;
    // Micrometer's own defaults for timers: 1 ms to 30 s.
    private Duration minimumExpected = Duration.ofMillis(1);
    private Duration maximumExpected = Duration.ofSeconds(30);

    private Builder() {}

    /**
     * How many distinct operation names get their own series (1 to {@value #MAX_OPERATIONS_LIMIT},
     * default {@value #DEFAULT_MAX_OPERATIONS}). Later names are tracked as {@value
     * MeterNames#OTHER_OPERATION} and a warning is logged once, so a name built from request data
     * cannot grow the registry without bound.
     */
    public Builder maxOperations(int maxOperations) {
      this.maxOperations =
          (int) Checks.inRange("maxOperations", maxOperations, 1, MAX_OPERATIONS_LIMIT);
      return this;
    }

    /**
     * Histogram buckets at exactly these latencies, so an alert can compute the share of requests
     * under a target without interpolation; default 100 ms and 500 ms (the guide's dialog API and
     * first-token targets). Each must be positive and at most one hour; an empty list adds none.
     */
    public Builder serviceLevelObjectives(Duration... slos) {
      Checks.notNull("serviceLevelObjectives", slos);
      this.serviceLevelObjectives = checkSlos(List.of(slos));
      return this;
    }

    /**
     * Whether to publish Micrometer's percentile histogram (about 70 buckets between the minimum
     * and maximum expected value), which {@code histogram_quantile(0.95, ...)} needs; default on.
     * When off only the SLO buckets are published.
     */
    public Builder percentileHistogram(boolean percentileHistogram) {
      this.percentileHistogram = percentileHistogram;
      return this;
    }

    /** Lowest bucket of the percentile histogram; default 1 ms. Positive, at most one hour. */
    public Builder minimumExpected(Duration minimumExpected) {
      this.minimumExpected = checkDuration("minimumExpected", minimumExpected);
      return this;
    }

    /** Highest bucket of the percentile histogram; default 30 s. Positive, at most one hour. */
    public Builder maximumExpected(Duration maximumExpected) {
      this.maximumExpected = checkDuration("maximumExpected", maximumExpected);
      return this;
    }

    /**
     * Returns immutable settings.
     *
     * @throws IllegalStateException if the minimum expected value is not below the maximum
     */
    public RequestTrackerSettings build() {
      return new RequestTrackerSettings(
          maxOperations,
          serviceLevelObjectives,
          percentileHistogram,
          Objects.requireNonNull(minimumExpected),
          Objects.requireNonNull(maximumExpected));
    }
  }
}
