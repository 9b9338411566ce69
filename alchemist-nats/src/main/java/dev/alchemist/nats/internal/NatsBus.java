package dev.alchemist.nats.internal;

import dev.alchemist.core.AlchemistException;
import dev.alchemist.core.Checks;
import dev.alchemist.core.DomainEvent;
import dev.alchemist.core.codec.Codec;
import dev.alchemist.core.internal.DaemonThreads;
import dev.alchemist.nats.ConsumerSettings;
import dev.alchemist.nats.EventBatchHandler;
import dev.alchemist.nats.EventConsumer;
import dev.alchemist.nats.EventHandler;
import dev.alchemist.nats.EventSubscription;
import dev.alchemist.nats.JetStreamPublisher;
import dev.alchemist.nats.JetStreamPublisherSettings;
import dev.alchemist.nats.NatsEvents;
import dev.alchemist.nats.StreamProvisioner;
import dev.alchemist.nats.Subject;
import dev.alchemist.nats.SubjectPattern;
import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.Dispatcher;
import io.nats.client.ErrorListener;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.impl.ErrorListenerLoggerImpl;
import java.io.IOException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * The implementation behind {@link NatsEvents}: one connection, and the publishers, consumers and
 * subscriptions over it. Its connection listener ({@link ChainedConnectionListener}) and the
 * consumer wrapper ({@link TrackedConsumer}) live beside it.
 */
public final class NatsBus {
  private final NatsEvents.Settings settings;
  private final Redactor redactor;
  private final Reporter reporter;
  private final BusMeters meters;
  private final Codec<DomainEvent> codec;
  private final EventMessages.HeaderCache coreHeaders = new EventMessages.HeaderCache(null);
  private final Executor executor;
  private final @Nullable ExecutorService ownedExecutor;
  private final ScheduledExecutorService scheduler;
  private final boolean ownsScheduler;
  private final Set<BoundedJetStreamPublisher> publishers = ConcurrentHashMap.newKeySet();
  private final Set<TrackedConsumer> consumers = ConcurrentHashMap.newKeySet();
  private final Set<CoreSubscription> subscriptions = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile @Nullable Connection connection;
  private volatile @Nullable Dispatcher dispatcher;
  private volatile @Nullable JetStream jetStream;
  private volatile @Nullable JetStreamManagement management;

  private NatsBus(NatsEvents.Settings settings) {
    this.settings = settings;
    this.redactor = Redactor.of(settings.options());
    this.reporter = new Reporter(settings.listener(), redactor);
    this.meters = new BusMeters(settings.meterRegistry(), "nats");
    this.codec = settings.codecs().codec(DomainEvent.class);
    Executor given = settings.executor();
    if (given == null) {
      ExecutorService pool =
          DaemonThreads.fixedPool("alchemist-nats", DaemonThreads.defaultPoolSize());
      this.ownedExecutor = pool;
      this.executor = pool;
    } else {
      this.ownedExecutor = null;
      this.executor = given;
    }
    ScheduledExecutorService givenScheduler = settings.scheduler();
    this.ownsScheduler = givenScheduler == null;
    this.scheduler =
        givenScheduler == null ? DaemonThreads.scheduler("alchemist-nats-timer") : givenScheduler;
  }

