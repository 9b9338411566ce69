package dev.alchemist.ai;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;

/**
 * The raw output of one model call: a {@link Flow.Publisher} of tokens (text fragments as the
 * provider sent them) that honours demand, plus a summary when it ends.
 *
 * <p>A token stream is cold and single-use: the model call starts when the one subscriber
 * subscribes; a second subscriber receives {@code onError(IllegalStateException)}. Demand reaches
 * the model: over HTTP the socket is read only while the subscriber wants more (and before the
 * first token), so a slow subscriber slows the socket; the idle timeout does not run while the
 * subscriber holds no demand. Cancelling the subscription closes the HTTP stream. Signals are
 * serialized but may arrive on different threads (the HTTP client's executor or the shared
 * scheduler); keep {@code onNext} quick. Use {@link ChatStreamer} for chunked delivery and fan-out.
 */
public interface TokenStream extends Flow.Publisher<String> {
  /**
   * Completes with the summary when the stream completes normally; completes exceptionally with an
   * {@link AiException} when it fails or is cancelled.
   */
  CompletableFuture<StreamSummary> summary();
}
