package dev.alchemist.ai;

import static org.assertj.core.api.Assertions.assertThat;

import dev.alchemist.ai.internal.RecordingSubscriber;
import dev.alchemist.core.flow.FakeScheduler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SimulatedChatModelTest {
  private final FakeScheduler scheduler = new FakeScheduler();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  private SimulatedChatModel.Builder sim() {
    return SimulatedChatModel.builder()
        .scheduler(scheduler)
        .ticker(scheduler.ticker())
        .meterRegistry(registry)
        .firstTokenLatency(Duration.ofMillis(100))
        .tokensPerSecond(100)
        .tokensPerAnswer(20);
  }

  private RecordingSubscriber run(ChatModel model, ChatRequest request) {
    RecordingSubscriber s = RecordingSubscriber.unbounded();
    model.stream(request).subscribe(s);
    scheduler.advance(Duration.ofSeconds(5));
    return s;
  }

  @Test
  void sameRequest_yieldsTheSameTokens_atTheConfiguredPace() {
    try (ChatModel model = sim().build()) {
      TokenStream stream = model.stream(ChatRequest.of("sim", "hello"));
      RecordingSubscriber s = RecordingSubscriber.unbounded();
      stream.subscribe(s);
      scheduler.advance(Duration.ofMillis(99));
      assertThat(s.items).isEmpty();
      scheduler.advance(Duration.ofMillis(1));
      assertThat(s.items).hasSize(1);
      scheduler.advance(Duration.ofMillis(100));
      assertThat(s.items).hasSize(11);
      scheduler.advance(Duration.ofSeconds(1));
      assertThat(s.items).hasSize(20);
      assertThat(s.completed).isTrue();
      StreamSummary summary = stream.summary().join();
      assertThat(summary.timeToFirstToken()).isEqualTo(Duration.ofMillis(100));
      assertThat(summary.finishReason()).isEqualTo("stop");
      RecordingSubscriber again = run(model, ChatRequest.of("sim", "hello"));
      assertThat(again.items).isEqualTo(s.items);
      RecordingSubscriber other = run(model, ChatRequest.of("sim", "different"));
      assertThat(other.items).isNotEqualTo(s.items);
    }
  }

  @Test
  void noDemand_pausesGeneration() {
    try (ChatModel model = sim().build()) {
      RecordingSubscriber s = RecordingSubscriber.manual();
      model.stream(ChatRequest.of("sim", "hello")).subscribe(s);
      scheduler.advance(Duration.ofSeconds(5));
      assertThat(s.items).isEmpty();
      s.request(3);
      scheduler.advance(Duration.ofSeconds(5));
      assertThat(s.items).hasSize(3);
      assertThat(scheduler.queued()).isLessThanOrEqualTo(1); // the watchdog only
    }
  }

  @Test
  void maxTokens_truncatesWithFinishReasonLength() {
    try (ChatModel model = sim().build()) {
      TokenStream stream =
          model.stream(
              ChatRequest.of("sim", "hi").withOptions(ChatOptions.builder().maxTokens(4).build()));
      RecordingSubscriber s = RecordingSubscriber.unbounded();
      stream.subscribe(s);
      scheduler.advance(Duration.ofSeconds(5));
      assertThat(s.items).hasSize(4);
      assertThat(stream.summary().join().truncated()).isTrue();
    }
  }

  @Test
  void failAfterTokens_failsMidStreamAfterThePartialText() {
    try (ChatModel model = sim().failAfterTokens(3).build()) {
      RecordingSubscriber s = run(model, ChatRequest.of("sim", "hi"));
      assertThat(s.items).hasSize(3);
      assertThat(s.error).isInstanceOf(AiException.class);
      assertThat(((AiException) s.error).tokensDelivered()).isEqualTo(3);
    }
  }

  @Test
  void firstTokenTimeout_firesOnTheFakeClock() {
    try (ChatModel model =
        sim()
            .firstTokenLatency(Duration.ofSeconds(2))
            .timeouts(StreamTimeouts.DEFAULTS.withFirstToken(Duration.ofSeconds(1)))
            .build()) {
      RecordingSubscriber s = run(model, ChatRequest.of("sim", "hi"));
      assertThat(s.items).isEmpty();
      assertThat(((AiException) s.error).timeout()).contains(AiException.Timeout.FIRST_TOKEN);
    }
  }

  @Test
  void close_cancelsOpenStreams() {
    ChatModel model = sim().build();
    TokenStream stream = model.stream(ChatRequest.of("sim", "hi"));
    stream.subscribe(RecordingSubscriber.unbounded());
    assertThat(registry.get("alchemist.ai.streams.active").gauge().value()).isEqualTo(1);
    model.close();
    assertThat(stream.summary()).isCompletedExceptionally();
    assertThat(registry.find("alchemist.ai.streams.active").gauge()).isNull(); // removed on close
  }

  @Test
  void chatStreamer_overTheSimulatedModel_chunksByPolicy_andRecordsFirstChunk() {
    try (ChatStreamer chat =
        ChatStreamer.builder()
            .model(sim().newlineEvery(0).build())
            .scheduler(scheduler)
            .executor(Runnable::run) // timed flushes on the fake timer's thread: deterministic
            .ticker(scheduler.ticker())
            .meterRegistry(registry)
            .build()) {
      ChunkStream answer = chat.stream(ChatRequest.of("sim", "hi"));
      RecordingSubscriber s = RecordingSubscriber.unbounded();
      answer.subscribe(s);
      scheduler.advance(Duration.ofSeconds(5));
      // 20 tokens: the first alone, then chunks of five, then the 4-token tail.
      assertThat(s.items).hasSize(5);
      assertThat(s.completed).isTrue();
      assertThat(
              registry
                  .get("alchemist.ai.first.chunk")
                  .timer()
                  .totalTime(java.util.concurrent.TimeUnit.MILLISECONDS))
          .isEqualTo(100.0);
      assertThat(answer.summary().join().cached()).isFalse();
    }
  }
}