  /** Connects with the settings' options plus our connection listener. */
  public static NatsBus connect(NatsEvents.Settings settings) {
    NatsBus bus = new NatsBus(settings);
    Options base = settings.options();
    @Nullable ConnectionListener theirs = base.getConnectionListener();
    Options.Builder builder =
        new Options.Builder(base)
            .connectionListener(new ChainedConnectionListener(bus::onConnectionEvent, theirs));
    @Nullable ErrorListener listener = base.getErrorListener();
    if (listener != null && listener.getClass() == ErrorListenerLoggerImpl.class) {
      listener = new RedactingErrorListener(bus.redactor); // jnats' default logger
    }
    RecordingErrorListener recorder = new RecordingErrorListener(listener);
    builder.errorListener(recorder);
    Options options = builder.build();
    try {
      Connection connection = Nats.connect(options);
      bus.connection = connection;
      bus.dispatcher = connection.createDispatcher();
      bus.jetStream = connection.jetStream();
      bus.management = connection.jetStreamManagement();
    } catch (IOException e) {
      bus.shutdownThreads();
      AlchemistException failure =
          new AlchemistException(
              "cannot connect to NATS at "
                  + bus.servers(options)
                  + ": "
                  + ConnectFailures.reason(
                      e, recorder.recent(), options.getSslContext() != null, bus.redactor),
              bus.redactor.redact(e));
      for (Exception reported : recorder.recent()) {
        failure.addSuppressed(bus.redactor.redact(reported));
      }
      throw failure;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      bus.shutdownThreads();
      throw new AlchemistException("interrupted while connecting to " + bus.servers(options), e);
    }
    return bus;
  }

  /** The server URLs without user info, for messages. */
  private String servers(Options options) {
    return redactor.redactText(options.getServers().toString());
  }

  public NatsEvents.Settings settings() {
    return settings;
  }

  public Connection connection() {
    return require(connection);
  }

  private void onConnectionEvent(ConnectionListener.Events event) {
    if (event == ConnectionListener.Events.CLOSED) {
      publishers.forEach(BoundedJetStreamPublisher::connectionClosed);
    }
    if (event == ConnectionListener.Events.RESUBSCRIBED) { // reconnected, subscriptions resent
      consumers.forEach(TrackedConsumer::reconnected); // the pull requests may be gone
    }
    if (event != ConnectionListener.Events.DISCOVERED_SERVERS) {
      try {
        executor.execute(() -> reporter.connection(event.getEvent())); // off jnats' thread
      } catch (RejectedExecutionException e) {
        reporter.connection(event.getEvent());
      }
    }
  }

  public void publish(Subject subject, DomainEvent event, @Nullable String traceId) {
    Checks.notNull("subject", subject);
    Checks.notNull("event", event);
    if (closed.get()) {
      throw new IllegalStateException("cannot publish to " + subject + ": NatsEvents is closed");
    }
    byte[] data = codec.encode(event);
    require(connection)
        .publish(subject.toString(), coreHeaders.headers(subject, traceId, null), data);
    meters.published();
  }

  public void flush(Duration timeout) {
    Checks.positive("timeout", timeout);
    try {
      require(connection).flush(timeout);
    } catch (TimeoutException e) {
      throw new AlchemistException(
          "NATS flush did not complete within " + timeout, redactor.redact(e));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AlchemistException("interrupted while flushing", e);
    }
  }

  public EventSubscription subscribe(SubjectPattern pattern, EventHandler handler) {
    Checks.notNull("pattern", pattern);
    Checks.notNull("handler", handler);
    if (closed.get()) {
      throw new IllegalStateException("cannot subscribe to " + pattern + ": NatsEvents is closed");
    }
    CoreSubscription sub = new CoreSubscription(pattern, handler);
    subscriptions.add(sub);
    sub.start();
    return sub;
  }

  public JetStreamPublisher jetStreamPublisher(JetStreamPublisherSettings publisherSettings) {
    Checks.notNull("settings", publisherSettings);
    if (closed.get()) {
      throw new IllegalStateException("cannot create a publisher: NatsEvents is closed");
    }
    BoundedJetStreamPublisher[] self = new BoundedJetStreamPublisher[1];
    BoundedJetStreamPublisher publisher =
        new BoundedJetStreamPublisher(
            publisherSettings,
            require(connection),
            require(jetStream),
            codec,
            executor,
            scheduler,
            settings.meterRegistry(),
            reporter,
            () -> publishers.remove(self[0]));
    self[0] = publisher;
    publishers.add(publisher);
    return publisher;
  }

