package dev.alchemist.examples.dialog;

import dev.alchemist.core.Dialog;
import dev.alchemist.core.DomainEvent;
import dev.alchemist.core.Message;
import dev.alchemist.nats.ConsumerSettings;
import dev.alchemist.nats.EventBus;
import dev.alchemist.nats.InProcessEventBus;
import dev.alchemist.nats.JetStreamPublisher;
import dev.alchemist.nats.JetStreamPublisherSettings;
import dev.alchemist.nats.NatsEvents;
import dev.alchemist.nats.ReceivedEvent;
import dev.alchemist.nats.StreamSpec;
import dev.alchemist.nats.SubjectSpace;
import dev.alchemist.store.EventProjection;
import dev.alchemist.store.OutboxPublisher;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dialog service's domain events ({@code <root>.dialog.message.created}, {@code
 * <root>.dialog.reply.completed}, ...): fire and forget on the in-process bus, or on JetStream with
 * an ack per event when {@link DialogOptions#nats()} names a server. A turn does not publish them
 * itself: they commit with its message in the outbox and the store's relay sends them through
 * {@link #relayPublisher()}. One subscription to every subject receives them back, hands each to
 * the projection ({@link #projectInto}) on the in-process bus and to the {@link #onReceived
 * receiver} (a host's own seam), and asks the dashboard for a frame.
 *
 * <p>Thread-safe. {@link #close()} closes the subscription, the publisher, then the bus.
 */
final class DialogEvents implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DialogEvents.class);

  private final Parts parts = new Parts();
  private final DialogCounters counters;
  private final EventBus bus;
  private final @Nullable NatsEvents nats;
  private final @Nullable JetStreamPublisher publisher;
  private volatile Consumer<DomainEvent> receiver = e -> {};
  private volatile Consumer<DomainEvent> projector = e -> {};
  private final String streamName;

  DialogEvents(
      DialogOptions options,
      MeterRegistry registry,
      DialogCounters counters,
      LiveDashboard dashboard) {
    this.counters = counters;
    this.streamName = options.streamName();
    SubjectSpace space = SubjectSpace.of(options.subjectRoot());
    try {
      if (options.nats() == null) {
        nats = null;
        publisher = null;
        bus =
            parts.add(InProcessEventBus.builder().subjects(space).meterRegistry(registry).build());
      } else {
        nats =
            parts.add(
                NatsEvents.builder()
                    .url(options.nats())
                    .subjects(space)
                    .meterRegistry(registry)
                    .build());
        bus = nats;
        StreamSpec spec = developmentStream(options, space);
        nats.provisioner().provision(spec);
        publisher =
            parts.add(
                nats.jetStreamPublisher(
                    JetStreamPublisherSettings.builder().name("dialog-service").stream(spec)
                        .build()));
      }
      parts.add(
          bus.subscribe(
              space.all(),
              received -> {
                try {
                  projector.accept(received.event());
                  receiver.accept(received.event());
                } finally {
                  counters.eventsReceived.incrementAndGet();
                  dashboard.changed();
                }
              }));
    } catch (RuntimeException e) {
      parts.close();
      throw e;
    }
  }

  /**
   * Publishes one event on the caller's thread. Blocking only under JetStream back-pressure ({@code
   * maxInFlight} acks outstanding).
   */
  void publish(DomainEvent event) {
    counters.eventsPublished.increment();
    send(event);
  }

  /**
   * What the outbox relay publishes committed events with: on the in-process bus an event is queued
   * for its subscribers on the relay's thread (done at once); on JetStream the stage completes with
   * the ack, and only then does the relay delete the outbox row.
   */
  OutboxPublisher relayPublisher() {
    JetStreamPublisher p = publisher;
    if (p == null) {
      return event -> {
        bus.publish(event);
        return CompletableFuture.completedFuture(null);
      };
    }
    return event ->
        p.publish(bus.subjects().subject(event), event)
            .whenComplete(
                (receipt, e) -> {
                  if (e == null) {
                    counters.eventsAcked.increment();
                  }
                });
  }

  /**
   * Hands every received event to {@code receiver} on the subscription's thread, before it is
   * counted: where a projection (for example {@code EventProjection.store} of a batch) is wired. An
   * exception it throws is the subscription's to report; the event still counts as received.
   */
  void onReceived(Consumer<DomainEvent> receiver) {
    this.receiver = receiver;
  }

  /**
   * Projects every event into {@code store}'s {@code events} table and {@code domain_stats}
   * rollups. On JetStream a durable batch consumer of the stream stores each batch idempotently in
   * one transaction and acks it after the commit (at least once + idempotent = exactly once); on
   * the in-process bus, which delivers each event once, the subscription's events go through a
   * batching writer. Close the returned consumer before the store.
   */
  AutoCloseable projectInto(DialogStore store) {
    NatsEvents n = nats;
    if (n == null) {
      projector = store::project;
      return () -> projector = e -> {};
    }
    EventProjection projection = store.projection();
    return n.consumeBatches(
        ConsumerSettings.builder(streamName, "dialog-projection")
            .filter(bus.subjects().all())
            .batchSize(1000)
            .backoff(Duration.ofMillis(250)) // outlive a database outage rather than dead-letter
            .maxDeliver(1000)
            .build(),
        batch -> {
          List<DomainEvent> list = new ArrayList<>(batch.size());
          for (ReceivedEvent r : batch) {
            list.add(r.event());
          }
          projection.store(list);
        });
  }

  /** Whether published events are acked (JetStream) rather than fire and forget. */
  boolean acks() {
    return publisher != null;
  }

  /**
   * Whether every published event came back through the subscription and, on JetStream, its ack.
   */
  boolean allBack() {
    long published = counters.eventsPublished.sum();
    boolean acked =
        publisher == null || counters.eventsAcked.sum() + counters.errors.sum() >= published;
    return counters.eventsReceived.get() >= published && acked;
  }

  /** Deletes the JetStream stream {@code name}, if events go to NATS; a failure is logged. */
  void deleteStream(String name) {
    if (nats == null) {
      return;
    }
    try {
      nats.connection().jetStreamManagement().deleteStream(name);
    } catch (Exception e) {
      log.warn("could not delete stream {}: {}", name, e.toString());
    }
  }

  @Override
  public void close() {
    parts.close();
  }

  /** An event of {@code dialog}'s user, e.g. {@code ("message", "created")}. */
  static DomainEvent event(Dialog dialog, String entity, String type, String payload) {
    return DomainEvent.of("dialog", entity, type, dialog.userId(), Instant.now(), payload);
  }

  /** A message's ids, role and token count: never its content. */
  static String payload(Message m) {
    return "{\"dialogId\":\""
        + m.dialogId()
        + "\",\"messageId\":\""
        + m.id()
        + "\",\"role\":\""
        + m.role().name().toLowerCase(Locale.ROOT)
        + "\",\"tokens\":"
        + m.tokenCount()
        + "}";
  }

  /** The guide's stream on one server: R1, no placement, a smaller footprint for a demo. */
  static StreamSpec developmentStream(DialogOptions o, SubjectSpace space) {
    return StreamSpec.alchemistEvents().toBuilder()
        .name(o.streamName())
        .subjects(space)
        .maxAge(Duration.ofHours(1))
        .maxBytes(512L * 1024 * 1024)
        .build()
        .forDevelopment();
  }

  private void send(DomainEvent event) {
    JetStreamPublisher p = publisher;
    if (p == null) {
      bus.publish(event);
      return;
    }
    p.publish(bus.subjects().subject(event), event)
        .whenComplete(
            (receipt, e) -> {
              if (e == null) {
                counters.eventsAcked.increment();
              } else {
                counters.failed(e);
              }
            });
  }
}
