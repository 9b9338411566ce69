package dev.alchemist.ai.internal;

import dev.alchemist.ai.AiException;
import dev.alchemist.ai.AiListener;
import dev.alchemist.ai.ChunkPolicy;
import dev.alchemist.ai.ChunkStream;
import dev.alchemist.ai.StreamSummary;
import dev.alchemist.ai.TokenStream;
import dev.alchemist.core.flow.Ticker;
import java.util.ArrayList;
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
 * One model call shared by any number of subscribers, each behind its own {@link Chunker}. The hub
 * takes every token the upstream offers (demand {@code Long.MAX_VALUE}): back-pressure is absorbed
 * per subscriber by merging, bounded by {@link ChunkPolicy#maxPendingBytes()}. It keeps the text so
 * far for late subscribers and, when asked, the token list for the response cache.
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
  private final StringBuilder history = new StringBuilder(0);
  private final @Nullable List<String> recorded;
  private final CompletableFuture<StreamSummary> summary = new CompletableFuture<>();
  private final AtomicBoolean firstChunk = new AtomicBoolean();
  private Chunker[] chunkers = NONE;
  private boolean connected;
  private boolean done;
  private @Nullable AiException error;
  private boolean cancelRequested;
  private Flow.@Nullable Subscription upstreamSubscription;
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
    this.recorded = record ? new ArrayList<>() : null;
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

  /** The tokens received so far, when recording; used to fill the response cache. */
  public List<String> recordedTokens() {
    lock.lock();
    try {
      return recorded == null ? List.of() : List.copyOf(recorded);
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
      c.seed(history, ticker.read());
      ended = done;
      failure = error;
      if (!done) {
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
      subscription.request(Long.MAX_VALUE);
    }
  }

  @Override
  public void onNext(String token) {
    Chunker[] targets;
    lock.lock();
    try {
      if (done) {
        return;
      }
      history.append(token);
      if (recorded != null) {
        recorded.add(token);
      }
      targets = chunkers;
    } finally {
      lock.unlock();
    }
    long now = ticker.read();
    for (Chunker c : targets) {
      c.onToken(token, now);
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