  public StreamProvisioner provisioner() {
    return new JetStreamProvisioner(require(management));
  }

  public EventConsumer consume(ConsumerSettings consumerSettings, EventHandler handler) {
    Checks.notNull("settings", consumerSettings);
    Checks.notNull("handler", handler);
    return start(consumerSettings, PullConsumer.oneByOne(handler), 1);
  }

  public EventConsumer consumeBatches(
      ConsumerSettings consumerSettings, EventBatchHandler handler) {
    Checks.notNull("settings", consumerSettings);
    Checks.notNull("handler", handler);
    return start(consumerSettings, handler, consumerSettings.batchSize());
  }

  private EventConsumer start(
      ConsumerSettings consumerSettings, EventBatchHandler handler, int maxBatch) {
    if (closed.get()) {
      throw new IllegalStateException("cannot consume: NatsEvents is closed");
    }
    try {
      PullConsumer consumer =
          new PullConsumer(
              consumerSettings,
              handler,
              maxBatch,
              require(connection),
              require(management),
              require(jetStream),
              codec,
              executor,
              scheduler,
              settings.meterRegistry(),
              reporter,
              settings.closeTimeout().toNanos());
      TrackedConsumer tracked = new TrackedConsumer(consumer, consumers);
      consumers.add(tracked);
      return tracked;
    } catch (IOException | JetStreamApiException e) {
      throw new AlchemistException(
          "cannot start consumer "
              + consumerSettings.durableName()
              + " on stream "
              + consumerSettings.stream()
              + ": "
              + redactor.redact(e.getMessage()),
          redactor.redact(e));
    }
  }

  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      consumers.forEach(TrackedConsumer::close);
      publishers.forEach(BoundedJetStreamPublisher::close);
      subscriptions.forEach(CoreSubscription::close);
      Connection c = connection;
      if (c != null) {
        try {
          c.drain(settings.closeTimeout())
              .get(settings.closeTimeout().toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
          reporter.report(
              "drain", "draining the NATS connection failed: " + e.getMessage(), e, l -> {});
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        } finally {
          try {
            c.close();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
      }
    } finally {
      shutdownThreads();
    }
  }

  /** Stops the threads the bus owns and removes its meters (on close and on a failed connect). */
  private void shutdownThreads() {
    meters.close();
    if (ownsScheduler) {
      scheduler.shutdownNow();
    }
    if (ownedExecutor != null) {
      ownedExecutor.shutdown();
      try {
        ownedExecutor.awaitTermination(settings.closeTimeout().toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static <T> T require(@Nullable T value) {
    if (value == null) {
      throw new IllegalStateException("not connected");
    }
    return value;
  }

  @Override
  public String toString() {
    Connection c = connection;
    return "NatsEvents["
        + (c == null ? "not connected" : c.getStatus())
        + ", root="
        + settings.subjects().root()
        + ", publishers="
        + publishers.size()
        + ", consumers="
        + consumers.size()
        + ", subscriptions="
        + subscriptions.size()
        + "]";
  }

  private final class CoreSubscription extends SubscriptionSupport {
    private volatile io.nats.client.@Nullable Subscription subscription;

    CoreSubscription(SubjectPattern pattern, EventHandler handler) {
      super(
          pattern,
          handler,
          executor,
          settings.maxPendingPerSubscription(),
          reporter,
          meters,
          settings.closeTimeout().toNanos());
    }

    void start() {
      subscription =
          require(dispatcher)
              .subscribe(
                  pattern().toString(),
                  message ->
                      enqueue(message.getSubject(), () -> EventMessages.decode(message, codec, 1)));
    }

    @Override
    protected void stopSource() {
      subscriptions.remove(this);
      io.nats.client.Subscription s = subscription;
      Dispatcher d = dispatcher;
      if (s != null && d != null && d.isActive()) {
        try {
          d.unsubscribe(s);
        } catch (IllegalStateException e) {
          // the connection is already closed
        }
      }
    }
  }
}
