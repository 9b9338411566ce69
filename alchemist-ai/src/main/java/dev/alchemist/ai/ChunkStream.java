package dev.alchemist.ai;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;

/**
 * A buffered, shareable model answer: a {@link Flow.Publisher} of text chunks built by a {@link
 * ChunkPolicy}. Any number of subscribers may subscribe (two dashboards watching one dialog); the
 * model is asked once, when the first subscribes. Each subscriber has its own buffer and demand,
 * and the model is read only as fast as the fastest subscriber with room (see {@link ChunkPolicy}).
 * A subscriber that joins late first receives everything produced so far as one chunk, as long as
 * that is at most {@link ChunkPolicy#maxPendingBytes()}; past that the text so far is not kept and
 * a late subscriber fails at once with {@link AiException.Reason#OVERFLOW}. The model call is
 * cancelled when every subscriber has cancelled (or by {@link #cancel()}).
 *
 * <p>Signals to one subscriber are serialized; they run on the thread that produced the token (the
 * HTTP client's executor; the shared timer for the simulated model), on the streamer's {@link
 * ChatStreamer.Builder#executor executor} for chunks released by the max-delay timer, or on the
 * thread calling {@code request}. A subscriber that blocks in a timed flush holds up only itself.
 * Keep {@code onNext} quick or hand work to an executor. Thread-safe.
 */
public interface ChunkStream extends Flow.Publisher<String> {
  /**
   * The model call's summary; {@link StreamSummary#cached()} is true for a cache replay. Asking for
   * it starts the model call if nobody has subscribed yet, so waiting on it never hangs: it
   * completes when the answer ends, or fails when the stream's timeouts (first token, idle, total)
   * or a cancellation end it. Subscribers that come later receive the text so far as one chunk.
   * With a {@link ResponseCache}, a fresh answer's summary completes once it is in the store.
   */
  CompletableFuture<StreamSummary> summary();

  /**
   * Cancels the model call for every subscriber; they receive {@link AiException.Reason#CANCELLED}.
   */
  void cancel();

  /** Whether the answer is replayed from the response cache. */
  boolean cached();
}
