package dev.alchemist.nats.internal;

import dev.alchemist.core.DomainEvent;
import dev.alchemist.core.codec.Codec;
import dev.alchemist.core.codec.CodecException;
import dev.alchemist.nats.ConsumerLag;
import dev.alchemist.nats.ConsumerSettings;
import dev.alchemist.nats.EventConsumer;
import dev.alchemist.nats.EventHandler;
import dev.alchemist.nats.EventHeaders;
import dev.alchemist.nats.ReceivedEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.nats.client.Connection;
import io.nats.client.ConsumeOptions;
import io.nats.client.ConsumerContext;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.Message;
import io.nats.client.MessageConsumer;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.ConsumerInfo;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.impl.Headers;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A durable pull consumer: jnats' {@code consume()} pulls batches and keeps the pull alive across
 * reconnects; its dispatcher thread only queues each message, and the handler runs on our executor.
 * The server's {@code max_ack_pending} bounds how many messages can wait in that queue.
 */
public final class PullConsumer implements EventConsumer {
  private static final long PULL_EXPIRES_MILLIS = 5_000;

  private final ConsumerSettings settings;
  private final EventHandler handler;
  private final Connection connection;
  private final JetStream jetStream;
  private final Codec<DomainEvent> codec;
  private final Executor executor;
  private final Reporter reporter;
  private final long closeTimeoutNanos;
  private final SerialQueue queue;
  private final ConsumerContext context;
  private final MessageConsumer consumer;
  private final ScheduledFuture<?> lagTask;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final boolean deadLettersStored;
  private final AtomicLong pending = new AtomicLong();
  private final AtomicLong ackPending = new AtomicLong();
  private final AtomicLong acknowledged = new AtomicLong();
  private final AtomicLong deadLettered = new AtomicLong();
  private final Counter ackedCounter;
  private final Counter failedCounter;
  private final Counter deadLetterCounter;

  public PullConsumer(
      ConsumerSettings settings,
      EventHandler handler,
      Connection connection,
      JetStreamManagement management,
      JetStream jetStream,
      Codec<DomainEvent> codec,
      Executor executor,
      ScheduledExecutorService scheduler,
      MeterRegistry registry,
      Reporter reporter,
      long closeTimeoutNanos)
      throws IOException, JetStreamApiException {
    this.settings = settings;
    this.handler = handler;
    this.connection = connection;
    this.jetStream = jetStream;
    this.codec = codec;
    this.executor = executor;
    this.reporter = reporter;
    this.closeTimeoutNanos = closeTimeoutNanos;
    this.queue = new SerialQueue(executor);
    String stream = settings.stream();
    String name = settings.durableName();
    ConsumerConfiguration.Builder config =
        ConsumerConfiguration.builder()
            .durable(name)
            .filterSubject(settings.filter().toString())
            .ackPolicy(AckPolicy.Explicit)
            .deliverPolicy(DeliverPolicy.All)
            .maxDeliver(settings.maxDeliver())
            .ackWait(settings.ackWait())
            .maxAckPending(settings.maxAckPending());
    if (!settings.backoff().isEmpty()) {
      config.backoff(settings.backoff().toArray(new Duration[0]));
    }
    management.addOrUpdateConsumer(stream, config.build());
    String dlq = settings.deadLetterSubject();
    // Decided once: a stored dead letter needs an ack, a core one cannot have one.
    this.deadLettersStored = dlq != null && !management.getStreamNames(dlq).isEmpty();
    this.context = jetStream.getConsumerContext(stream, name);
    Gauge.builder("alchemist.nats.consumer.pending", pending, AtomicLong::get)
        .tags("stream", stream, "consumer", name)
        .description("Messages of the stream not yet delivered to the consumer")
        .register(registry);
    Gauge.builder("alchemist.nats.consumer.ack.pending", ackPending, AtomicLong::get)
        .tags("stream", stream, "consumer", name)
        .description("Messages delivered but not yet acknowledged")
        .register(registry);
    ackedCounter =
        Counter.builder("alchemist.nats.consumer.acked")
            .tags("stream", stream, "consumer", name)
            .register(registry);
    failedCounter =
        Counter.builder("alchemist.nats.consumer.handler.failed")
            .tags("stream", stream, "consumer", name)
            .register(registry);
    deadLetterCounter =
        Counter.builder("alchemist.nats.consumer.dead.lettered")
            .tags("stream", stream, "consumer", name)
            .register(registry);
    // Pull requests expire after 5 s (jnats' default is 30 s), so the server's idle heartbeat comes
    // every 2.5 s: when the consumer's leader dies with our pull request, jnats notices the missing
    // heartbeats and pulls again from the new leader within seconds instead of most of a minute.
    ConsumeOptions options =
        ConsumeOptions.builder()
            .batchSize(settings.batchSize())
            .expiresIn(PULL_EXPIRES_MILLIS)
            .build();
    this.consumer =
        context.consume(options, message -> queue.offer(() -> handle(message), Integer.MAX_VALUE));
    long every = settings.lagInterval().toNanos();
    this.lagTask =
        scheduler.scheduleWithFixedDelay(this::scheduleLagRefresh, 0, every, TimeUnit.NANOSECONDS);
  }

