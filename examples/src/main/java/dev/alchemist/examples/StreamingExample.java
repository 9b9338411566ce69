package dev.alchemist.examples;

import dev.alchemist.ai.ChatRequest;
import dev.alchemist.ai.ChatStreamer;
import dev.alchemist.ai.ChunkStream;
import dev.alchemist.ai.SimulatedChatModel;
import dev.alchemist.ai.StreamSummary;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;

/**
 * alchemist-ai with the simulated model: one model call streamed as buffered chunks (5 tokens, a
 * newline or 50 ms, the first token at once) to two subscribers, a slow one that asks for the next
 * chunk only 150 ms after each (so it gets fewer, larger chunks: nothing is dropped, and the
 * producing thread is never blocked), and the stream's summary.
 *
 * <pre>
 * java -cp examples/target/examples.jar dev.alchemist.examples.StreamingExample
 * </pre>
 */
public final class StreamingExample {
  private StreamingExample() {}

  public static void main(String[] args) {
    try (ChatStreamer chat =
        ChatStreamer.builder()
            .model(
                SimulatedChatModel.builder()
                    .firstTokenLatency(Duration.ofMillis(150))
                    .tokensPerSecond(100)
                    .tokensPerAnswer(40)
                    .build())
            .build()) {
      long start = System.nanoTime();
      ChunkStream answer = chat.stream(ChatRequest.of("simulated", "Why is the sky blue?"));
      Collector fast = new Collector(start, Long.MAX_VALUE);
      Collector slow = new Collector(start, 1);
      answer.subscribe(fast);
      answer.subscribe(slow); // same model call, its own buffer
      fast.done.join();
      slow.done.join();
      StreamSummary s = answer.summary().join();
      System.out.printf(
          "fast subscriber: %d chunks, first after %d ms%n", fast.chunks.size(), fast.firstMillis);
      System.out.printf(
          "slow subscriber: %d chunks, same text: %s%n",
          slow.chunks.size(), String.join("", fast.chunks).equals(String.join("", slow.chunks)));
      System.out.printf(
          "summary: %d tokens, first token after %d ms, %.0f tokens/s, finish %s%n",
          s.tokens(), s.timeToFirstToken().toMillis(), s.tokensPerSecond(), s.finishReason());
      System.out.println(
          "first chunks: " + fast.chunks.subList(0, Math.min(4, fast.chunks.size())));
    }
  }

  /** Collects chunks, requesting {@code batch} at a time. */
  private static final class Collector implements Flow.Subscriber<String> {
    final List<String> chunks = new CopyOnWriteArrayList<>();
    final CompletableFuture<Void> done = new CompletableFuture<>();
    private final long start;
    private final long batch;
    volatile long firstMillis = -1;
    private Flow.@org.jspecify.annotations.Nullable Subscription subscription;

    Collector(long start, long batch) {
      this.start = start;
      this.batch = batch;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
      s.request(batch);
    }

    @Override
    public void onNext(String chunk) {
      if (chunks.isEmpty()) {
        firstMillis = (System.nanoTime() - start) / 1_000_000;
      }
      chunks.add(chunk);
      Flow.Subscription s = subscription;
      if (batch != Long.MAX_VALUE && s != null) {
        // A slow renderer: never sleep here (this is the model's thread); ask again later.
        CompletableFuture.delayedExecutor(150, TimeUnit.MILLISECONDS).execute(() -> s.request(1));
      }
    }

    @Override
    public void onError(Throwable e) {
      done.completeExceptionally(e);
    }

    @Override
    public void onComplete() {
      done.complete(null);
    }
  }
}
