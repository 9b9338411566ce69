package dev.alchemist.nats.internal;

import dev.alchemist.core.internal.InFlight;
import dev.alchemist.core.internal.OwnedMeters;
import dev.alchemist.nats.JetStreamPublisherSettings;
import dev.alchemist.nats.PublishException.Reason;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The meters of one {@link BoundedJetStreamPublisher}: registered in the constructor, removed by
 * {@link #close()}. Separate from the publisher because choosing the {@code publisher} tag and
 * registering its twelve meters is setup, not publishing; the publisher only counts through it.
 */
final class PublisherMeters implements AutoCloseable {
  private final OwnedMeters meters;
  private final String meterName;
  private final Counter published;
  private final Counter acked;
  private final Counter duplicates;
  private final Counter retries;
  private final Map<Reason, Counter> failed = new EnumMap<>(Reason.class);
  private final Timer ackLatency;

  /** Registers the meters; the in-flight gauge reads {@code inFlight}. */
  PublisherMeters(JetStreamPublisherSettings settings, MeterRegistry registry, InFlight inFlight) {
    String stream = settings.expectedStream() == null ? "any" : settings.expectedStream();
    this.meters = OwnedMeters.of(registry, "publisher " + settings.name() + " on stream " + stream);
    // The gauge first, so that a refusal leaves nothing registered. Under the default name a
    // second live publisher on the stream reports as default-2 (as HikariCP numbers its pools);
    // a name the host chose is refused instead, since the host meant one publisher by it.
    Function<String, Gauge.Builder<?>> inFlightGauge =
        n ->
            Gauge.builder("alchemist.nats.in.flight", inFlight, InFlight::get)
                .tags("publisher", n, "stream", stream)
                .description("Acks outstanding");
    String name;
    if (JetStreamPublisherSettings.DEFAULT_NAME.equals(settings.name())) {
      name = meters.exclusiveUnderFreeName(settings.name(), inFlightGauge);
    } else {
      name = settings.name();
      meters.exclusive(inFlightGauge.apply(name)::register);
    }
    this.meterName = name;
    this.published =
        meters.shared(
            Counter.builder("alchemist.nats.published")
                    .tags("bus", "nats", "mode", "jetstream", "publisher", name, "stream", stream)
                    .description("Events handed to JetStream (once per event, not per attempt)")
                ::register);
    this.acked =
        meters.shared(
            Counter.builder("alchemist.nats.acked")
                    .tags("publisher", name, "stream", stream)
                    .description("Events JetStream acknowledged as stored")
                ::register);
    this.duplicates =
        meters.shared(
            Counter.builder("alchemist.nats.duplicates")
                    .tags("publisher", name, "stream", stream)
                    .description(
                        "Acks that reported a duplicate message id (a retry of a stored event)")
                ::register);
    this.retries =
        meters.shared(
            Counter.builder("alchemist.nats.retries")
                    .tags("publisher", name, "stream", stream)
                    .description("Attempts re-sent after a timeout or 503")
                ::register);
    for (Reason reason : Reason.values()) {
      failed.put(
          reason,
          meters.shared(
              Counter.builder("alchemist.nats.failed")
                      .tags(
                          "publisher",
                          name,
                          "stream",
                          stream,
                          "reason",
                          reason.name().toLowerCase())
                      .description("Publishes whose future failed")
                  ::register));
    }
    this.ackLatency =
        meters.shared(
            Timer.builder("alchemist.nats.ack.latency")
                    .tags("publisher", name, "stream", stream)
                    .description("From publish to ack, retries included")
                ::register);
  }

  /**
   * The {@code publisher} tag: the publisher's name, or for the default name with another live
   * publisher on the stream, {@code default-2} and so on.
   */
  String meterName() {
    return meterName;
  }

  /** An event handed to JetStream (once per event, not per attempt). */
  void published() {
    published.increment();
  }

  /** An ack that stored the event; {@code latencyNanos} from publish to ack, retries included. */
  void acked(boolean duplicate, long latencyNanos) {
    acked.increment();
    if (duplicate) {
      duplicates.increment();
    }
    ackLatency.record(latencyNanos, TimeUnit.NANOSECONDS);
  }

  /** An attempt about to be re-sent. */
  void retried() {
    retries.increment();
  }

  /** A publish whose future failed for {@code reason}. */
  void failed(Reason reason) {
    failed.get(reason).increment();
  }

  /** Removes the meters from the registry (shared ones when their last owner closes). */
  @Override
  public void close() {
    meters.close();
  }
}
