package dev.alchemist.ai.internal;

import dev.alchemist.ai.AiException;
import dev.alchemist.ai.AiListener;
import dev.alchemist.ai.ChunkPolicy;
import dev.alchemist.ai.ChunkStream;
import dev.alchemist.ai.StreamSummary;
import dev.alchemist.ai.TokenStream;
import dev.alchemist.core.Ticker;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One model call shared by any number of subscribers, each behind its own {@link Chunker}.
 *
 * <p>Demand: the hub asks the upstream for one token at a time, and only while at least one
 * subscriber has room, that is fewer than {@link ChunkPolicy#maxPendingBytes()} bytes pending. A
 * subscriber without demand merges tokens into its pending chunk up to that bound; when no
 * subscriber has room the hub stops asking, so the model stream (for HTTP: the socket) pauses. A
 * subscriber that is already full when a token arrives for a faster one fails with {@code
 * OVERFLOW}: one slow dashboard never stalls the others, and never loses text silently.
 *
 * <p>Replay: for late subscribers the hub keeps the text so far (as the token list when recording
 * for the response cache, else as text) while it is at most {@code maxPendingBytes}, the most any
 * subscriber may hold pending anyway. Once the answer outgrows it the hub drops that copy: a
 * subscriber arriving later fails at once with {@code OVERFLOW} (it cannot be given the whole
 * text), and the answer is not recorded for the cache. That copy and its bound are kept in {@link
 * ReplayCopy}.
 */
public final class StreamHub implements ChunkStream, Flow.Subscriber<String> {
  private static final Logger LOG = LoggerFactory.getLogger(StreamHub.class);
  private static final AtomicBoolean SUBSCRIBER_FAILURE_LOGGED = new AtomicBoolean();
  private static final Chunker[] NONE = new Chunker[0];

  private final TokenStream upstream;
  private final ChunkPolicy policy;
  final ScheduledExecutorService scheduler;
  final Executor executor;
  final Ticker ticker;
  private final ChunkMetrics.Meters meters;
  private final AiListener listener;
  private final java.util.function.BooleanSupplier cached;
  private final ReentrantLock lock = new ReentrantLock();
  private final ReplayCopy replay; // guarded by lock
  // A token has been requested from upstream and not yet received; at most one is outstanding.
  // Starts true: onSubscribe makes the first request.
  private final AtomicBoolean requested = new AtomicBoolean(true);
  private final CompletableFuture<StreamSummary> summary = new CompletableFuture<>();
  private final AtomicBoolean firstChunk = new AtomicBoolean();
  private Chunker[] chunkers = NONE;
  private boolean connected;
  private boolean done;
  private @Nullable AiException error;
  private boolean cancelRequested;
  private volatile Flow.@Nullable Subscription upstreamSubscription;
  private volatile long connectNanos;

  public StreamHub(
      TokenStream upstream,
      ChunkPolicy policy,
      ScheduledExecutorService scheduler,
      Ticker ticker,
      ChunkMetrics.Meters meters,
      AiListener listener,
      boolean record,
      java.util.function.BooleanSupplier cached,
      Executor executor) {
    this.upstream = upstream;
    this.executor = executor;
    this.policy = policy;
    this.scheduler = scheduler;
    this.ticker = ticker;
    this.meters = meters;
    this.listener = listener;
    this.cached = cached;
    this.replay = new ReplayCopy(policy.maxPendingBytes(), record);
    upstream
        .summary()
        .whenComplete(
            (s, e) -> {
              if (e == null) {
                summary.complete(s);
              } else {
                summary.completeExceptionally(e);
              }
            });
  }

  /**
   * The tokens received so far, when recording; used to fill the response cache. Empty when the
   * answer outgrew the replay bound (see {@link #recordedInFull()}).
   */
  public List<String> recordedTokens() {
    lock.lock();
    try {
      return replay.recordedTokens();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Whether {@link #recordedTokens()} holds the whole answer: false when not recording or when the
   * answer outgrew {@code maxPendingBytes} and the copy was dropped. Only a whole answer is cached.
   */
  public boolean recordedInFull() {
    lock.lock();
    try {
      return replay.recordedInFull();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Whether a late subscriber would still get the whole answer so far (the replay copy has not
   * outgrown {@code maxPendingBytes}); single-flight shares only such a stream.
   */
  public boolean replayable() {
    lock.lock();
    try {
      return !replay.dropped();
    } finally {
      lock.unlock();
    }
  }

  /** UTF-8 bytes kept for late subscribers; 0 once dropped. */
  int replayBytes() {
    lock.lock();
    try {
      return replay.bytes();
    } finally {
      lock.unlock();
    }
  }

  /** Subscribers registered now. */
  int subscribers() {
    lock.lock();
    try {
      return chunkers.length;
    } finally {
      lock.unlock();
    }
  }

  /** Starts the model call if nobody has yet, so that waiting for the summary cannot hang. */
  @Override
  public CompletableFuture<StreamSummary> summary() {
    boolean connect;
    lock.lock();
    try {
      connect = !connected && !done;
      connected = true;
    } finally {
      lock.unlock();
    }
    if (connect) {
      connect();
    }
    return summary;
  }

  /** The summary without starting the call: for bookkeeping that must not start it. */
  public CompletableFuture<StreamSummary> result() {
    return summary;
  }

  private void connect() {
    connectNanos = ticker.read();
    upstream.subscribe(this);
  }

  @Override
  public boolean cached() {
    return cached.getAsBoolean();
  }

  @Override
  public void subscribe(Flow.Subscriber<? super String> subscriber) {
    Chunker c = new Chunker(this, subscriber, policy);
    subscriber.onSubscribe(c);
    boolean connect = false;
    boolean ended;
    AiException failure;
    lock.lock();
    try {
      if (c.isCancelled()) {
        // Cancelled inside onSubscribe: register nothing and start no model call for nobody.
        return;
      }
      if (replay.dropped()) {
        ended = true;
        failure = replay.lost();
      } else {
        c.seed(replay.soFar(), ticker.read());
        ended = done;
        failure = error;
      }
      if (!ended) {
        Chunker[] next = Arrays.copyOf(chunkers, chunkers.length + 1);
        next[chunkers.length] = c;
        chunkers = next;
        if (!connected) {
          connected = true;
          connect = true;
        }
      }
    } finally {
      lock.unlock();
    }
    if (ended) {
      c.upstreamEnded(failure);
    } else {
      c.kick();
    }
    if (connect) {
      connect();
    } else if (!ended && c.hasRoom()) {
      // A newcomer with room may be the only one: ask on its behalf.
      pull();
    }
  }

  /**
   * A subscriber has room (it just took a chunk, or joined): ask the upstream for the next token
   * unless one is already on its way.
   */
  void pull() {
    if (requested.get() || !requested.compareAndSet(false, true)) {
      return;
    }
    Flow.Subscription s = upstreamSubscription;
    if (s != null) {
      s.request(1);
    }
  }

  @Override
  public void cancel() {
    cancelUpstream(
        new AiException(AiException.Reason.CANCELLED, "the chunk stream was cancelled"), true);
  }

  private void cancelUpstream(AiException reason, boolean notify) {
    Flow.Subscription s;
    Chunker[] targets;
    lock.lock();
    try {
      if (done) {
        return;
      }
      done = true;
      error = reason;
      cancelRequested = true;
      s = upstreamSubscription;
      targets = chunkers;
      chunkers = NONE;
    } finally {
      lock.unlock();
    }
    if (s != null) {
      s.cancel();
    } else {
      summary.completeExceptionally(reason);
    }
    if (notify) {
      for (Chunker c : targets) {
        c.upstreamEnded(reason);
      }
    }
  }

  /** A subscriber left (cancelled, overflowed or ended); the last one out cancels the call. */
  void detach(Chunker c) {
    boolean last;
    lock.lock();
    try {
      int i = Arrays.asList(chunkers).indexOf(c);
      if (i < 0) {
        return;
      }
      Chunker[] next = new Chunker[chunkers.length - 1];
      System.arraycopy(chunkers, 0, next, 0, i);
      System.arraycopy(chunkers, i + 1, next, i, chunkers.length - i - 1);
      chunkers = next;
      last = next.length == 0 && connected && !done;
    } finally {
      lock.unlock();
    }
    if (last) {
      cancelUpstream(
          new AiException(AiException.Reason.CANCELLED, "every subscriber left the stream"), false);
    }
  }

  void delivered(long bufferDelayNanos) {
    meters.chunks.increment();
    meters.bufferDelay.record(bufferDelayNanos, TimeUnit.NANOSECONDS);
    if (!firstChunk.get() && firstChunk.compareAndSet(false, true)) {
      meters.firstChunk.record(ticker.read() - connectNanos, TimeUnit.NANOSECONDS);
    }
  }

  void overflowed() {
    meters.overflows.increment();
  }

  void subscriberFailed(RuntimeException e) {
    if (SUBSCRIBER_FAILURE_LOGGED.compareAndSet(false, true)) {
      LOG.warn("a chunk subscriber threw from onNext; its subscription is cancelled", e);
    }
    try {
      listener.onSubscriberFailure(e);
    } catch (RuntimeException ignored) {
      // the listener must not break cleanup
    }
  }

  // ---- upstream ----

  @Override
  public void onSubscribe(Flow.Subscription subscription) {
    boolean cancelNow;
    lock.lock();
    try {
      upstreamSubscription = subscription;
      cancelNow = cancelRequested;
    } finally {
      lock.unlock();
    }
    if (cancelNow) {
      subscription.cancel();
    } else {
      // The first subscriber has room; later requests follow room (see pull and onNext).
      subscription.request(1);
    }
  }

  @Override
  public void onNext(String token) {
    requested.set(false);
    Chunker[] targets;
    lock.lock();
    try {
      if (done) {
        return;
      }
      replay.add(token);
      targets = chunkers;
    } finally {
      lock.unlock();
    }
    long now = ticker.read();
    boolean room = false;
    for (Chunker c : targets) {
      room |= c.onToken(token, now);
    }
    // With no subscriber yet (summary() started the call), nobody's buffer bounds the call: read
    // on, so that the summary completes; what a late subscriber gets is bounded by the replay copy.
    if (room || targets.length == 0) {
      pull();
    }
  }

  @Override
  public void onError(Throwable throwable) {
    AiException failure =
        throwable instanceof AiException a
            ? a
            : new AiException(AiException.Reason.STREAM, "model stream failed", throwable);
    end(failure);
  }

  @Override
  public void onComplete() {
    end(null);
  }

  private void end(@Nullable AiException failure) {
    Chunker[] targets;
    lock.lock();
    try {
      if (done) {
        return;
      }
      done = true;
      error = failure;
      targets = chunkers;
      chunkers = NONE;
    } finally {
      lock.unlock();
    }
    for (Chunker c : targets) {
      c.upstreamEnded(failure);
    }
  }
}