  @Override
  public ConsumerSettings settings() {
    return settings;
  }

  @Override
  public ConsumerLag lag() {
    return new ConsumerLag(pending.get(), ackPending.get());
  }

  @Override
  public ConsumerLag refreshLag() {
    try {
      ConsumerInfo info = context.getConsumerInfo();
      pending.set(info.getNumPending());
      ackPending.set(info.getNumAckPending());
    } catch (IOException | JetStreamApiException | RuntimeException e) {
      reporter.report(
          "consumer-lag",
          "cannot read the lag of consumer " + settings.durableName() + ": " + e.getMessage(),
          e,
          l -> {});
    }
    return lag();
  }

  private void scheduleLagRefresh() {
    if (closed.get()) {
      return;
    }
    try {
      executor.execute(this::refreshLag); // a request: keep it off the scheduler thread
    } catch (RejectedExecutionException e) {
      // shutting down
    }
  }

  @Override
  public long acknowledged() {
    return acknowledged.get();
  }

  @Override
  public long deadLettered() {
    return deadLettered.get();
  }

  private void handle(Message message) {
    long deliveries = deliveries(message);
    ReceivedEvent event;
    try {
      event = EventMessages.decode(message, codec, Math.max(1, deliveries));
    } catch (CodecException | IllegalArgumentException e) {
      // A message that cannot be decoded never will be: dead-letter it at once.
      failedCounter.increment();
      deadLetter(message, deliveries, e);
      return;
    }
    try {
      handler.onEvent(event);
    } catch (Exception | LinkageError | AssertionError e) {
      failedCounter.increment();
      reporter.report(
          "consumer-handler",
          "handler of consumer "
              + settings.durableName()
              + " failed on "
              + message.getSubject()
              + " (delivery "
              + deliveries
              + " of "
              + settings.maxDeliver()
              + ")",
          e,
          l -> l.onHandlerFailed(message.getSubject(), e));
      if (deliveries >= settings.maxDeliver()) {
        deadLetter(message, deliveries, e);
      } else {
        message.nakWithDelay(backoff(deliveries));
      }
      return;
    }
    message.ack();
    acknowledged.incrementAndGet();
    ackedCounter.increment();
  }

  private Duration backoff(long deliveries) {
    List<Duration> steps = settings.backoff();
    if (steps.isEmpty()) {
      return Duration.ZERO;
    }
    int index = (int) Math.min(Math.max(deliveries - 1, 0), steps.size() - 1);
    return steps.get(index);
  }

  private static long deliveries(Message message) {
    try {
      return message.metaData().deliveredCount();
    } catch (RuntimeException e) {
      return 1;
    }
  }

  private void deadLetter(Message message, long deliveries, Throwable cause) {
    String target = settings.deadLetterSubject();
    if (target != null) {
      Headers headers = new Headers();
      Headers original = message.getHeaders();
      if (original != null) {
        for (String key : original.keySet()) {
          if (!key.equals(EventHeaders.EXPECTED_STREAM)) {
            headers.put(key, original.get(key));
          }
        }
      }
      headers.put(EventHeaders.ORIGINAL_SUBJECT, message.getSubject());
      headers.put(EventHeaders.DELIVERIES, Long.toString(deliveries));
      String error = cause.getClass().getName() + ": " + cause.getMessage();
      headers.put(
          EventHeaders.LAST_ERROR,
          (error.length() > 200 ? error.substring(0, 200) : error).replaceAll("[\\r\\n]", " "));
      byte[] data = message.getData() == null ? new byte[0] : message.getData();
      try {
        if (deadLettersStored) {
          jetStream.publish(target, headers, data);
        } else {
          connection.publish(target, headers, data);
        }
      } catch (IOException | JetStreamApiException | RuntimeException e) {
        keepForLater(message, target, e);
        return;
      }
    }
    message.term();
    deadLettered.incrementAndGet();
    deadLetterCounter.increment();
    reporter.report(
        "dead-letter",
        "consumer "
            + settings.durableName()
            + " gave up on "
            + message.getSubject()
            + " after "
            + deliveries
            + " deliveries"
            + (target == null ? " (no dead-letter subject)" : ""),
        cause,
        l ->
            l.onDeadLettered(
                message.getSubject(), target == null ? "" : target, deliveries, cause));
  }

  private void keepForLater(Message message, String target, Exception e) {
    // Not terminated: the message stays in the stream rather than being lost.
    reporter.report(
        "dead-letter-failed",
        "cannot publish to dead-letter subject "
            + target
            + "; "
            + message.getSubject()
            + " stays unacknowledged in the stream: "
            + e.getMessage(),
        e,
        l -> {});
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    lagTask.cancel(false);
    consumer.stop();
    queue.awaitIdle(System.nanoTime() + closeTimeoutNanos);
    try {
      consumer.close();
    } catch (Exception e) {
      reporter.report(
          "consumer-close", "closing consumer " + settings.durableName() + " failed", e, l -> {});
    }
  }

  @Override
  public String toString() {
    return "EventConsumer[" + settings.stream() + "/" + settings.durableName() + ", " + lag() + "]";
  }
}
