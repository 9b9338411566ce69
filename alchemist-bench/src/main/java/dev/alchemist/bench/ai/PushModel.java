package dev.alchemist.bench.ai;

import dev.alchemist.ai.ChatModel;
import dev.alchemist.ai.ChatRequest;
import dev.alchemist.ai.StreamSummary;
import dev.alchemist.ai.TokenStream;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;

/** A model whose last stream the benchmark pushes tokens into by hand, on the calling thread. */
final class PushModel implements ChatModel {
  PushStream last;

  @Override
  public TokenStream stream(ChatRequest request) {
    last = new PushStream();
    return last;
  }

  @Override
  public String provider() {
    return "push";
  }

  @Override
  public void close() {}

  static final class PushStream implements TokenStream, Flow.Subscription {
    private static final Duration ZERO = Duration.ZERO;
    private final CompletableFuture<StreamSummary> summary = new CompletableFuture<>();
    Flow.Subscriber<? super String> subscriber;

    @Override
    public void subscribe(Flow.Subscriber<? super String> s) {
      subscriber = s;
      s.onSubscribe(this);
    }

    @Override
    public CompletableFuture<StreamSummary> summary() {
      return summary;
    }

    void push(String token) {
      subscriber.onNext(token);
    }

    /** Ends the stream normally, as a model's last event does. */
    void complete(long tokens) {
      summary.complete(
          new StreamSummary("push", "bench", "stop", tokens, -1, -1, ZERO, ZERO, null, false));
      subscriber.onComplete();
    }

    @Override
    public void request(long n) {}

    @Override
    public void cancel() {}
  }
}
