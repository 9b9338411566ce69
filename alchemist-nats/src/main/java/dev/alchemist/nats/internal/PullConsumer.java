package dev.alchemist.nats.internal;

import dev.alchemist.core.DomainEvent;
import dev.alchemist.core.codec.Codec;
import dev.alchemist.core.codec.CodecException;
import dev.alchemist.core.internal.OwnedMeters;
import dev.alchemist.core.internal.SerialExecutor;
import dev.alchemist.nats.ConsumerLag;
import dev.alchemist.nats.ConsumerSettings;
import dev.alchemist.nats.EventBatchHandler;
import dev.alchemist.nats.EventConsumer;
import dev.alchemist.nats.EventHandler;
import dev.alchemist.nats.ReceivedEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.nats.client.Connection;
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
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * A durable pull consumer. jnats' {@code consume()} pulls batches of {@code batchSize} and keeps
 * the pull alive; its dispatcher thread (one per consumer) hands each message to our buffer and the
 * handler runs on the bus executor. One mechanism serves both kinds of handler: the handler takes
 * what is buffered, up to {@code maxBatch} messages at a time (1 for an {@link EventHandler},
 * {@code batchSize} for an {@link EventBatchHandler}), with no linger: a quiet stream gets batches
 * of one at once, a busy one batches as large as what arrived while the previous batch ran.
 *
 * <p>Flow control: the buffer holds at most {@code batchSize} messages; while it is full the
 * dispatcher waits for room, so jnats counts nothing as processed and pulls no more. At most {@code
 * batchSize} messages wait in jnats (pulled ahead) and {@code batchSize} in the buffer: memory is
 * bounded whatever the backlog on the server.
 *
 * <p>Ack deadlines: the server's ack wait is {@code ackWait} (no server-side backoff, which would
 * replace it with its first step). Every message in the buffer or in the handler gets {@code
 * inProgress()} before three quarters of its ack wait can have passed, so a slow handler or a long
 * queue never makes the server redeliver a message we still hold. Failures are naked with the
 * backoff step as the delay: that delay alone is the gap between two deliveries.
 *
 * <p>Outages: every ack, nak, term and in-progress is guarded (jnats throws when the connection is
 * closed, draining or its reconnect buffer is full) and reported; a handler failure of any kind is
 * naked; after the connection comes back ({@link #reconnected()}) the pull is issued anew, since
 * the pull request the server held may have died with it.
 */
public final class PullConsumer implements EventConsumer {
  private static final long ROOM_POLL_MILLIS = 100;
  private static final long MIN_TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

  private final ConsumerSettings settings;
  private final EventBatchHandler handler;
  private final int maxBatch;
  private final Queue<AckDeadlines.Held> ready = new ConcurrentLinkedQueue<>();
  private final Connection connection;
  private final JetStream jetStream;
  private final Codec<DomainEvent> codec;
  private final Executor executor;
  private final ScheduledExecutorService scheduler;
  private final Reporter reporter;
  private final long closeTimeoutNanos;
  private final SerialExecutor queue;
  private final ConsumerContext context;
  private final PullSubscription subscription;
  private final ScheduledFuture<?> lagTask;
  private final ScheduledFuture<?> progressTask;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Semaphore room;
  private final ConsumerReplies replies;
  private final AckDeadlines held;
  private final DeadLetters deadLetters;
  private final AtomicLong pending = new AtomicLong();
  private final AtomicLong ackPending = new AtomicLong();
  private final AtomicLong acknowledged = new AtomicLong();
  private final Counter ackedCounter;
  private final Counter failedCounter;
  private final OwnedMeters meters;

  /** The batch handler that hands batches of one to {@code handler}: for {@code maxBatch} 1. */
  public static EventBatchHandler oneByOne(EventHandler handler) {
    return batch -> handler.onEvent(batch.get(0));
  }

  /**
   * @param handler gets at most {@code maxBatch} events at a time
   * @param maxBatch 1 for {@link #oneByOne}, up to {@code settings.batchSize()} for batch handlers
   */
  public PullConsumer(
      ConsumerSettings settings,
      EventBatchHandler handler,
      int maxBatch,
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
    this.maxBatch = Math.min(maxBatch, settings.batchSize());
    this.connection = connection;
    this.jetStream = jetStream;
    this.codec = codec;
    this.executor = executor;
    this.scheduler = scheduler;
    this.reporter = reporter;
    this.closeTimeoutNanos = closeTimeoutNanos;
    this.queue =
        new SerialExecutor(
            executor,
            t ->
                reporter.report(
                    "consumer-task",
                    "a task of consumer " + settings.durableName() + " failed",
                    t,
                    l -> {}));
    this.room = new Semaphore(settings.batchSize());
    this.replies = new ConsumerReplies(settings, reporter);
    this.held = new AckDeadlines(settings.batchSize(), settings.ackWait(), replies);
    String stream = settings.stream();
    String name = settings.durableName();
    // No server-side backoff: the server would use its first step as the ack wait (1 s by default,
    // redelivering anything queued longer), and add it to our nak delays. Delays come from naks.
    ConsumerConfiguration config =
        ConsumerConfiguration.builder()
            .durable(name)
            .filterSubject(settings.filter().toString())
            .ackPolicy(AckPolicy.Explicit)
            .deliverPolicy(DeliverPolicy.All)
            .maxDeliver(settings.maxDeliver())
            .ackWait(settings.ackWait())
            .maxAckPending(settings.maxAckPending())
            .build();
    // Meters first: a refused gauge (another live consumer of this durable on the registry) must
    // fail before the consumer exists on the server or pulls anything.
    this.meters = OwnedMeters.of(registry, "consumer " + name + " of stream " + stream);
    Tags tags = Tags.of("stream", stream, "consumer", name);
    try {
      meters.exclusive(
          Gauge.builder("alchemist.nats.consumer.pending", pending, AtomicLong::get)
                  .tags(tags)
                  .description("Messages of the stream not yet delivered to the consumer")
              ::register);
      meters.exclusive(
          Gauge.builder("alchemist.nats.consumer.ack.pending", ackPending, AtomicLong::get)
                  .tags(tags)
                  .description("Messages delivered but not yet acknowledged")
              ::register);
      meters.exclusive(
          Gauge.builder("alchemist.nats.consumer.buffered", held, AckDeadlines::size)
                  .tags(tags)
                  .description("Messages queued for the handler or in it (at most batchSize)")
              ::register);
    } catch (RuntimeException e) {
      meters.close();
      throw e;
    }
    ackedCounter =
        meters.shared(Counter.builder("alchemist.nats.consumer.acked").tags(tags)::register);
    failedCounter =
        meters.shared(
            Counter.builder("alchemist.nats.consumer.handler.failed").tags(tags)::register);
    Counter deadLetterCounter =
        meters.shared(
            Counter.builder("alchemist.nats.consumer.dead.lettered").tags(tags)::register);
    try {
      management.addOrUpdateConsumer(stream, config);
      String dlq = settings.deadLetterSubject();
      // Decided once: a stored dead letter needs an ack, a core one cannot have one.
      boolean deadLettersStored = dlq != null && !management.getStreamNames(dlq).isEmpty();
      this.deadLetters =
          new DeadLetters(
              settings,
              deadLettersStored,
              connection,
              jetStream,
              replies,
              reporter,
              deadLetterCounter);
      this.context = jetStream.getConsumerContext(stream, name);
      this.subscription =
          new PullSubscription(
              settings, context, this::receive, closed::get, executor, scheduler, reporter);
      long every = settings.lagInterval().toNanos();
      this.lagTask =
          scheduler.scheduleWithFixedDelay(
              this::scheduleLagRefresh, 0, every, TimeUnit.NANOSECONDS);
      long tick = Math.max(MIN_TICK_NANOS, settings.ackWait().toNanos() / 4);
      this.progressTask =
          scheduler.scheduleWithFixedDelay(held::refresh, tick, tick, TimeUnit.NANOSECONDS);
    } catch (IOException | JetStreamApiException | RuntimeException e) {
      meters.close();
      throw e;
    }
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
    return deadLetters.count();
  }

  /**
   * Runs on jnats' dispatcher thread of this consumer: waits for room in the buffer (jnats pulls no
   * more meanwhile), then queues the message for the handler.
   */
  private void receive(Message message) {
    if (!awaitRoom()) {
      // Closing: give it back now rather than after the ack wait.
      replies.reply(message, "nak", Message::nak);
      return;
    }
    ready.add(held.hold(message));
    queue.offer(this::handleReady, Integer.MAX_VALUE); // bounded by room
  }

  private boolean awaitRoom() {
    try {
      while (!closed.get()) {
        if (room.tryAcquire(ROOM_POLL_MILLIS, TimeUnit.MILLISECONDS)) {
          return true;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return false;
  }

  /**
   * Takes what is buffered, up to {@code maxBatch}, and handles it. One such task is queued per
   * message received, so a task that finds the buffer empty (an earlier one took its message) just
   * returns, and none is ever missing.
   */
  private void handleReady() {
    AckDeadlines.Held first = ready.poll();
    if (first == null) {
      return;
    }
    if (maxBatch == 1) { // the single-event path: no lists beyond the one the handler gets
      try {
        ReceivedEvent event = decodeOrDeadLetter(first.message);
        if (event != null) {
          deliver(List.of(first.message), List.of(event));
        }
      } finally {
        held.release(first);
        room.release();
      }
      return;
    }
    List<AckDeadlines.Held> batch = new ArrayList<>(Math.min(maxBatch, 64));
    batch.add(first);
    AckDeadlines.Held h;
    while (batch.size() < maxBatch && (h = ready.poll()) != null) {
      batch.add(h);
    }
    try {
      List<Message> messages = new ArrayList<>(batch.size());
      List<ReceivedEvent> events = new ArrayList<>(batch.size());
      for (AckDeadlines.Held taken : batch) {
        ReceivedEvent event = decodeOrDeadLetter(taken.message);
        if (event != null) {
          messages.add(taken.message);
          events.add(event);
        }
      }
      if (!events.isEmpty()) {
        deliver(messages, events);
      }
    } finally {
      for (AckDeadlines.Held taken : batch) {
        held.release(taken);
      }
      room.release(batch.size());
    }
  }

  /**
   * The decoded event, or null after dead-lettering a message that cannot be decoded (it never will
   * be).
   */
  private @Nullable ReceivedEvent decodeOrDeadLetter(Message message) {
    long deliveries = deliveries(message);
    try {
      return EventMessages.decode(message, codec, Math.max(1, deliveries));
    } catch (CodecException | IllegalArgumentException e) {
      failedCounter.increment();
      deadLetters.deadLetter(message, deliveries, e);
      return null;
    }
  }

  /**
   * Runs the handler on {@code events} and acks their {@code messages}, or naks them if it threw.
   */
  private void deliver(List<Message> messages, List<ReceivedEvent> events) {
    try {
      handler.onBatch(events);
    } catch (Throwable e) { // an Error too: the consumer must outlive any handler
      failed(messages, events, e);
      return;
    }
    for (Message message : messages) {
      if (replies.reply(message, "ack", Message::ack)) {
        acknowledged.incrementAndGet();
        ackedCounter.increment();
      }
    }
  }

  /** Reports a failed handler once and naks (or dead-letters) every message it was given. */
  private void failed(List<Message> messages, List<ReceivedEvent> events, Throwable e) {
    failedCounter.increment(messages.size());
    ReceivedEvent first = events.get(0);
    reporter.report(
        "consumer-handler",
        "handler of consumer "
            + settings.durableName()
            + " failed on "
            + (events.size() == 1
                ? first.subject()
                : events.size() + " events from " + first.subject())
            + " (delivery "
            + first.deliveries()
            + " of "
            + settings.maxDeliver()
            + ")",
        e,
        l -> events.forEach(event -> l.onHandlerFailed(event.subject(), e)));
    for (int i = 0; i < messages.size(); i++) {
      Message message = messages.get(i);
      long deliveries = events.get(i).deliveries();
      if (deliveries >= settings.maxDeliver()) {
        deadLetters.deadLetter(message, deliveries, e);
      } else {
        Duration delay = backoff(deliveries);
        replies.reply(message, "nak", m -> m.nakWithDelay(delay));
      }
    }
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

  /**
   * The connection is back: the pull request the server held may be gone (a restarted server
   * forgets it), and jnats would only notice after missing heartbeats for several seconds. Pulls
   * anew, off the caller's thread (jnats' connection-listener thread).
   */
  public void reconnected() {
    subscription.renew();
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    lagTask.cancel(false);
    MessageConsumer current = subscription.current();
    current.stop();
    queue.awaitIdle(System.nanoTime() + closeTimeoutNanos);
    progressTask.cancel(false); // held messages kept their deadlines while the buffer drained
    subscription.closeQuietly(current);
    meters.close();
  }

  @Override
  public String toString() {
    return "EventConsumer["
        + settings.stream()
        + "/"
        + settings.durableName()
        + ", "
        + lag()
        + ", buffered="
        + held.size()
        + "]";
  }
}
