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
 * HTTP client's executor, the scheduler for timed flushes) or the thread calling {@code request}.
 * Keep {@code onNext} quick or hand work to an executor. Thread-safe.
 */
public interface ChunkStream extends Flow.Publisher<String> {
  /** The model call's summary; {@link StreamSummary#cached()} is true for a cache replay. */
  CompletableFuture<StreamSummary> summary();

  /**
   * Cancels the model call for every subscriber; they receive {@link AiException.Reason#CANCELLED}.
   */
  void cancel();

  /** Whether the answer is replayed from the response cache. */
  boolean cached();
}
