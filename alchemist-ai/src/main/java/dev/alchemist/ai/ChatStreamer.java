package dev.alchemist.ai;

import dev.alchemist.ai.internal.AiThreads;
import dev.alchemist.ai.internal.CachingTokenStream;
import dev.alchemist.ai.internal.ChunkMetrics;
import dev.alchemist.ai.internal.StreamHub;
import dev.alchemist.ai.internal.StreamMetrics;
import dev.alchemist.core.Checks;
import dev.alchemist.core.Ticker;
import dev.alchemist.core.internal.SharedScheduler;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledExecutorService;
import org.jspecify.annotations.Nullable;

/**
 * The entry point for buffered model answers: turns a {@link ChatRequest} into a {@link
 * ChunkStream} that chunks the model's tokens by a {@link ChunkPolicy}, delivers them with real
 * back-pressure, fans one call out to several subscribers, and records chunk metrics.
 *
 * <pre>{@code
 * try (ChatStreamer chat = ChatStreamer.builder().model(ollama).build()) {
 *   ChunkStream answer = chat.stream(ChatRequest.of("llama3.2", "Why is the sky blue?"));
 *   answer.subscribe(dashboardA);
 *   answer.subscribe(dashboardB); // same model call
 * }
 * }</pre>
 *
 * <p>Thread-safe. {@link #close()} closes the model if the streamer created it (the simulated
 * default), which cancels its open streams; a model passed in belongs to the host. After {@code
 * close()}, {@link #stream} throws {@link IllegalStateException} ("chat streamer is closed").
 */
public final class ChatStreamer implements AutoCloseable {
  private final ChatModel model;
  private final boolean ownsModel;
  private final ChunkPolicy policy;
  private final ScheduledExecutorService scheduler;
  private final Executor executor;
  private final Ticker ticker;
  private final ChunkMetrics metrics;
  private final AiListener listener;
  private final @Nullable ResponseCache cache;
  private final ConcurrentMap<String, StoredAnswer> inFlight = new ConcurrentHashMap<>();
  private final StreamMetrics replayMetrics;
  private final Counter shared;
  private final Counter uncacheable;
  private volatile boolean closed;

