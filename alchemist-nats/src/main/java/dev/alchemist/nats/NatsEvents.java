package dev.alchemist.nats;

import dev.alchemist.core.AlchemistException;
import dev.alchemist.core.Checks;
import dev.alchemist.core.DomainEvent;
import dev.alchemist.core.codec.CodecRegistry;
import dev.alchemist.core.codec.KryoCodecs;
import dev.alchemist.nats.internal.NatsBus;
import io.micrometer.core.instrument.MeterRegistry;
import io.nats.client.Connection;
import io.nats.client.Options;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import org.jspecify.annotations.Nullable;

/**
 * The NATS-backed {@link EventBus} and the entry point to JetStream: publishers, stream
 * provisioning and durable consumers, all on one connection.
 *
 * <pre>{@code
 * try (NatsEvents events = NatsEvents.connect("nats://127.0.0.1:4222")) {
 *   events.provisioner().provision(StreamSpec.alchemistEvents().forDevelopment());
 *   try (JetStreamPublisher publisher = events.jetStreamPublisher(
 *       JetStreamPublisherSettings.builder().stream(StreamSpec.alchemistEvents()).build())) {
 *     publisher.publish(Subject.of("dialog", "message", "created"), event)
 *         .thenAccept(receipt -> log.info("stored as {}", receipt.sequence()));
 *   }
 * }
 * }</pre>
 *
 * <p>Core publishes ({@link #publish(Subject, DomainEvent, String)}) are fire-and-forget: jnats
 * queues them and its writer thread flushes in batches, so no publish waits for the network; call
 * {@link #flush(Duration)} to wait until the server has them. Payloads are encoded by the core
 * codec ({@link KryoCodecs}); headers carry content type, event type and trace id (see {@link
 * EventHeaders}).
 *
 * <p>Thread-safe. {@link #close()} closes the consumers, the JetStream publishers (waiting for
 * their outstanding acks), the subscriptions (handling what is queued), then drains and closes the
 * connection, and shuts down the threads it created.
 */
public final class NatsEvents implements EventBus {
  private final NatsBus bus;

  private NatsEvents(NatsBus bus) {
    this.bus = bus;
  }

  /**
   * Connects to {@code url} (e.g. {@code nats://127.0.0.1:4222}, comma-separate several) with the
   * defaults of {@link Builder}.
   *
   * @throws AlchemistException if the server cannot be reached
   */
  public static NatsEvents connect(String url) {
    return builder().url(url).build();
  }

  /** A new builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** The settings. */
  public Settings settings() {
    return bus.settings();
  }

  @Override
  public SubjectSpace subjects() {
    return bus.settings().subjects();
  }

  @Override
  public void publish(Subject subject, DomainEvent event, @Nullable String traceId) {
    bus.publish(subject, event, traceId);
  }

  /**
   * Waits until the server has received everything published so far.
   *
   * @throws AlchemistException if that takes longer than {@code timeout} or the connection is
   *     closed
   */
  public void flush(Duration timeout) {
    bus.flush(timeout);
  }

  @Override
  public EventSubscription subscribe(SubjectPattern pattern, EventHandler handler) {
    return bus.subscribe(pattern, handler);
  }

  /** A new JetStream publisher on this connection; closed by {@link #close()} at the latest. */
  public JetStreamPublisher jetStreamPublisher(JetStreamPublisherSettings settings) {
    return bus.jetStreamPublisher(settings);
  }

  /** Creates and updates streams on this connection. */
  public StreamProvisioner provisioner() {
    return bus.provisioner();
  }

  /**
   * Creates (or updates) the durable pull consumer and starts handing its messages to {@code
   * handler}.
   *
   * @throws AlchemistException if the consumer cannot be created (e.g. the stream is missing)
   */
  public EventConsumer consume(ConsumerSettings settings, EventHandler handler) {
    return bus.consume(settings, handler);
  }

  /**
   * Like {@link #consume}, but hands the events to {@code handler} in batches of up to {@link
   * ConsumerSettings#batchSize()}: whatever is buffered when the handler is free, with no linger.
   * Every event of a batch is acknowledged after {@code onBatch} returns normally, so a handler
   * that commits them in one transaction acknowledges only committed events; a throw naks the whole
   * batch (see {@link EventBatchHandler}). Events that cannot be decoded never reach the handler:
   * they are counted and dead-lettered at once.
   *
   * @throws AlchemistException if the consumer cannot be created (e.g. the stream is missing)
   */
  public EventConsumer consumeBatches(ConsumerSettings settings, EventBatchHandler handler) {
    return bus.consumeBatches(settings, handler);
  }

  /** The underlying jnats connection, for what this API does not cover. Do not close it. */
  public Connection connection() {
    return bus.connection();
  }

  @Override
  public void close() {
    bus.close();
  }

  @Override
  public String toString() {
    return bus.toString();
  }

