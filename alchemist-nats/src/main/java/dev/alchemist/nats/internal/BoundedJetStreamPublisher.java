package dev.alchemist.nats.internal;

import dev.alchemist.core.Checks;
import dev.alchemist.core.DomainEvent;
import dev.alchemist.core.Ticker;
import dev.alchemist.core.codec.Codec;
import dev.alchemist.core.internal.SerialExecutor;
import dev.alchemist.nats.JetStreamPublisher;
import dev.alchemist.nats.JetStreamPublisherSettings;
import dev.alchemist.nats.PublishException;
import dev.alchemist.nats.PublishException.Reason;
import dev.alchemist.nats.PublishReceipt;
import dev.alchemist.nats.Subject;
import io.micrometer.core.instrument.MeterRegistry;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.api.PublishAck;
import io.nats.client.impl.Headers;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * {@link JetStreamPublisher} over jnats' {@code publishAsync}.
 *
 * <p>Why it is built this way:
 *
 * <ul>
 *   <li>A semaphore bounds the outstanding acks; the permit is released when the publish finishes
 *       for good (ack or failure), not per attempt, so retries never exceed the bound.
 *   <li>jnats completes its futures on its inbox dispatcher thread. There we only do bookkeeping;
 *       the user's future is completed on {@code executor}, so user callbacks never run on jnats.
 *   <li>A single sweeper task (not a timer per publish) finds attempts whose ack is overdue, since
 *       jnats' own request timeout is coarse (its cleanup interval) and a dead connection never
 *       answers.
 *   <li>Every pending publish holds a slot of {@code slots} until it finishes, so close() and a
 *       closed connection can fail what is left: no future is ever left hanging. A fixed array (one
 *       slot per permit) instead of a concurrent set: claiming and freeing a slot is one CAS and
 *       allocates nothing.
 *   <li>The per-publish record is also the completion task and holds its own attempt state (a
 *       VarHandle, not an AtomicInteger), so a publish allocates only what it must.
 * </ul>
 *
 * <p>The parts with a job of their own live beside it: {@link PendingPublish} (the per-publish
 * record), {@link PendingSlots} (the slot table), {@link PublishRetryPolicy} (what to retry and
 * when), {@link PublisherMeters} (its meters) and {@link PublishFailures} (their wording).
 *
 * <p>This file stays a little over 400 lines on purpose: what is left is one state machine (the
 * stage CAS of a publish, its attempts, the sweeper, finish() and the close() handshake with
 * publish()), and its correctness argument reads in one place; split further, each half would need
 * the other's invariants to make sense.
 */
public final class BoundedJetStreamPublisher implements JetStreamPublisher {
  /**
   * How long the completion queue's drain sleeps on an empty queue before it gives its executor
   * thread back. Without it, acks that arrive every few microseconds wake an executor thread each
   * (on two cores that wake-up cost more than the rest of a publish: 0.83x of raw jnats running the
   * callback inline); with it, one wake-up serves every ack of the next 100 µs, and a callback runs
   * at most that (plus the timer's slack) later, against acks that take milliseconds at that rate.
   * 200 µs measured no better than 100 (NatsPublishBenchmark.jetStreamCallback*).
   */
  private static final long COMPLETION_LINGER_NANOS = 100_000;

  private final JetStreamPublisherSettings settings;
  private final Connection connection;
  private final JetStream jetStream;
  private final Codec<DomainEvent> codec;
  private final EventMessages.HeaderCache headerCache;
  private final Executor executor;
  private final ScheduledExecutorService scheduler;
  private final Reporter reporter;
  private final Runnable onClosed;
  private final SerialExecutor completions;
  private final PendingSlots slots;
  private final Ticker ticker;
  private final ScheduledFuture<?> sweeper;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final long ackTimeoutNanos;
  private final long maxRetryNanos;
  private final PublishRetryPolicy retryPolicy;
  private final PublisherMeters meters;
  private final PublishFailures failures;
  private volatile long closeDeadline = Long.MAX_VALUE;

  public BoundedJetStreamPublisher(
      JetStreamPublisherSettings settings,
      Connection connection,
      JetStream jetStream,
      Codec<DomainEvent> codec,
      Executor executor,
      ScheduledExecutorService scheduler,
      MeterRegistry registry,
      Reporter reporter,
      Runnable onClosed) {
    this.settings = settings;
    this.connection = connection;
    this.jetStream = jetStream;
    this.codec = codec;
    this.headerCache = new EventMessages.HeaderCache(settings.expectedStream());
    this.executor = executor;
    ScheduledExecutorService own = settings.scheduler();
    this.scheduler = own != null ? own : scheduler;
    this.ticker = settings.ticker();
    this.slots = new PendingSlots(settings.maxInFlight());
    this.reporter = reporter;
    this.onClosed = onClosed;
    this.completions =
        new SerialExecutor(
            executor,
            t -> reporter.report("completion", "a publish completion threw", t, l -> {}),
            COMPLETION_LINGER_NANOS);
    this.ackTimeoutNanos = settings.ackTimeout().toNanos();
    this.maxRetryNanos = settings.maxRetryTime().toNanos();
    this.retryPolicy = new PublishRetryPolicy(settings);
    this.meters = new PublisherMeters(settings, registry, slots.inFlight());
    this.failures = new PublishFailures(settings, reporter.redactor(), meters);
    this.sweeper =
        this.scheduler.scheduleWithFixedDelay(
            this::sweep,
            settings.sweepInterval().toNanos(),
            settings.sweepInterval().toNanos(),
            TimeUnit.NANOSECONDS);
  }

