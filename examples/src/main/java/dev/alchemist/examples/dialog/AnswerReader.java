package dev.alchemist.examples.dialog;

import dev.alchemist.ai.ChunkStream;
import dev.alchemist.ai.StreamSummary;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;

/**
 * Reads one streamed answer of the model: each chunk is appended and handed to the dashboard on the
 * model's thread, no more; the answer completes with the text and the stream's summary (tokens,
 * time to first token).
 */
final class AnswerReader {

  /** The answer's text and the stream's summary. */
  record Answer(String text, StreamSummary summary) {}

  private AnswerReader() {}

  /** Subscribes to {@code stream} of {@code dialog}'s answer. */
  static CompletableFuture<Answer> read(
      UUID dialog, ChunkStream stream, DialogCounters counters, LiveDashboard dashboard) {
    CompletableFuture<String> text = new CompletableFuture<>();
    stream.subscribe(
        new Flow.Subscriber<String>() {
          private final StringBuilder sb = new StringBuilder(512);

          @Override
          public void onSubscribe(Flow.Subscription s) {
            s.request(Long.MAX_VALUE);
          }

          @Override
          public void onNext(String chunk) {
            sb.append(chunk);
            counters.chunks.increment();
            dashboard.preview(dialog, sb.length());
            dashboard.changed();
          }

          @Override
          public void onError(Throwable e) {
            text.completeExceptionally(e);
          }

          @Override
          public void onComplete() {
            text.complete(sb.toString());
          }
        });
    return text.thenCombine(stream.summary(), Answer::new);
  }
}
