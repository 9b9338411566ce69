package dev.alchemist.ai;

import static org.assertj.core.api.Assertions.assertThat;

import dev.alchemist.ai.internal.RecordingSubscriber;
import dev.alchemist.core.flow.FakeScheduler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * {@link ChunkStream#summary()} starts the model call when nobody has subscribed yet, so waiting
 * for it never hangs, and the stream's three timeouts bound that wait like any other.
 */
class ChunkStreamSummaryTest {
  private final FakeScheduler scheduler = new FakeScheduler();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  private ChatStreamer streamer(SimulatedChatModel.Builder model, @Nullable ResponseCache cache) {
    ChatStreamer.Builder b =
        ChatStreamer.builder()
            .model(
                model
                    .scheduler(scheduler)
                    .ticker(scheduler.ticker())
                    .meterRegistry(registry)
                    .tokensPerAnswer(12)
                    .build())
            .scheduler(scheduler)
            .executor(Runnable::run) // timed flushes on the fake timer's thread: deterministic
            .ticker(scheduler.ticker())
            .meterRegistry(registry);
    return (cache == null ? b : b.cache(cache)).build();
  }

  private ChatStreamer streamer(SimulatedChatModel.Builder model) {
    return streamer(model, null);
  }

  private static final ChatRequest QUESTION = ChatRequest.of("sim", "Why is the sky blue?");

  private static AiException failure(CompletableFuture<StreamSummary> summary) {
    assertThat(summary).isCompletedExceptionally();
    Throwable t = summary.handle((s, e) -> e).join();
    if (t instanceof CompletionException c) {
      t = c.getCause();
    }
    assertThat(t).isInstanceOf(AiException.class);
    return (AiException) t;
  }

  @Test
  void summary_withoutASubscriber_startsTheCall_andCompletes() {
    try (ChatStreamer chat = streamer(SimulatedChatModel.builder())) {
      ChunkStream stream = chat.stream(QUESTION);
      CompletableFuture<StreamSummary> summary = stream.summary();
      scheduler.advance(Duration.ofSeconds(5));
      assertThat(summary).isCompleted();
      assertThat(summary.join().tokens()).isEqualTo(12);
      assertThat(summary.join().finishReason()).isEqualTo("stop");
    }
  }

  @Test
  void summary_thenSubscribe_deliversTheWholeAnswer_onOneModelCall() {
    try (ChatStreamer chat = streamer(SimulatedChatModel.builder())) {
      ChunkStream stream = chat.stream(QUESTION);
      CompletableFuture<StreamSummary> summary = stream.summary();
      scheduler.advance(Duration.ofMillis(200)); // some tokens are out before anyone listens
      RecordingSubscriber late = RecordingSubscriber.unbounded();
      stream.subscribe(late);
      scheduler.advance(Duration.ofSeconds(5));
      RecordingSubscriber after = RecordingSubscriber.unbounded();
      stream.subscribe(after);
      assertThat(late.completed).isTrue();
      assertThat(after.completed).isTrue();
      assertThat(late.text()).isEqualTo(after.text());
      assertThat(late.text().split(" ")).hasSize(12);
      assertThat(summary.join().tokens()).isEqualTo(12);
      assertThat(
              registry.find("alchemist.ai.streams").tag("outcome", "success").timers().stream()
                  .mapToLong(t -> t.count())
                  .sum())
          .isEqualTo(1);
    }
  }

  @Test
  void summary_withoutASubscriber_failsOnTheFirstTokenTimeout() {
    StreamTimeouts timeouts =
        new StreamTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(10));
    try (ChatStreamer chat =
        streamer(
            SimulatedChatModel.builder()
                .firstTokenLatency(Duration.ofSeconds(30))
                .timeouts(timeouts))) {
      CompletableFuture<StreamSummary> summary = chat.stream(QUESTION).summary();
      scheduler.advance(Duration.ofSeconds(2));
      AiException e = failure(summary);
      assertThat(e.reason()).isEqualTo(AiException.Reason.TIMEOUT);
      assertThat(e.timeout()).contains(AiException.Timeout.FIRST_TOKEN);
    }
  }

  @Test
  void summary_withoutASubscriber_failsOnTheIdleTimeout() {
    StreamTimeouts timeouts =
        new StreamTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(30));
    try (ChatStreamer chat =
        streamer(
            SimulatedChatModel.builder()
                .firstTokenLatency(Duration.ofMillis(10))
                .tokensPerSecond(0.2)
                .timeouts(timeouts))) {
      CompletableFuture<StreamSummary> summary = chat.stream(QUESTION).summary();
      scheduler.advance(Duration.ofSeconds(3));
      AiException e = failure(summary);
      assertThat(e.timeout()).contains(AiException.Timeout.IDLE);
      assertThat(e.tokensDelivered()).isEqualTo(1);
    }
  }

  @Test
  void summary_withoutASubscriber_failsOnTheTotalTimeout() {
    StreamTimeouts timeouts =
        new StreamTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(2));
    try (ChatStreamer chat =
        streamer(
            SimulatedChatModel.builder()
                .firstTokenLatency(Duration.ofMillis(10))
                .tokensPerSecond(5)
                .timeouts(timeouts))) {
      CompletableFuture<StreamSummary> summary = chat.stream(QUESTION).summary();
      scheduler.advance(Duration.ofSeconds(3));
      assertThat(failure(summary).timeout()).contains(AiException.Timeout.TOTAL);
    }
  }

  @Test
  void summary_withoutASubscriber_ofACachedRequest_fillsTheCache() {
    ResponseCache cache =
        ResponseCache.builder(ResponseStore.inMemory(10, scheduler.ticker())).build();
    ChatRequest t0 =
        ChatRequest.of("sim", List.of(ChatMessage.user("q")))
            .withOptions(ChatOptions.builder().temperature(0).build());
    try (ChatStreamer chat = streamer(SimulatedChatModel.builder(), cache)) {
      CompletableFuture<StreamSummary> first = chat.stream(t0).summary();
      scheduler.advance(Duration.ofSeconds(5));
      assertThat(first).isCompleted();
      assertThat(first.join().cached()).isFalse();
      CompletableFuture<StreamSummary> second = chat.stream(t0).summary();
      scheduler.advance(Duration.ofSeconds(5));
      assertThat(second).isCompleted();
      assertThat(second.join().cached()).isTrue();
    }
  }
}
