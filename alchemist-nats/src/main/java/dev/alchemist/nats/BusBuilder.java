package dev.alchemist.nats;

import dev.alchemist.core.Checks;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import java.time.Duration;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;

/**
 * The settings both event buses share ({@link InProcessEventBus.Builder} and {@link
 * NatsEvents.Builder}), with one set of defaults, so that swapping the embedded bus for NATS keeps
 * every shared setting as it was. Every setter validates its argument; not thread-safe.
 *
 * @param <B> the concrete builder, returned by every setter
 */
abstract class BusBuilder<B extends BusBuilder<B>> {
  /**
   * How long {@code close()} of either bus waits for queued handlers (and, on NATS, for the drain):
   * 30 s, the same as a JetStream publisher's wait for its acks, so that one shutdown budget fits
   * every component of the module.
   */
  static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(30);

  /** Most events waiting for one subscription's handler by default. */
  static final int DEFAULT_MAX_PENDING_PER_SUBSCRIPTION = 65_536;

  SubjectSpace subjects = SubjectSpace.defaultSpace();
  @Nullable Executor executor;
  int maxPendingPerSubscription = DEFAULT_MAX_PENDING_PER_SUBSCRIPTION;
  Duration closeTimeout = DEFAULT_CLOSE_TIMEOUT;
  MeterRegistry meterRegistry = Metrics.globalRegistry;
  EventBusListener listener = EventBusListener.none();

  BusBuilder() {}

  abstract B self();

  /** The subject space; default root {@code cim}. */
  public B subjects(SubjectSpace subjects) {
    this.subjects = Checks.notNull("subjects", subjects);
    return self();
  }

  /**
   * Runs the handlers (on NATS also completes publish futures and calls the listener); default a
   * pool of the bus's own daemon threads, one per core and at least 2, shut down by {@code
   * close()}. An executor given here is never shut down by the bus.
   */
  public B executor(Executor executor) {
    this.executor = Checks.notNull("executor", executor);
    return self();
  }

  /**
   * Most events waiting for one subscription's handler; default 65,536. Beyond it further events
   * are dropped, counted and reported, like a NATS slow consumer.
   */
  public B maxPendingPerSubscription(int max) {
    this.maxPendingPerSubscription =
        (int) Checks.inRange("maxPendingPerSubscription", max, 1, Integer.MAX_VALUE);
    return self();
  }

  /**
   * How long {@code close()} waits for queued events to be handled (on NATS also for the connection
   * to drain); default 30 s.
   */
  public B closeTimeout(Duration timeout) {
    this.closeTimeout = Checks.positive("closeTimeout", timeout);
    return self();
  }

  /**
   * Where the metrics go; default {@link Metrics#globalRegistry}. The bus's counters add up across
   * live buses of the same kind on one registry and are removed when the last of them closes.
   */
  public B meterRegistry(MeterRegistry registry) {
    this.meterRegistry = Checks.notNull("meterRegistry", registry);
    return self();
  }

  /** Hears about background failures (handler failures, dropped events, ...); default none. */
  public B listener(EventBusListener listener) {
    this.listener = Checks.notNull("listener", listener);
    return self();
  }

  /** Validates the settings both buses share, for their records' constructors. */
  static void checkShared(
      SubjectSpace subjects,
      int maxPendingPerSubscription,
      Duration closeTimeout,
      MeterRegistry meterRegistry,
      EventBusListener listener) {
    Checks.notNull("subjects", subjects);
    Checks.inRange("maxPendingPerSubscription", maxPendingPerSubscription, 1, Integer.MAX_VALUE);
    Checks.positive("closeTimeout", closeTimeout);
    Checks.notNull("meterRegistry", meterRegistry);
    Checks.notNull("listener", listener);
  }
}
