package dev.alchemist.ai.internal;

import static java.util.Objects.requireNonNull;

import dev.alchemist.ai.AiException;
import dev.alchemist.ai.ChatMessage;
import dev.alchemist.ai.ChatModel;
import dev.alchemist.ai.ChatRequest;
import dev.alchemist.ai.SimulatedChatModel;
import dev.alchemist.ai.TokenStream;
import dev.alchemist.core.internal.SharedScheduler;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/** The simulated model behind {@link SimulatedChatModel}. */
public final class SimulatedModel implements ChatModel {
  private static final String[] WORDS = {
    "the", "stream", "token", "model", "answer", "buffer", "latency", "chunk", "cache", "event",
    "dialog", "fast", "quiet", "river", "stone", "light", "graph", "vector", "signal", "pulse", "a",
    "of", "and", "to", "in", "is", "that", "it", "with", "for", "as", "on", "by", "at", "warm",
    "cold", "flow", "state", "tensor", "prompt", "reply", "query", "field", "node", "über", "naïve",
    "café", "日本", "emoji🙂", "ok", "yes", "no", "maybe", "always", "never", "time", "space",
    "energy", "matter", "form", "code", "java", "byte", "bit"
  };

  private final SimulatedChatModel.Settings settings;
  private final StreamMetrics metrics;
  private final ScheduledExecutorService scheduler;
  // The host's scheduler when the settings name one (tests drive it by hand), else the wheel.
  private final @Nullable ScheduledExecutorService tokenTimer;
  private final @Nullable TokenWheel tokenWheel;
  private final Set<Stream> open = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean closed = new AtomicBoolean();

  public SimulatedModel(SimulatedChatModel.Settings settings) {
    this.settings = settings;
    this.metrics = new StreamMetrics(settings.registry(), "simulated");
    ScheduledExecutorService s = settings.scheduler();
    this.scheduler = s != null ? s : SharedScheduler.get();
    // The simulation stands in for a model server: by default its tokens come from a thread of
    // their own, as a real model's bytes come from the HttpClient's, so its work never queues in
    // front of the SDK's own timeouts and flush timers on the shared timer.
    this.tokenTimer = s;
    this.tokenWheel = s != null ? null : AiThreads.simulatedModel();
  }

  @Override
  public TokenStream stream(ChatRequest request) {
    if (closed.get()) {
      throw new IllegalStateException("simulated model is closed");
    }
    return new Stream(request);
  }

  @Override
  public String provider() {
    return "simulated";
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      for (Stream s : List.copyOf(open)) {
        s.cancel();
      }
      metrics.close(); // after the cancelled streams counted their end
    }
  }

  /** A stable hash of what determines the answer (enum hash codes differ between JVM runs). */
  static long fingerprint(ChatRequest request) {
    long h = 0xcbf29ce484222325L;
    h = mix(h, request.model());
    for (ChatMessage m : request.messages()) {
      h = mix(h, m.role().name());
      h = mix(h, m.content());
    }
    Long seed = request.options().seed();
    return seed == null ? h : h ^ seed * 0x9E3779B97F4A7C15L;
  }

  private static long mix(long h, String s) {
    for (int i = 0; i < s.length(); i++) {
      h = (h ^ s.charAt(i)) * 0x100000001b3L;
    }
    return (h ^ 0xff) * 0x100000001b3L;
  }

  final class Stream extends AbstractTokenStream {
    private final SplittableRandom random;
    private final int total;
    private final int failAt;
    private final long interval;
    private final AtomicBoolean tickPending = new AtomicBoolean();
    // One instance for every token of the stream: a method reference per schedule would allocate.
    private final Runnable emitTask = this::emit;
    private volatile @Nullable ScheduledFuture<?> tick;
    private volatile TokenWheel.@Nullable Timeout wheelTick;
    private long nextDue;
    private int produced;

    Stream(ChatRequest request) {
      super(
          request.model(),
          SimulatedModel.this.metrics,
          settings.timeouts(),
          SimulatedModel.this.scheduler,
          settings.ticker(),
          settings.listener());
      this.random = new SplittableRandom(settings.seed() ^ fingerprint(request));
      Integer max = request.options().maxTokens();
      this.total =
          max == null ? settings.tokensPerAnswer() : Math.min(max, settings.tokensPerAnswer());
      this.finishReason = max != null && max < settings.tokensPerAnswer() ? "length" : "stop";
      int fail = settings.failAfterTokens();
      if (fail < 0 && settings.failureRate() > 0 && random.nextDouble() < settings.failureRate()) {
        fail = random.nextInt(total);
      }
      this.failAt = fail;
      this.interval = (long) (1e9 / settings.tokensPerSecond());
      this.promptTokens =
          request.messages().stream().mapToLong(m -> m.content().length() / 4 + 1).sum();
    }

    @Override
    protected void start() {
      open.add(this);
      summary().whenComplete((s, e) -> open.remove(this));
      nextDue = ticker.read() + settings.firstTokenLatency().toNanos();
    }

    @Override
    protected void requestMore() {
      if (!tickPending.compareAndSet(false, true)) {
        return;
      }
      long delay = Math.max(0, nextDue - ticker.read());
      if (tokenWheel != null) {
        wheelTick = tokenWheel.schedule(emitTask, delay);
        return;
      }
      try {
        tick = requireNonNull(tokenTimer).schedule(emitTask, delay, TimeUnit.NANOSECONDS);
      } catch (RejectedExecutionException e) {
        tickPending.set(false);
        fail(
            new AiException(
                AiException.Reason.CANCELLED, "simulated model scheduler is shut down", e));
      }
    }

    @Override
    protected void release() {
      ScheduledFuture<?> t = tick;
      if (t != null) {
        t.cancel(false);
      }
      TokenWheel.Timeout w = wheelTick;
      if (w != null) {
        w.cancel();
      }
    }

    private void emit() {
      tickPending.set(false);
      if (isDone()) {
        return;
      }
      if (produced == failAt) {
        fail(
            new AiException(
                AiException.Reason.STREAM,
                "simulated failure of model " + model + " after " + produced + " tokens"));
        return;
      }
      StringBuilder token = new StringBuilder(12);
      if (produced > 0) {
        token.append(' ');
      }
      token.append(WORDS[random.nextInt(WORDS.length)]);
      produced++;
      if (settings.newlineEvery() > 0 && produced % settings.newlineEvery() == 0) {
        token.append('\n');
      }
      nextDue = Math.max(nextDue, ticker.read()) + interval;
      boolean last = produced >= total;
      if (last) {
        completionTokens = total;
      }
      token(token.toString());
      if (last) {
        complete();
      }
    }
  }
}
