package dev.alchemist.nats;

import dev.alchemist.nats.internal.InProcessBus;
import io.micrometer.core.instrument.MeterRegistry;
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
      BusBuilder.checkShared(
          subjects, maxPendingPerSubscription, closeTimeout, meterRegistry, listener);
    }
  }

  /**
   * Collects the settings; every setter validates its argument. The shared settings and their
   * defaults (close timeout 30 s, 65,536 pending per subscription) are those of {@link
   * NatsEvents.Builder}.
   */
  public static final class Builder extends BusBuilder<Builder> {
    private Builder() {}

    @Override
    Builder self() {
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
