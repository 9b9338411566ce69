package dev.alchemist.nats.internal;

import dev.alchemist.core.Checks;
import dev.alchemist.core.DomainEvent;
import dev.alchemist.core.Ticker;
import dev.alchemist.core.codec.Codec;
import dev.alchemist.core.internal.OwnedMeters;
import dev.alchemist.core.internal.SerialExecutor;
import dev.alchemist.nats.JetStreamPublisher;
import dev.alchemist.nats.JetStreamPublisherSettings;
import dev.alchemist.nats.OverflowPolicy;
import dev.alchemist.nats.PublishException;
import dev.alchemist.nats.PublishException.Reason;
import dev.alchemist.nats.PublishReceipt;
import dev.alchemist.nats.Subject;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.api.PublishAck;
import io.nats.client.impl.Headers;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
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
 */
public final class BoundedJetStreamPublisher implements JetStreamPublisher {
  private static final long CLOSE_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

  private final JetStreamPublisherSettings settings;
  private final Connection connection;
  private final JetStream jetStream;
  private final Codec<DomainEvent> codec;
  private final EventMessages.HeaderCache headerCache;
  private final Executor executor;
  private final ScheduledExecutorService scheduler;
  private final Reporter reporter;
  private final Runnable onClosed;
  private final Semaphore permits;
  private final SerialExecutor completions;
  private final AtomicReferenceArray<@Nullable Pending> slots;
  private final AtomicInteger nextSlot = new AtomicInteger();
  private final Ticker ticker;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final ScheduledFuture<?> sweeper;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final long ackTimeoutNanos;
  private final long maxRetryNanos;

