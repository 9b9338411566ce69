package dev.alchemist.ai;

import static org.assertj.core.api.Assertions.assertThat;

import dev.alchemist.ai.internal.RecordingSubscriber;
import dev.alchemist.core.flow.FakeScheduler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The replay bound seen through the public API: late sharers and the response cache. */
class ReplayBoundTest {
  private final FakeScheduler scheduler = new FakeScheduler();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final AtomicInteger calls = new AtomicInteger();
  private final ResponseStore store = ResponseStore.inMemory(100, scheduler.ticker());
  private static final ChatRequest T0 =
      ChatRequest.of("sim", "tell a long story")
          .withOptions(ChatOptions.builder().temperature(0).build());

  /** About 2.5 KB of answer, past a 1 KiB bound. */
  private ChatStreamer streamer() {
    ChatModel inner =
        SimulatedChatModel.builder()
            .scheduler(scheduler)
            .ticker(scheduler.ticker())
            .meterRegistry(registry)
            .firstTokenLatency(Duration.ofMillis(10))
            .tokensPerSecond(1000)
            .tokensPerAnswer(400)
            .build();
    ChatModel counting = new CountingChatModel(inner, calls);
    return ChatStreamer.builder()
        .model(counting)
        .scheduler(scheduler)
        .ticker(scheduler.ticker())
        .meterRegistry(registry)
        .chunkPolicy(ChunkPolicy.builder().maxPendingBytes(1024).build())
        .cache(ResponseCache.builder(store).build())
        .build();
  }

  @Test
  void identicalRequest_afterTheRunningAnswerOutgrewTheReplayBound_getsItsOwnCall_notOverflow() {
    try (ChatStreamer chat = streamer()) {
      RecordingSubscriber a = RecordingSubscriber.unbounded();
      chat.stream(T0).subscribe(a);
      scheduler.advance(Duration.ofMillis(300)); // ~290 tokens, past 1 KiB
      assertThat(a.text().length()).isGreaterThan(1024);

      RecordingSubscriber b = RecordingSubscriber.unbounded();
      chat.stream(T0).subscribe(b);
      scheduler.advance(Duration.ofSeconds(5));
      assertThat(b.error).isNull();
      assertThat(b.completed).isTrue();
      assertThat(b.text()).isEqualTo(a.text());
      assertThat(calls).hasValue(2);
      assertThat(chat.inFlight()).isZero();
    }
  }

  @Test
  void answerLongerThanTheReplayBound_isNotCached_ratherThanCachedCut() {
    try (ChatStreamer chat = streamer()) {
      RecordingSubscriber a = RecordingSubscriber.unbounded();
      chat.stream(T0).subscribe(a);
      scheduler.advance(Duration.ofSeconds(5));
      assertThat(a.completed).isTrue();
      RecordingSubscriber b = RecordingSubscriber.unbounded();
      ChunkStream second = chat.stream(T0);
      second.subscribe(b);
      scheduler.advance(Duration.ofSeconds(5));
      assertThat(second.cached()).isFalse();
      assertThat(b.text()).isEqualTo(a.text());
      assertThat(calls).hasValue(2);
    }
  }
}