  @Override
  public JetStreamPublisherSettings settings() {
    return settings;
  }

  @Override
  public int inFlight() {
    return slots.inFlight().get();
  }

  @Override
  public CompletableFuture<PublishReceipt> publish(
      Subject subject, DomainEvent event, @Nullable String traceId) {
    Checks.notNull("subject", subject);
    Checks.notNull("event", event);
    String name = subject.toString();
    if (closed.get()) {
      return failures.closedNow(name);
    }
    if (!slots.acquire(settings.overflowPolicy(), settings.blockTimeout().toNanos())) {
      return failures.inFlightLimitNow(name, slots.inFlight().get());
    }
    byte[] data;
    try {
      data = codec.encode(event);
    } catch (RuntimeException e) {
      slots.abandon();
      return failures.encodeFailedNow(name, event, e);
    }
    Headers headers = headerCache.headers(subject, traceId, event.id().toString());
    PendingPublish p = new PendingPublish(this, name, headers, data, ticker.read());
    // Counted before closed is read again: close() sets closed before it reads inFlight, so either
    // close() waits for p, or we see closed here (a Dekker handshake on two volatiles).
    slots.admit(p);
    if (closed.get()) {
      // close() began after the first check and may have scanned the slots before p was in one.
      // Fail p here, on the caller's thread (nothing is attached yet), so it is complete on return.
      if (p.finishStage() >= 0) {
        meters.failed(Reason.CLOSED);
        p.result.completeExceptionally(
            failures.of(Reason.CLOSED, p, "publisher " + settings.name() + " is closed", null));
        slots.release(p);
      }
      return p.result;
    }
    meters.published();
    send(p);
    return p.result;
  }

  /** Sends one attempt; the caller owns {@code p} (its stage is 0). */
  private void send(PendingPublish p) {
    int attempt = p.attempts + 1;
    p.attemptDeadline = ticker.read() + ackTimeoutNanos;
    if (!p.casStage(0, attempt)) {
      return; // finished meanwhile (closed)
    }
    p.attempts = attempt;
    CompletableFuture<PublishAck> future;
    try {
      future = jetStream.publishAsync(p.subject, p.headers, p.data);
    } catch (RuntimeException e) {
      // e.g. the reconnect buffer is full while disconnected, or the connection is closed
      if (p.casStage(attempt, 0)) {
        attemptFailed(p, e);
      }
      return;
    }
    p.current = future;
    future.whenComplete(
        (ack, error) -> {
          if (!p.casStage(attempt, 0)) {
            return; // this attempt already timed out, or the publish finished
          }
          if (error == null) {
            finish(p, ack, null);
          } else {
            attemptFailed(p, error);
          }
        });
  }