  private ChatStreamer(Builder b) {
    this.ownsModel = b.model == null;
    this.model =
        b.model != null
            ? b.model
            : SimulatedChatModel.builder().meterRegistry(b.registry).ticker(b.ticker).build();
    this.policy = b.policy;
    this.scheduler = b.scheduler != null ? b.scheduler : SharedScheduler.get();
    this.executor = b.executor != null ? b.executor : AiThreads.delivery();
    this.ticker = b.ticker;
    this.metrics = new ChunkMetrics(b.registry);
    this.listener = b.listener;
    this.cache = b.cache;
    this.replayMetrics = new StreamMetrics(b.registry, "cache");
    this.shared =
        metrics.shared(
            Counter.builder("alchemist.ai.cache.requests")
                    .description("Response cache lookups by result")
                    .tag("result", "shared")
                ::register);
    this.uncacheable =
        metrics.shared(
            Counter.builder("alchemist.ai.cache.requests")
                    .description("Response cache lookups by result")
                    .tag("result", "uncacheable")
                ::register);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Returns a cold, shareable stream; the model is called when the first subscriber subscribes. */
  public ChunkStream stream(ChatRequest request) {
    Checks.notNull("request", request);
    if (closed) {
      throw new IllegalStateException("chat streamer is closed");
    }
    ResponseCache c = cache;
    if (c == null) {
      return hub(model.stream(request), request, false);
    }
    if (!c.cacheable(request)) {
      uncacheable.increment();
      return hub(model.stream(request), request, false);
    }
    String key = c.key(request);
    for (; ; ) {
      StoredAnswer running = inFlight.get(key);
      if (running != null && running.hub.replayable()) {
        // Single-flight: an identical request is being answered (or stored); share its call.
        shared.increment();
        return running;
      }
      // None running, or its answer outgrew what it keeps for late subscribers: a call of our own.
      CachingTokenStream upstream =
          new CachingTokenStream(
              c, key, model, request, replayMetrics, scheduler, ticker, listener);
      StreamHub hub = hub(upstream, request, true);
      StoredAnswer answer = new StoredAnswer(hub);
      boolean installed =
          running == null
              ? inFlight.putIfAbsent(key, answer) == null
              : inFlight.replace(key, running, answer);
      if (!installed) {
        continue;
      }
      // The entry stays, and the summary waits, until the answer's write has landed (or failed):
      // whoever asks again after the summary finds the answer in the store, on any instance, and
      // a request arriving while the write is under way joins this call instead of missing.
      hub.result()
          .whenComplete(
              (s, e) -> {
                if (e != null || !hub.recordedInFull()) {
                  // Failed, or too long to replay: nothing to store, so nothing to wait for.
                  inFlight.remove(key, answer);
                  if (e != null) {
                    answer.summary.completeExceptionally(e);
                  } else {
                    answer.summary.complete(s);
                  }
                } else {
                  upstream
                      .store(s, hub.recordedTokens())
                      .whenComplete(
                          (v, x) -> {
                            inFlight.remove(key, answer);
                            answer.summary.complete(s);
                          });
                }
              });
      return answer;
    }
  }

  /**
   * A cacheable answer: the hub's stream, with a summary that completes once the answer is in the
   * store (or its write failed), so a repeat asked after the summary is a hit.
   */
  private static final class StoredAnswer implements ChunkStream {
    private final StreamHub hub;
    final CompletableFuture<StreamSummary> summary = new CompletableFuture<>();

    StoredAnswer(StreamHub hub) {
      this.hub = hub;
    }

    @Override
    public void subscribe(Flow.Subscriber<? super String> subscriber) {
      hub.subscribe(subscriber);
    }

    @Override
    public CompletableFuture<StreamSummary> summary() {
      hub.summary(); // starts the call if nobody has yet
      return summary;
    }

    @Override
    public void cancel() {
      hub.cancel();
    }

    @Override
    public boolean cached() {
      return hub.cached();
    }
  }

  private StreamHub hub(TokenStream upstream, ChatRequest request, boolean record) {
    return new StreamHub(
        upstream,
        policy,
        scheduler,
        ticker,
        metrics.of(model.provider(), request.model()),
        listener,
        record,
        upstream instanceof CachingTokenStream cts ? cts::replayed : () -> false,
        executor);
  }

  public ChatModel model() {
    return model;
  }

  public ChunkPolicy policy() {
    return policy;
  }

  /** Answers being computed or being written to the store now (single-flight entries). */
  public int inFlight() {
    return inFlight.size();
  }

  @Override
  public void close() {
    closed = true;
    try {
      if (ownsModel) {
        model.close();
      }
    } finally {
      metrics.close();
      replayMetrics.close();
    }
  }

  /** Builds a {@link ChatStreamer}; setters validate; not thread-safe. */
  public static final class Builder {
    private @Nullable ChatModel model;
    private ChunkPolicy policy = ChunkPolicy.DEFAULTS;
    private @Nullable ScheduledExecutorService scheduler;
    private @Nullable Executor executor;
    private Ticker ticker = Ticker.system();
    private MeterRegistry registry = Metrics.globalRegistry;
    private AiListener listener = AiListener.NONE;
    private @Nullable ResponseCache cache;

    private Builder() {}

    /** The model; default a {@link SimulatedChatModel} with default settings. */
    public Builder model(ChatModel model) {
      this.model = Checks.notNull("model", model);
      return this;
    }

    public Builder chunkPolicy(ChunkPolicy policy) {
      this.policy = Checks.notNull("policy", policy);
      return this;
    }

    /**
     * Timer for max-delay flushes; default one shared daemon thread. It only decides when a chunk
     * is due; the chunk is delivered on the {@link #executor}. Never shut down by us.
     */
    public Builder scheduler(ScheduledExecutorService scheduler) {
      this.scheduler = Checks.notNull("scheduler", scheduler);
      return this;
    }

    /**
     * Where chunks released by a max-delay flush are delivered ({@code onNext} runs there); default
     * a shared fixed pool of {@code max(4, 2 x cores)} daemon threads, so a subscriber that blocks
     * holds one of them, never the timer; give your own executor if subscribers block. An executor
     * that rejects a delivery gets it run on the timer thread instead. Never shut down by us.
     */
    public Builder executor(Executor executor) {
      this.executor = Checks.notNull("executor", executor);
      return this;
    }

    public Builder ticker(Ticker ticker) {
      this.ticker = Checks.notNull("ticker", ticker);
      return this;
    }

    /**
     * Where the stream meters go; default {@code Metrics.globalRegistry}. {@link
     * ChatStreamer#close()} removes the meters it registered. Counters and timers with equal tags
     * add up across live instances; {@code alchemist.ai.streams.active} is a total per provider,
     * the sum of the live clients' open streams, so a closed client's streams never stay in it.
     */
    public Builder meterRegistry(MeterRegistry registry) {
      this.registry = Checks.notNull("registry", registry);
      return this;
    }

    public Builder listener(AiListener listener) {
      this.listener = Checks.notNull("listener", listener);
      return this;
    }

    /**
     * Serve cacheable requests from {@code cache} and share identical concurrent ones; default
     * none. The streamer does not close the cache.
     */
    public Builder cache(ResponseCache cache) {
      this.cache = Checks.notNull("cache", cache);
      return this;
    }

    public ChatStreamer build() {
      return new ChatStreamer(this);
    }
  }
}
