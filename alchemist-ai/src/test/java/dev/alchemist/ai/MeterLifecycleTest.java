package dev.alchemist.ai;

import static org.assertj.core.api.Assertions.assertThat;

import dev.alchemist.ai.internal.RecordingSubscriber;
import dev.alchemist.core.flow.FakeScheduler;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Before, models and streamers left their meters in the registry on close, and the stream gauge of
 * a provider was one counter per registry that no instance ever removed.
 */
class MeterLifecycleTest {
  private final FakeScheduler scheduler = new FakeScheduler();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private static final ChatRequest QUESTION = ChatRequest.of("sim", "Why is the sky blue?");

  private ChatModel model() {
    return SimulatedChatModel.builder()
        .scheduler(scheduler)
        .ticker(scheduler.ticker())
        .meterRegistry(registry)
        .firstTokenLatency(Duration.ofMillis(100))
        .tokensPerSecond(100)
        .tokensPerAnswer(20)
        .build();
  }

  @Test
  void close_removesEveryMeterItRegistered() {
    ChatModel model = model();
    ChatStreamer chat =
        ChatStreamer.builder()
            .model(model)
            .scheduler(scheduler)
            .executor(Runnable::run)
            .ticker(scheduler.ticker())
            .meterRegistry(registry)
            .build();
    chat.stream(QUESTION).summary();
    scheduler.advance(Duration.ofSeconds(5));
    assertThat(alchemistMeters())
        .extracting(m -> m.getId().getName())
        .contains("alchemist.ai.streams.active", "alchemist.ai.first.token", "alchemist.ai.chunks");

    chat.close();
    model.close();

    assertThat(alchemistMeters()).isEmpty();
  }

  @Test
  void twoLiveModelsOfOneProvider_activeGaugeCountsOnlyLiveOnesOpenStreams() {
    ChatModel first = model();
    try (ChatModel second = model()) {
      first.stream(QUESTION).subscribe(RecordingSubscriber.manual());
      first.stream(QUESTION).subscribe(RecordingSubscriber.manual());
      second.stream(QUESTION).subscribe(RecordingSubscriber.manual());
      assertThat(active()).isEqualTo(3);

      first.close();

      assertThat(active()).isEqualTo(1);
      second.stream(QUESTION).subscribe(RecordingSubscriber.manual());
      assertThat(active()).isEqualTo(2);
    } finally {
      first.close();
    }
    assertThat(registry.find("alchemist.ai.streams.active").gauge()).isNull();
  }

  @Test
  void recreatedModel_reportsItsOwnNumbers() {
    try (ChatModel first = model()) {
      RecordingSubscriber s = RecordingSubscriber.unbounded();
      first.stream(QUESTION).subscribe(s);
      scheduler.advance(Duration.ofSeconds(5));
      assertThat(s.completed).isTrue();
    }
    try (ChatModel second = model()) {
      second.stream(QUESTION).subscribe(RecordingSubscriber.manual());

      assertThat(registry.get("alchemist.ai.tokens").counter().count()).isZero();
      assertThat(active()).isEqualTo(1);
    }
  }

  private double active() {
    return registry.get("alchemist.ai.streams.active").tag("provider", "simulated").gauge().value();
  }

  private List<Meter> alchemistMeters() {
    return registry.getMeters().stream()
        .filter(m -> m.getId().getName().startsWith("alchemist."))
        .toList();
  }
}