  /**
   * Settings of {@link NatsEvents}.
   *
   * @param options the jnats connection options (servers, TLS, credentials, reconnect policy);
   *     never printed by {@link #toString()}
   * @param subjects the subject space of {@link #publish(DomainEvent)}
   * @param codecs encodes and decodes {@link DomainEvent} payloads
   * @param executor runs handlers and completes publish futures, or null for a pool of its own
   * @param scheduler runs retries, ack-timeout sweeps and lag reads, or null for one of its own
   * @param maxPendingPerSubscription most events waiting for one core subscription's handler
   * @param closeTimeout how long {@code close()} waits for handlers and for draining
   * @param meterRegistry receives the metrics
   * @param listener hears about background failures and connection events
   */
  public record Settings(
      Options options,
      SubjectSpace subjects,
      CodecRegistry codecs,
      @Nullable Executor executor,
      @Nullable ScheduledExecutorService scheduler,
      int maxPendingPerSubscription,
      Duration closeTimeout,
      MeterRegistry meterRegistry,
      EventBusListener listener) {
    public Settings {
      Checks.notNull("options", options);
      Checks.notNull("codecs", codecs);
      if (!codecs.isRegistered(DomainEvent.class)) {
        throw new IllegalArgumentException("codecs must register DomainEvent");
      }
      BusBuilder.checkShared(
          subjects, maxPendingPerSubscription, closeTimeout, meterRegistry, listener);
    }

    /** Without the connection options, which may hold credentials. */
    @Override
    public String toString() {
      return "NatsEvents.Settings[subjects="
          + subjects.root()
          + ", maxPendingPerSubscription="
          + maxPendingPerSubscription
          + ", closeTimeout="
          + closeTimeout
          + "]";
    }
  }

  /**
   * Collects the settings; every setter validates its argument. Not thread-safe. The settings both
   * buses share and their defaults (close timeout 30 s, 65,536 pending per subscription) are those
   * of {@link InProcessEventBus.Builder}.
   *
   * <p>The {@link #meterRegistry meter registry} receives the bus's, publishers' and consumers'
   * metrics. Each component removes its meters when it closes (the bus's when {@link
   * NatsEvents#close()} returns), so a re-created publisher or consumer reports its own numbers.
   * Counters and timers with equal tags add up across live instances; a gauge reads one instance,
   * so a second live consumer of the same durable on the same stream and registry is refused with
   * {@link IllegalStateException}, and a second live publisher on a stream takes {@code default-2}
   * under the default name or is refused under a chosen one.
   */
  public static final class Builder extends BusBuilder<Builder> {
    private @Nullable String url;
    private @Nullable Options options;
    private @Nullable CodecRegistry codecs;
    private @Nullable ScheduledExecutorService scheduler;

    private Builder() {}

    @Override
    Builder self() {
      return this;
    }

    /**
     * The server URL(s), comma-separated. With a URL the connection reconnects forever every 250 ms
     * (jitter included), keeps up to 8 MiB of publishes while disconnected, and does not force a
     * flush per request (the writer thread batches them). Use {@link #options} for TLS, credentials
     * or another reconnect policy.
     */
    public Builder url(String url) {
      this.url = Checks.notBlank("url", url);
      return this;
    }

    /** Full jnats options (TLS, credentials, ...); our connection listener is added to them. */
    public Builder options(Options options) {
      this.options = Checks.notNull("options", options);
      return this;
    }

    /** Default {@code KryoCodecs.builder().build()} (the model types). */
    public Builder codecs(CodecRegistry codecs) {
      this.codecs = Checks.notNull("codecs", codecs);
      return this;
    }

    /** Retries, sweeps and lag reads; default a one-thread scheduler of its own. */
    public Builder scheduler(ScheduledExecutorService scheduler) {
      this.scheduler = Checks.notNull("scheduler", scheduler);
      return this;
    }

    /**
     * The settings.
     *
     * @throws IllegalStateException if neither or both of url and options were set
     */
    public Settings settings() {
      if ((url == null) == (options == null)) {
        throw new IllegalStateException("set exactly one of url and options");
      }
      Options resolved = options;
      if (resolved == null) {
        resolved =
            new Options.Builder()
                .servers(url.split(","))
                .maxReconnects(-1)
                .reconnectWait(Duration.ofMillis(250))
                .reconnectJitter(Duration.ofMillis(100))
                .dontForceFlushOnRequest()
                .build();
      }
      return new Settings(
          resolved,
          subjects,
          codecs == null ? KryoCodecs.builder().build() : codecs,
          executor,
          scheduler,
          maxPendingPerSubscription,
          closeTimeout,
          meterRegistry,
          listener);
    }

    /**
     * Connects.
     *
     * @throws AlchemistException if the server cannot be reached
     */
    public NatsEvents build() {
      return new NatsEvents(NatsBus.connect(settings()));
    }
  }
}
