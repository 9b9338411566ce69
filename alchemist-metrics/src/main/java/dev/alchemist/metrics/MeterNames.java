package dev.alchemist.metrics;

/**
 * Names and tag keys of the meters this module registers, as Micrometer names. On Prometheus a
 * counter gains {@code _total} and a timer {@code _seconds} ({@code alchemist.requests} becomes
 * {@code alchemist_requests_total}, {@code alchemist.response.time} becomes {@code
 * alchemist_response_time_seconds_bucket/_count/_sum/_max}). The catalogue of every module's meters
 * is {@code docs/metrics.md}.
 */
public final class MeterNames {
  /** Counter of tracked requests; tags {@link #OPERATION}, {@link #OUTCOME}, {@link #EXCEPTION}. */
  public static final String REQUESTS = "alchemist.requests";

  /** Timer of tracked requests, with the same tags as {@link #REQUESTS}. */
  public static final String RESPONSE_TIME = "alchemist.response.time";

  /** Tag: the operation name given to {@link RequestTracker}. */
  public static final String OPERATION = "operation";

  /** Tag: {@link #SUCCESS} or {@link #ERROR}. */
  public static final String OUTCOME = "outcome";

  /** Tag: the simple class name of the exception, or {@link #NONE} on success. */
  public static final String EXCEPTION = "exception";

  /** Outcome of a request that returned normally. */
  public static final String SUCCESS = "success";

  /** Outcome of a request that threw or whose future failed or was cancelled. */
  public static final String ERROR = "error";

  /** Exception tag value of a successful request. */
  public static final String NONE = "none";

  /** Operation tag value that operations beyond the configured maximum collapse into. */
  public static final String OTHER_OPERATION = "other";

  /** Common tag naming the application, set by {@link AlchemistMetrics.Builder#application}. */
  public static final String APPLICATION = "application";

  /** Common tag naming the instance, set by {@link AlchemistMetrics.Builder#instance}. */
  public static final String INSTANCE = "instance";

  private MeterNames() {}
}
