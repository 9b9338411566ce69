package dev.alchemist.ai.internal;

import dev.alchemist.ai.AiException;
import dev.alchemist.ai.AiListener;
import dev.alchemist.ai.StreamSummary;
import dev.alchemist.ai.StreamTimeouts;
import dev.alchemist.ai.TokenStream;
import dev.alchemist.core.Ticker;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demand, queue, timeout and metrics machinery shared by every token stream. Subclasses produce
 * tokens with {@link #token(String)} and end with {@link #complete()} or {@link
 * #fail(AiException)}; this class delivers them in order as demand allows, asks the subclass for
 * more with {@link #requestMore()} only when its queue is empty and the subscriber wants more (real
 * backpressure down to the socket), and runs one watchdog task per stream for the three timeouts.
 *
 * <p>The queue is bounded by what one {@code requestMore()} produces (one token for the simulated
 * model and the cache replay, at most two socket reads' tokens for HTTP): a producer must produce
 * only when asked. Until the first token arrives the stream asks for more whatever the demand, so
 * the first-token deadline and metric measure the model, not the subscriber. After it, the idle
 * deadline runs only while the stream waits for the producer on the subscriber's behalf (queue
 * empty, demand outstanding): a subscriber that simply holds no demand is never timed out as idle.
 *
 * <p>Thread-safety: producer callbacks, {@code request}, {@code cancel} and the watchdog may run on
 * different threads; state is guarded by a lock held only for queue operations, and signals are
 * serialized by a work-in-progress counter, never delivered while holding the lock.
 *
 * <p>The timer task lives in {@link StreamWatchdog} and the failures the stream raises itself in
 * {@link StreamFailures}. The rest stays in one file, a little over 400 lines, on purpose: the
 * subscription, the drain loop and the deadline check read and write the same lock-guarded state
 * (demand, queue, pause, idle start), and splitting them would spread that lock's invariants over
 * several files.
 */
public abstract class AbstractTokenStream implements TokenStream, Flow.Subscription {
  private static final Logger LOG = LoggerFactory.getLogger(AbstractTokenStream.class);
  private static final AtomicBoolean SUBSCRIBER_FAILURE_LOGGED = new AtomicBoolean();

  protected final String model;
  protected final StreamMetrics metrics;
  protected final StreamMetrics.ModelMeters meters;
  protected final StreamTimeouts timeouts;
  protected final ScheduledExecutorService scheduler;
  protected final Ticker ticker;
  protected final AiListener listener;

  private final ReentrantLock lock = new ReentrantLock();
  private final ArrayDeque<String> queue = new ArrayDeque<>(4);
  private final AtomicInteger wip = new AtomicInteger();
  private final AtomicBoolean subscribed = new AtomicBoolean();
  private final AtomicBoolean finished = new AtomicBoolean();
  private final CompletableFuture<StreamSummary> summary = new CompletableFuture<>();
  private Flow.@Nullable Subscriber<? super String> downstream;
  private long demand;
  // Written under the lock; volatile so that isDone(), which producers call before every token,
  // reads them without taking it (under load the lock was contended and its hand-off cost more
  // than the token).
  private volatile boolean cancelled;
  private volatile boolean terminalQueued;
  private @Nullable AiException error;
  private boolean terminated;
  private volatile boolean started;

  // Written by the producer thread, read by the watchdog: volatile.
  private volatile long startNanos;
  private volatile long firstTokenNanos;
  // Start of the current wait for the producer: the last token's arrival, or the moment the
  // subscriber's demand ended a pause. The idle deadline counts from here, never while paused.
  private volatile long idleSince;
  // The subscriber holds no demand for what is (or would be) queued; guarded by lock, read by the
  // watchdog without it.
  private volatile boolean paused;
  private volatile long tokens;
  private final StreamWatchdog watchdog;

  protected @Nullable String finishReason;
  protected long promptTokens = -1;
  protected long completionTokens = -1;
  protected @Nullable Duration loadDuration;

  protected AbstractTokenStream(
      String model,
      StreamMetrics metrics,
      StreamTimeouts timeouts,
      ScheduledExecutorService scheduler,
      Ticker ticker,
      AiListener listener) {
    this.model = model;
    this.metrics = metrics;
    this.meters = metrics.model(model);
    this.timeouts = timeouts;
    this.scheduler = scheduler;
    this.ticker = ticker;
    this.listener = listener;
    this.watchdog = new StreamWatchdog(lock, scheduler, this::isDone, this::checkDeadlines);
  }

  /** Starts the call; runs once, on the subscribing thread, after {@code onSubscribe}. */
  protected abstract void start();

  /** The subscriber wants more and the queue is empty: produce (or read) more. */
  protected abstract void requestMore();

  /** Releases the call (closes the HTTP stream, cancels timers); may run more than once. */
  protected abstract void release();

  @Override
  public final CompletableFuture<StreamSummary> summary() {
    return summary;
  }

  @Override
  public final void subscribe(Flow.Subscriber<? super String> subscriber) {
    if (!subscribed.compareAndSet(false, true)) {
      subscriber.onSubscribe(NoopSubscription.INSTANCE);
      subscriber.onError(
          new IllegalStateException(
              "a token stream has one subscriber; use ChatStreamer for fan-out"));
      return;
    }
    downstream = subscriber;
    startNanos = ticker.read();
    metrics.opened();
    subscriber.onSubscribe(this);
    watchdog.arm(timeouts.firstToken().toNanos());
    if (!isDone()) {
      start();
      // Demand given inside onSubscribe waited for start(); serve it now.
      started = true;
      drain();
    }
  }

  @Override
  public final void request(long n) {
    if (n <= 0) {
      fail(StreamFailures.badRequest(n));
      return;
    }
    lock.lock();
    try {
      demand = demand + n < 0 ? Long.MAX_VALUE : demand + n;
    } finally {
      lock.unlock();
    }
    drain();
  }

  @Override
  public final void cancel() {
    lock.lock();
    try {
      if (cancelled || terminated) {
        return;
      }
      cancelled = true;
      queue.clear();
    } finally {
      lock.unlock();
    }
    release();
    watchdog.cancel();
    end("cancelled", StreamFailures.cancelled(metrics.provider(), model, tokens));
  }

  /** Whether this stream replays a cached answer; reported in the summary. */
  protected boolean cachedReplay() {
    return false;
  }

  /**
   * Whether the stream was cancelled or ended: a hint for producers, read without the lock; {@link
   * #token} checks again under it.
   */
  protected final boolean isDone() {
    return cancelled || terminalQueued;
  }

  /** Tokens received so far. */
  protected final long tokens() {
    return tokens;
  }

  /** Nanos since the subscription (the request). */
  protected final long elapsedNanos() {
    return ticker.read() - startNanos;
  }

  /** Records the first response byte (the headers). */
  protected final void firstByte() {
    meters.firstByte.record(elapsedNanos(), TimeUnit.NANOSECONDS);
  }

  /** Queues one token for delivery. */
  protected final void token(String text) {
    long now = ticker.read();
    lock.lock();
    try {
      if (cancelled || terminalQueued) {
        return;
      }
      queue.add(text);
    } finally {
      lock.unlock();
    }
    idleSince = now;
    if (tokens++ == 0) {
      firstTokenNanos = now;
      meters.firstToken.record(now - startNanos, TimeUnit.NANOSECONDS);
      // The watchdog waits for the first-token deadline; from now on the idle deadline rules.
      watchdog.cancel();
      watchdog.arm(
          Math.min(timeouts.idle().toNanos(), timeouts.total().toNanos() - (now - startNanos)));
    }
    meters.tokens.increment();
    drain();
  }

  /**
   * The producer made progress without a token (a socket read that held only part of a line): asks
   * for more through {@link #requestMore()} if the queue is empty and the subscriber still wants
   * more, and does nothing otherwise.
   */
  protected final void wantMore() {
    drain();
  }

  /** Ends the stream normally once the queued tokens are delivered. */
  protected final void complete() {
    terminal(null);
  }

  /**
   * Ends the stream with {@code failure} once the queued tokens (the partial text) are delivered.
   */
  protected final void fail(AiException failure) {
    terminal(failure.withTokensDelivered(tokens));
  }

  private void terminal(@Nullable AiException failure) {
    lock.lock();
    try {
      if (cancelled || terminalQueued) {
        return;
      }
      terminalQueued = true;
      error = failure;
    } finally {
      lock.unlock();
    }
    watchdog.cancel();
    if (failure != null) {
      release();
    }
    drain();
  }

  private void drain() {
    if (wip.getAndIncrement() != 0) {
      return;
    }
    int missed = 1;
    Flow.Subscriber<? super String> s = downstream;
    for (; ; ) {
      for (; ; ) {
        String next = null;
        boolean signalEnd = false;
        boolean needMore = false;
        AiException failure = null;
        lock.lock();
        try {
          if (cancelled || terminated) {
            break;
          }
          if (!queue.isEmpty()) {
            if (demand > 0) {
              next = queue.poll();
              if (demand != Long.MAX_VALUE) {
                demand--;
              }
            } else {
              paused = true;
            }
          } else if (terminalQueued) {
            terminated = true;
            signalEnd = true;
            failure = error;
          } else {
            // Before the first token, read on whatever the demand (the first-token deadline is the
            // model's); after it, only for a subscriber that wants more.
            needMore = started && (demand > 0 || tokens == 0);
            if (demand == 0) {
              paused = true;
            } else if (paused) {
              idleSince = ticker.read();
              paused = false;
            }
          }
        } finally {
          lock.unlock();
        }
        if (next != null && s != null) {
          try {
            s.onNext(next);
          } catch (RuntimeException e) {
            subscriberFailed(e);
            break;
          }
          continue;
        }
        if (signalEnd && s != null) {
          if (failure == null) {
            end("success", null);
            s.onComplete();
          } else {
            end(failure.reason().name().toLowerCase(Locale.ROOT), failure);
            s.onError(failure);
          }
        } else if (needMore) {
          requestMore();
        }
        break;
      }
      missed = wip.addAndGet(-missed);
      if (missed == 0) {
        return;
      }
    }
  }

  private void subscriberFailed(RuntimeException e) {
    if (SUBSCRIBER_FAILURE_LOGGED.compareAndSet(false, true)) {
      LOG.warn("a token stream subscriber threw from onNext; its stream is cancelled", e);
    }
    try {
      listener.onSubscriberFailure(e);
    } catch (RuntimeException ignored) {
      // a listener must not break the stream's cleanup
    }
    cancel();
  }

  private void end(String outcome, @Nullable AiException failure) {
    if (!finished.compareAndSet(false, true)) {
      return;
    }
    long now = ticker.read();
    metrics.closed();
    meters.ended(outcome, now - startNanos);
    if (failure != null) {
      summary.completeExceptionally(failure);
      return;
    }
    long first = tokens > 0 ? firstTokenNanos - startNanos : now - startNanos;
    StreamSummary result =
        new StreamSummary(
            metrics.provider(),
            model,
            finishReason,
            tokens,
            promptTokens,
            completionTokens,
            Duration.ofNanos(first),
            Duration.ofNanos(now - startNanos),
            loadDuration,
            cachedReplay());
    if (result.tokensPerSecond() > 0) {
      meters.tokenRate.record(result.tokensPerSecond());
    }
    summary.complete(result);
  }

  // ---- timeouts: one watchdog task per stream, re-armed to the nearest deadline ----

  private void checkDeadlines() {
    long now = ticker.read();
    long elapsed = now - startNanos;
    long total = timeouts.total().toNanos();
    if (elapsed >= total) {
      timeout(AiException.Timeout.TOTAL, timeouts.total());
      return;
    }
    long next;
    if (tokens == 0) {
      long first = timeouts.firstToken().toNanos();
      if (elapsed >= first) {
        timeout(AiException.Timeout.FIRST_TOKEN, timeouts.firstToken());
        return;
      }
      next = first - elapsed;
    } else {
      long idle = timeouts.idle().toNanos();
      if (paused) {
        // Waiting on the subscriber, not the model: look again in one idle period.
        next = idle;
      } else {
        long quiet = now - idleSince;
        if (quiet >= idle) {
          timeout(AiException.Timeout.IDLE, timeouts.idle());
          return;
        }
        next = idle - quiet;
      }
    }
    watchdog.arm(Math.min(next, total - elapsed));
  }

  private void timeout(AiException.Timeout which, Duration limit) {
    fail(StreamFailures.timedOut(which, limit, metrics.provider(), model, tokens));
  }
}
