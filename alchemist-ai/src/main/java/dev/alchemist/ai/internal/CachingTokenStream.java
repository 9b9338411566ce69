package dev.alchemist.ai.internal;

import dev.alchemist.ai.AiListener;
import dev.alchemist.ai.CachedResponse;
import dev.alchemist.ai.ChatModel;
import dev.alchemist.ai.ChatRequest;
import dev.alchemist.ai.StreamSummary;
import dev.alchemist.ai.TokenStream;
import dev.alchemist.core.Ticker;
import io.micrometer.core.instrument.Counter;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A token stream that looks the request up in the response store when subscribed, and either
 * replays the hit or calls the model. A store failure counts as a miss: the cache never fails an
 * answer.
 */
public final class CachingTokenStream implements TokenStream {
  private static final Logger LOG = LoggerFactory.getLogger(CachingTokenStream.class);
  private static final AtomicBoolean STORE_FAILURE_LOGGED = new AtomicBoolean();

  private final dev.alchemist.ai.ResponseCache cache;
  private final String key;
  private final ChatModel model;
  private final ChatRequest request;
  private final StreamMetrics replayMetrics;
  private final ScheduledExecutorService scheduler;
  private final Ticker ticker;
  private final AiListener listener;
  private final Counter hits;
  private final Counter misses;
  private final Counter storeErrors;
  private final CompletableFuture<StreamSummary> summary = new CompletableFuture<>();
  private final AtomicBoolean subscribed = new AtomicBoolean();
  private volatile boolean replayed;

  public CachingTokenStream(
      dev.alchemist.ai.ResponseCache cache,
      String key,
      ChatModel model,
      ChatRequest request,
      StreamMetrics replayMetrics,
      ScheduledExecutorService scheduler,
      Ticker ticker,
      AiListener listener) {
    this.cache = cache;
    this.key = key;
    this.model = model;
    this.request = request;
    this.replayMetrics = replayMetrics;
    this.scheduler = scheduler;
    this.ticker = ticker;
    this.listener = listener;
    this.hits = counter("hit");
    this.misses = counter("miss");
    this.storeErrors = counter("store_error");
  }

  private Counter counter(String result) {
    return replayMetrics.shared(
        Counter.builder("alchemist.ai.cache.requests")
                .description("Response cache lookups by result")
                .tag("result", result)
            ::register);
  }

  /** Whether the answer came from the cache (known once the lookup finished). */
  public boolean replayed() {
    return replayed;
  }

  @Override
  public CompletableFuture<StreamSummary> summary() {
    return summary;
  }

  @Override
  public void subscribe(Flow.Subscriber<? super String> subscriber) {
    if (!subscribed.compareAndSet(false, true)) {
      subscriber.onSubscribe(NoopSubscription.INSTANCE);
      subscriber.onError(new IllegalStateException("a token stream has one subscriber"));
      return;
    }
    CompletableFuture<Optional<CachedResponse>> lookup;
    try {
      lookup = cache.store().get(key);
    } catch (RuntimeException e) {
      lookup = CompletableFuture.failedFuture(e);
    }
    lookup.whenComplete(
        (hit, error) -> {
          TokenStream inner;
          if (error == null && hit.isPresent()) {
            hits.increment();
            replayed = true;
            inner = new ReplayTokenStream(hit.get(), replayMetrics, scheduler, ticker, listener);
          } else {
            if (error != null) {
              storeErrors.increment();
              if (STORE_FAILURE_LOGGED.compareAndSet(false, true)) {
                LOG.warn("response store lookup failed; answering from the model", error);
              }
            }
            misses.increment();
            inner = model.stream(request);
          }
          inner
              .summary()
              .whenComplete(
                  (s, e) -> {
                    if (e == null) {
                      summary.complete(s);
                    } else {
                      summary.completeExceptionally(e);
                    }
                  });
          inner.subscribe(subscriber);
        });
  }

  /**
   * Stores a complete, untruncated, fresh answer; a failed write is logged once.
   *
   * @return completes (never exceptionally) when the write has landed or failed, at once when there
   *     is nothing to store
   */
  public CompletableFuture<Void> store(StreamSummary s, java.util.List<String> tokens) {
    if (replayed || s.cached() || s.truncated()) {
      return CompletableFuture.completedFuture(null);
    }
    CachedResponse response =
        new CachedResponse(
            s.model(), tokens, s.finishReason(), s.promptTokens(), s.completionTokens());
    CompletableFuture<Void> put;
    try {
      put = cache.store().put(key, response, cache.ttl());
    } catch (RuntimeException e) {
      put = CompletableFuture.failedFuture(e);
    }
    return put.handle(
        (v, e) -> {
          if (e != null) {
            storeErrors.increment();
            if (STORE_FAILURE_LOGGED.compareAndSet(false, true)) {
              LOG.warn("response store write failed; the answer is not cached", e);
            }
          }
          return null;
        });
  }
}