  private final Counter published;
  private final Counter acked;
  private final Counter duplicates;
  private final Counter retries;
  private final Map<Reason, Counter> failed = new EnumMap<>(Reason.class);
  private final Timer ackLatency;
  private final OwnedMeters meters;
  private final String meterName;

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
    this.slots = new AtomicReferenceArray<>(settings.maxInFlight());
    this.reporter = reporter;
    this.onClosed = onClosed;
    this.permits = new Semaphore(settings.maxInFlight());
    this.completions = new SerialExecutor(executor);
    this.ackTimeoutNanos = settings.ackTimeout().toNanos();
    this.maxRetryNanos = settings.maxRetryTime().toNanos();
    String stream = settings.expectedStream() == null ? "any" : settings.expectedStream();
    this.meters = OwnedMeters.of(registry, "publisher " + settings.name() + " on stream " + stream);
    // The gauge first, so that a refusal leaves nothing registered. Under the default name a
    // second live publisher on the stream reports as default-2 (as HikariCP numbers its pools);
    // a name the host chose is refused instead, since the host meant one publisher by it.
    Function<String, Gauge.Builder<?>> inFlightGauge =
        n ->
            Gauge.builder("alchemist.nats.in.flight", inFlight, AtomicInteger::get)
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
    return inFlight.get();
  }

  @Override
  public CompletableFuture<PublishReceipt> publish(
      Subject subject, DomainEvent event, @Nullable String traceId) {
    Checks.notNull("subject", subject);
    Checks.notNull("event", event);
    String name = subject.toString();
    if (closed.get()) {
      return failedNow(Reason.CLOSED, name, "publisher " + settings.name() + " is closed", null);
    }
    if (!acquire()) {
      String how =
          settings.overflowPolicy() == OverflowPolicy.FAIL_FAST
              ? ""
              : " for longer than " + settings.blockTimeout();
      return failedNow(
          Reason.IN_FLIGHT_LIMIT,
          name,
          "maxInFlight ("
              + settings.maxInFlight()
              + ") acks outstanding"
              + how
              + " on publisher "
              + settings.name()
              + ": inFlight="
              + inFlight.get(),
          null);
    }
    byte[] data;
    try {
      data = codec.encode(event);
    } catch (RuntimeException e) {
      permits.release();
      return failedNow(
          Reason.ENCODE_FAILED,
          name,
          "cannot encode event " + event.id() + ": " + e.getMessage(),
          e);
    }
    Headers headers = headerCache.headers(subject, traceId, event.id().toString());
    Pending p = new Pending(this, name, headers, data, ticker.read());
    // Counted before closed is read again: close() sets closed before it reads inFlight, so either
    // close() waits for p, or we see closed here (a Dekker handshake on two volatiles).
    inFlight.incrementAndGet();
    claimSlot(p);
    if (closed.get()) {
      // close() began after the first check and may have scanned the slots before p was in one.
      // Fail p here, on the caller's thread (nothing is attached yet), so it is complete on return.
      if (p.finishStage() >= 0) {
        failed.get(Reason.CLOSED).increment();
        p.result.completeExceptionally(
            failure(Reason.CLOSED, p, "publisher " + settings.name() + " is closed", null));
        release(p);
      }
      return p.result;
    }
    published.increment();
    send(p);
    return p.result;
  }

  private boolean acquire() {
    if (permits.tryAcquire()) {
      return true;
    }
    if (settings.overflowPolicy() == OverflowPolicy.FAIL_FAST) {
      return false;
    }
    try {
      return permits.tryAcquire(settings.blockTimeout().toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /**
   * Puts {@code p} in a free slot. The caller holds a permit and a slot is freed before its permit
   * is released, so a free slot exists; the rotating start keeps the search short. The index is
   * written before the CAS that makes {@code p} visible, so whoever finds {@code p} in the array
   * (close(), connectionClosed(), the sweeper) reads its own slot, never another publish's.
   */
  private void claimSlot(Pending p) {
    int n = slots.length();
    int i = Math.floorMod(nextSlot.getAndIncrement(), n);
    while (true) {
      p.slot = i;
      if (slots.compareAndSet(i, null, p)) {
        return;
      }
      i = i + 1 == n ? 0 : i + 1;
    }
  }

  /**
   * Gives back what a finished publish held: its slot (only if it still holds it), its count in
   * {@code inFlight}, then its permit, so a publish holding a permit always finds a free slot.
   */
  private void release(Pending p) {
    slots.compareAndSet(p.slot, p, null);
    if (inFlight.decrementAndGet() == 0 && closed.get()) {
      Thread waiting = closer;
      if (waiting != null) {
        LockSupport.unpark(waiting); // close() is waiting for the last ack
      }
    }
    permits.release();
  }

  /** Sends one attempt; the caller owns {@code p} (its stage is 0). */
  private void send(Pending p) {
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

  private void attemptFailed(Pending p, Throwable error) {
    Throwable cause = unwrap(error);
    if (connection.getStatus() == Connection.Status.CLOSED) {
      finish(p, null, failure(Reason.CONNECTION_CLOSED, p, "the connection is closed", cause));
      return;
    }
    if (!retryable(cause)) {
      finish(
          p,
          null,
          failure(Reason.REJECTED, p, "JetStream refused the event: " + cause.getMessage(), cause));
      return;
    }
    long now = ticker.read();
    long delay = backoffNanos(p.attempts);
    boolean pastClose = closed.get() && now + delay - closeDeadline > 0;
    if (pastClose || now + delay - p.start > maxRetryNanos) {
      Reason reason = pastClose ? Reason.CLOSED : Reason.TIMED_OUT;
      String why =
          pastClose
              ? "publisher " + settings.name() + " closed before an ack arrived"
              : "no ack within maxRetryTime " + settings.maxRetryTime();
      finish(p, null, failure(reason, p, why + " (" + p.attempts + " attempts): " + cause, cause));
      return;
    }
    retries.increment();
    try {
      scheduler.schedule(() -> resend(p), delay, TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      finish(p, null, failure(Reason.CLOSED, p, "the scheduler is shut down", e));
    }
  }

  private void resend(Pending p) {
    if (p.stage() < 0) {
      return;
    }
    if (closed.get() && ticker.read() - closeDeadline > 0) {
      finish(p, null, failure(Reason.CLOSED, p, "publisher " + settings.name() + " closed", null));
      return;
    }
    send(p);
  }

  private volatile long closeDeadline = Long.MAX_VALUE;
  private volatile @Nullable Thread closer;

  private long backoffNanos(int attempts) {
    long initial = settings.retryBackoff().toNanos();
    long max = settings.maxRetryBackoff().toNanos();
    int shift = Math.min(attempts - 1, 20);
    long delay = initial << shift;
    return delay <= 0 || delay > max ? max : delay;
  }

  private static boolean retryable(Throwable cause) {
    if (cause instanceof CancellationException || cause instanceof TimeoutException) {
      return true; // jnats timed the request out, or it was cancelled on 503
    }
    if (cause instanceof JetStreamApiException) {
      return false; // the stream answered: wrong stream, limits, ...
    }
    if (cause instanceof IOException) {
      String message = String.valueOf(cause.getMessage());
      return message.contains("503") || message.contains("No Responders");
    }
    // IllegalStateException from publishAsync: reconnect buffer full, or output queue full
    return cause instanceof IllegalStateException;
  }

  private static Throwable unwrap(Throwable error) {
    Throwable t = error;
    while ((t instanceof CompletionException
            || t instanceof ExecutionException
            || (t instanceof RuntimeException && t.getClass() == RuntimeException.class))
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  /** Finds attempts whose ack is overdue and treats them as timed out. */
  private void sweep() {
    try {
      long now = ticker.read();
      for (int i = 0, n = slots.length(); i < n; i++) {
        Pending p = slots.get(i);
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

  private PublishException failure(
      Reason reason, Pending p, String message, @Nullable Throwable cause) {
    // jnats' messages may carry a server URL with its credentials
    Redactor redactor = reporter.redactor();
    return new PublishException(
        reason,
        p.subject,
        p.attempts,
        "publish to " + p.subject + " failed: " + redactor.redactText(message),
        redactor.redact(cause));
  }

  /**
   * Completes a publish once: records metrics, completes the future (inline if nothing is attached,
   * else on the executor), and only then releases its slot, count and permit. close() waits for
   * {@code inFlight} to drop to zero and then for the completion queue, so a publish must be
   * completed or queued before it stops counting: otherwise close() could return in between.
   */
  private void finish(Pending p, @Nullable PublishAck ack, @Nullable PublishException error) {
    if (p.finishStage() < 0) {
      return; // already finished
    }
    if (error == null && ack != null) {
      acked.increment();
      if (ack.isDuplicate()) {
        duplicates.increment();
      }
      ackLatency.record(ticker.read() - p.start, TimeUnit.NANOSECONDS);
      p.receipt =
          new PublishReceipt(ack.getStream(), ack.getSeqno(), ack.isDuplicate(), p.attempts);
    } else {
      PublishException e =
          error != null ? error : failure(Reason.REJECTED, p, "no ack and no error", null);
      failed.get(e.reason()).increment();
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
      release(p);
    }
  }

  /** Runs on the executor (see {@link Pending#run()}): completes the future, reports a failure. */
  private void complete(Pending p) {
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

  private CompletableFuture<PublishReceipt> failedNow(
      Reason reason, String subject, String message, @Nullable Throwable cause) {
    PublishException e =
        new PublishException(
            reason, subject, 0, "publish to " + subject + " failed: " + message, cause);
    failed.get(reason).increment();
    return CompletableFuture.failedFuture(e);
  }

  /** Fails every outstanding publish: the connection is closed for good. */
  public void connectionClosed() {
    for (Pending p : outstanding()) {
      finish(p, null, failure(Reason.CONNECTION_CLOSED, p, "the NATS connection closed", null));
    }
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    long deadline = ticker.read() + settings.closeTimeout().toNanos();
    closeDeadline = deadline;
    closer = Thread.currentThread();
    try {
      while (inFlight.get() > 0 && ticker.read() - deadline < 0) {
        if (connection.getStatus() == Connection.Status.CLOSED
            || Thread.currentThread().isInterrupted()) {
          break;
        }
        // release() unparks us when the last publish finishes; the timeout re-reads the ticker
        LockSupport.parkNanos(this, CLOSE_POLL_NANOS);
      }
    } finally {
      for (Pending p : outstanding()) {
        finish(
            p,
            null,
            failure(
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
    return meterName;
  }

  private List<Pending> outstanding() {
    List<Pending> list = new ArrayList<>();
    for (int i = 0, n = slots.length(); i < n; i++) {
      Pending p = slots.get(i);
      if (p != null) {
        list.add(p);
      }
    }
    return list;
  }

  /** Slots held by unfinished publishes; for tests. */
  int occupiedSlots() {
    int n = 0;
    for (int i = 0; i < slots.length(); i++) {
      if (slots.get(i) != null) {
        n++;
      }
    }
    return n;
  }

  @Override
  public String toString() {
    return "JetStreamPublisher["
        + settings.name()
        + ", stream="
        + settings.expectedStream()
        + ", inFlight="
        + inFlight.get()
        + "/"
        + settings.maxInFlight()
        + (closed.get() ? ", closed]" : "]");
  }

  /** One publish across its attempts, and the task that completes its future. */
  private static final class Pending implements Runnable {
    private static final VarHandle STAGE;

    static {
      try {
        STAGE = MethodHandles.lookup().findVarHandle(Pending.class, "stage", int.class);
      } catch (ReflectiveOperationException e) {
        throw new ExceptionInInitializerError(e);
      }
    }

    final BoundedJetStreamPublisher owner;
    final String subject;
    final Headers headers;
    final byte[] data;
    final long start;
    final ReceiptFuture result = new ReceiptFuture();

    /** The attempt whose outcome is awaited; 0 between attempts; -1 when done. */
    @SuppressWarnings("unused") // accessed through STAGE
    private volatile int stage;

    int slot;
    volatile int attempts;
    volatile long attemptDeadline;
    volatile @Nullable CompletableFuture<PublishAck> current;
    // Written before the completion is queued, read by run(): the queue publishes them safely.
    @Nullable PublishReceipt receipt;
    @Nullable PublishException error;

    Pending(
        BoundedJetStreamPublisher owner, String subject, Headers headers, byte[] data, long start) {
      this.owner = owner;
      this.subject = subject;
      this.headers = headers;
      this.data = data;
      this.start = start;
    }

    int stage() {
      return (int) STAGE.getVolatile(this);
    }

    boolean casStage(int expected, int next) {
      return STAGE.compareAndSet(this, expected, next);
    }

    /** Marks it done; returns the stage before. */
    int finishStage() {
      return (int) STAGE.getAndSet(this, -1);
    }

    @Override
    public void run() {
      owner.complete(this);
    }
  }
}
