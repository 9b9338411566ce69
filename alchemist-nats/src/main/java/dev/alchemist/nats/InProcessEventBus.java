package dev.alchemist.nats;

import dev.alchemist.core.Checks;
import dev.alchemist.nats.internal.InProcessBus;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import java.time.Duration;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;

/**
 * Builds the in-process {@link EventBus}: the embedded default for bare machines and for a host's
 * tests, with the same subjects and the same {@link SubjectPattern} matching as NATS.
 *
 * <pre>{@code
 * try (EventBus bus = InProcessEventBus.create()) {
 *   bus.subscribe(bus.subjects().pattern("dialog.>"), e -> System.out.println(e.event()));
 *   bus.publish(DomainEvent.of("dialog", "message", "created", null, Instant.now(), "{}"));
 * }
 * }</pre>
 *
 * <p>Events are handed to handlers as the same (immutable) object, not encoded. Handlers of one
 * subscription run one at a time in publish order on the executor; if more than {@code
 * maxPendingPerSubscription} events wait for one subscription, further ones are dropped, counted
 * and reported, like a NATS slow consumer.
 *
 * <p>A builder is not thread-safe; {@link Builder#build()} copies its state. The bus is
 * thread-safe; its {@code close()} stops publishing, waits up to {@code closeTimeout} for queued
 * events to be handled, and shuts down the executor if the bus created it.
 */
public final class InProcessEventBus {
  private InProcessEventBus() {}

  /** A bus with the defaults of {@link Builder}. */
  public static EventBus create() {
    return builder().build();
  }

  /** A new builder. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Settings of the in-process bus.
   *
   * @param subjects the subject space of {@link EventBus#publish(dev.alchemist.core.DomainEvent)}
   * @param executor runs the handlers, or null for a bus-owned pool of daemon threads
   * @param maxPendingPerSubscription most events waiting for one subscription's handler
   * @param closeTimeout how long {@code close()} waits for queued events
   * @param meterRegistry receives the bus's metrics
   * @param listener hears about handler failures and dropped events
   */
  public record Settings(
      SubjectSpace subjects,
      @Nullable Executor executor,
      int maxPendingPerSubscription,
      Duration closeTimeout,
      MeterRegistry meterRegistry,
      EventBusListener listener) {
    public Settings {
      Checks.notNull("subjects", subjects);
      Checks.inRange("maxPendingPerSubscription", maxPendingPerSubscription, 1, Integer.MAX_VALUE);
      Checks.positive("closeTimeout", closeTimeout);
      Checks.notNull("meterRegistry", meterRegistry);
      Checks.notNull("listener", listener);
    }
  }

  /** Collects the settings; every setter validates its argument. */
  public static final class Builder {
    private SubjectSpace subjects = SubjectSpace.defaultSpace();
    private @Nullable Executor executor;
    private int maxPendingPerSubscription = 65_536;
    private Duration closeTimeout = Duration.ofSeconds(10);
    private MeterRegistry meterRegistry = Metrics.globalRegistry;
    private EventBusListener listener = EventBusListener.none();

    private Builder() {}

    /** The subject space; default root {@code cim}. */
    public Builder subjects(SubjectSpace subjects) {
      this.subjects = Checks.notNull("subjects", subjects);
      return this;
    }

    /** Runs the handlers; default a bus-owned pool of daemon threads (one per core, at least 2). */
    public Builder executor(Executor executor) {
      this.executor = Checks.notNull("executor", executor);
      return this;
    }

    /** Most events waiting for one subscription; default 65,536. */
    public Builder maxPendingPerSubscription(int max) {
      this.maxPendingPerSubscription =
          (int) Checks.inRange("maxPendingPerSubscription", max, 1, Integer.MAX_VALUE);
      return this;
    }

    /** How long {@code close()} waits for queued events; default 10 s. */
    public Builder closeTimeout(Duration timeout) {
      this.closeTimeout = Checks.positive("closeTimeout", timeout);
      return this;
    }

    /**
     * Where the metrics go; default {@link Metrics#globalRegistry}. The bus's counters (tag {@code
     * bus=in-process}) add up across live buses on one registry and are removed when the last of
     * them closes.
     */
    public Builder meterRegistry(MeterRegistry registry) {
      this.meterRegistry = Checks.notNull("meterRegistry", registry);
      return this;
    }

    /** Hears about background failures; default none. */
    public Builder listener(EventBusListener listener) {
      this.listener = Checks.notNull("listener", listener);
      return this;
    }

    /** The settings as they stand. */
    public Settings settings() {
      return new Settings(
          subjects, executor, maxPendingPerSubscription, closeTimeout, meterRegistry, listener);
    }

    /** A new bus with these settings. */
    public EventBus build() {
      return new InProcessBus(settings());
    }
  }
}