  private void attemptFailed(PendingPublish p, Throwable error) {
    Throwable cause = PublishRetryPolicy.unwrap(error);
    if (connection.getStatus() == Connection.Status.CLOSED) {
      finish(p, null, failures.of(Reason.CONNECTION_CLOSED, p, "the connection is closed", cause));
      return;
    }
    if (!PublishRetryPolicy.retryable(cause)) {
      finish(
          p,
          null,
          failures.of(
              Reason.REJECTED, p, "JetStream refused the event: " + cause.getMessage(), cause));
      return;
    }
    long now = ticker.read();
    long delay = retryPolicy.backoffNanos(p.attempts);
    boolean pastClose = closed.get() && now + delay - closeDeadline > 0;
    if (pastClose || now + delay - p.start > maxRetryNanos) {
      Reason reason = pastClose ? Reason.CLOSED : Reason.TIMED_OUT;
      String why =
          pastClose
              ? "publisher " + settings.name() + " closed before an ack arrived"
              : "no ack within maxRetryTime " + settings.maxRetryTime();
      finish(
          p, null, failures.of(reason, p, why + " (" + p.attempts + " attempts): " + cause, cause));
      return;
    }
    meters.retried();
    try {
      scheduler.schedule(() -> resend(p), delay, TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      finish(p, null, failures.of(Reason.CLOSED, p, "the scheduler is shut down", e));
    }
  }

  private void resend(PendingPublish p) {
    if (p.stage() < 0) {
      return;
    }
    if (closed.get() && ticker.read() - closeDeadline > 0) {
      finish(
          p, null, failures.of(Reason.CLOSED, p, "publisher " + settings.name() + " closed", null));
      return;
    }
    send(p);
  }

  /** Finds attempts whose ack is overdue and treats them as timed out. */
  private void sweep() {
    try {
      long now = ticker.read();
      for (int i = 0, n = slots.length(); i < n; i++) {
        PendingPublish p = slots.get(i);
        if (p == null) {
          continue;
        }
        int stage = p.stage();
        if (stage > 0 && now - p.attemptDeadline > 0 && p.casStage(stage, 0)) {
          CompletableFuture<PublishAck> current = p.current;
          if (current != null) {
            current.cancel(false);
          }
          attemptFailed(
              p,
              new TimeoutException(
                  "no ack within " + settings.ackTimeout() + " (attempt " + stage + ")"));
        }
      }
    } catch (RuntimeException e) {
      reporter.report("sweeper", "JetStream publisher sweep failed", e, l -> {});
    }
  }

  /**
   * Completes a publish once: records metrics, completes the future (inline if nothing is attached,
   * else on the executor), and only then releases its slot, count and permit. close() waits for
   * {@code inFlight} to drop to zero and then for the completion queue, so a publish must be
   * completed or queued before it stops counting: otherwise close() could return in between.
   */
  private void finish(
      PendingPublish p, @Nullable PublishAck ack, @Nullable PublishException error) {
    if (p.finishStage() < 0) {
      return; // already finished
    }
    if (error == null && ack != null) {
      meters.acked(ack.isDuplicate(), ticker.read() - p.start);
      p.receipt =
          new PublishReceipt(ack.getStream(), ack.getSeqno(), ack.isDuplicate(), p.attempts);
    } else {
      PublishException e =
          error != null ? error : failures.of(Reason.REJECTED, p, "no ack and no error", null);
      meters.failed(e.reason());
      p.error = e;
    }
    try {
      // Fast path: nobody has attached to the future yet, so completing it here on jnats' thread
      // runs no host code (a later dependent runs on the thread that attaches it). See
      // ReceiptFuture.
      if (p.error != null || !p.result.tryCompleteUnobserved(p.receipt)) {
        // One serial queue for all completions: a burst of acks wakes one executor thread once
        // instead of handing every ack to the pool (on 2 cores that hand-off was the largest cost
        // per publish). If the executor is shut down the queue runs the task here: completing
        // beats never completing.
        completions.offer(p, Integer.MAX_VALUE);
      }
    } finally {
      slots.release(p);
    }
  }

  /**
   * Runs on the executor (see {@link PendingPublish#run()}): completes the future, reports a
   * failure.
   */
  void complete(PendingPublish p) {
    PublishException e = p.error;
    if (e == null) {
      p.result.complete(p.receipt);
      return;
    }
    // on the executor too: the listener is host code
    reporter.report(
        "publish-" + e.reason(),
        e.getMessage(),
        e.getCause(),
        l -> l.onPublishFailed(p.subject, e));
    p.result.completeExceptionally(e);
  }

  /** Fails every outstanding publish: the connection is closed for good. */
  public void connectionClosed() {
    for (PendingPublish p : slots.outstanding()) {
      finish(p, null, failures.of(Reason.CONNECTION_CLOSED, p, "the NATS connection closed", null));
    }
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    // The ticker's deadline bounds the retries (see attemptFailed); the wait below is on the
    // clock a condition can wait on. Both are closeTimeout from now.
    closeDeadline = ticker.read() + settings.closeTimeout().toNanos();
    long waitDeadline = System.nanoTime() + settings.closeTimeout().toNanos();
    try {
      // A closed connection answers nothing (connectionClosed() fails what is left); release()
      // wakes this wait when the last publish finishes.
      if (connection.getStatus() != Connection.Status.CLOSED) {
        slots.awaitEmpty(waitDeadline);
      }
    } finally {
      for (PendingPublish p : slots.outstanding()) {
        finish(
            p,
            null,
            failures.of(
                Reason.CLOSED,
                p,
                "publisher "
                    + settings.name()
                    + " closed with the ack outstanding after "
                    + settings.closeTimeout(),
                null));
      }
      sweeper.cancel(false);
      // Every publish is now completed or queued for completion on the executor (finish() queues
      // before it stops counting): let the executor complete them before close() returns.
      if (!completions.awaitIdle(System.nanoTime() + settings.closeTimeout().toNanos())) {
        reporter.report(
            "close",
            "publisher "
                + settings.name()
                + " closed with "
                + completions.pending()
                + " futures not yet completed: the executor did not run them within "
                + settings.closeTimeout(),
            null,
            l -> {});
      }
      onClosed.run();
      meters.close();
    }
  }

  /**
   * The {@code publisher} tag of this publisher's meters: its name, or for the default name with
   * another live publisher on the stream, {@code default-2} and so on.
   */
  public String meterName() {
    return meters.meterName();
  }

  /** Slots held by unfinished publishes; for tests. */
  int occupiedSlots() {
    return slots.occupied();
  }

  @Override
  public String toString() {
    return "JetStreamPublisher["
        + settings.name()
        + ", stream="
        + settings.expectedStream()
        + ", inFlight="
        + slots.inFlight().get()
        + "/"
        + settings.maxInFlight()
        + (closed.get() ? ", closed]" : "]");
  }
}
