package dev.alchemist.ai.internal;

import dev.alchemist.ai.AiListener;
import dev.alchemist.ai.CachedResponse;
import dev.alchemist.ai.StreamTimeouts;
import dev.alchemist.core.Ticker;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;

/** Replays a cached answer's tokens as fast as demand allows, on the requesting thread. */
final class ReplayTokenStream extends AbstractTokenStream {
  private final List<String> tokens;
  private int next;

  ReplayTokenStream(
      CachedResponse response,
      StreamMetrics metrics,
      ScheduledExecutorService scheduler,
      Ticker ticker,
      AiListener listener) {
    super(response.model(), metrics, StreamTimeouts.DEFAULTS, scheduler, ticker, listener);
    this.tokens = response.tokens();
    this.finishReason = response.finishReason();
    this.promptTokens = response.promptTokens();
    this.completionTokens = response.completionTokens();
  }

  @Override
  protected boolean cachedReplay() {
    return true;
  }

  @Override
  protected void start() {}

  @Override
  protected void requestMore() {
    // Called from the drain loop with an empty queue: one token per call keeps demand exact.
    if (next < tokens.size()) {
      token(tokens.get(next++));
    }
    if (next == tokens.size()) {
      complete();
    }
  }

  @Override
  protected void release() {}
}
