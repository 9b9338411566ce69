package dev.alchemist.examples.dialogserver;

import dev.alchemist.ai.ChatModel;
import dev.alchemist.ai.ChatRequest;
import dev.alchemist.ai.SimulatedChatModel;
import dev.alchemist.ai.StreamSummary;
import dev.alchemist.ai.TokenStream;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The simulated model, slow enough that a stream is still running when its client leaves, and
 * counting the cancellations that reach it: the ChatModel bean the starter's ChatStreamer uses.
 */
@Configuration(proxyBeanMethods = false)
class CancellationProbe {
  static final AtomicInteger MODEL_CALLS = new AtomicInteger();
  static final AtomicInteger MODEL_CANCELS = new AtomicInteger();

  @Bean(destroyMethod = "close")
  ChatModel probedModel() {
    ChatModel model =
        SimulatedChatModel.builder()
            .firstTokenLatency(Duration.ofMillis(10))
            .tokensPerSecond(20)
            .tokensPerAnswer(40)
            // Its own registry: a second server in this JVM would register the same gauges.
            .meterRegistry(new SimpleMeterRegistry())
            .build();
    return new ChatModel() {
      @Override
      public TokenStream stream(ChatRequest request) {
        TokenStream upstream = model.stream(request);
        return new TokenStream() {
          @Override
          public CompletableFuture<StreamSummary> summary() {
            return upstream.summary();
          }

          @Override
          public void subscribe(Flow.Subscriber<? super String> subscriber) {
            MODEL_CALLS.incrementAndGet();
            upstream.subscribe(
                new Flow.Subscriber<String>() {
                  @Override
                  public void onSubscribe(Flow.Subscription subscription) {
                    subscriber.onSubscribe(
                        new Flow.Subscription() {
                          @Override
                          public void request(long n) {
                            subscription.request(n);
                          }

                          @Override
                          public void cancel() {
                            MODEL_CANCELS.incrementAndGet();
                            subscription.cancel();
                          }
                        });
                  }

                  @Override
                  public void onNext(String token) {
                    subscriber.onNext(token);
                  }

                  @Override
                  public void onError(Throwable failure) {
                    subscriber.onError(failure);
                  }

                  @Override
                  public void onComplete() {
                    subscriber.onComplete();
                  }
                });
          }
        };
      }

      @Override
      public String provider() {
        return model.provider();
      }

      @Override
      public void close() {
        model.close();
      }
    };
  }
}
