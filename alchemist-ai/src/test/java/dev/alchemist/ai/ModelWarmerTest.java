package dev.alchemist.ai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.alchemist.core.flow.FakeScheduler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class ModelWarmerTest {
  private final FakeScheduler scheduler = new FakeScheduler();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final List<String> warmed = new CopyOnWriteArrayList<>();
  private volatile boolean failing;

  private final ChatModel model =
      new ChatModel() {
        @Override
        public TokenStream stream(ChatRequest request) {
          throw new UnsupportedOperationException();
        }

        @Override
        public String provider() {
          return "fake";
        }

        @Override
        public CompletableFuture<Duration> warmUp(String m) {
          warmed.add(m);
          return failing
              ? CompletableFuture.failedFuture(new AiException(AiException.Reason.CONNECT, "down"))
              : CompletableFuture.completedFuture(Duration.ofMillis(120));
        }

        @Override
        public Optional<Duration> keepAlive() {
          return Optional.of(Duration.ofMinutes(5));
        }

        @Override
        public void close() {}
      };

  @Test
  void start_preloadsEveryModel_andRecordsLoadTime() {
    try (ModelWarmer w =
        ModelWarmer.builder(model)
            .preload("a", "b")
            .scheduler(scheduler)
            .meterRegistry(registry)
            .build()) {
      assertThat(w.start().join()).containsEntry("a", Duration.ofMillis(120)).hasSize(2);
      assertThat(
              registry
                  .get("alchemist.ai.model.load")
                  .tags("model", "a", "outcome", "success")
                  .timer()
                  .count())
          .isEqualTo(1);
    }
    assertThat(warmed).containsExactly("a", "b");
    assertThat(registry.find("alchemist.ai.model.load").timer()).isNull(); // removed on close
  }

  @Test
  void pings_runWithinTheKeepAlive_untilClosed() {
    ModelWarmer w =
        ModelWarmer.builder(model)
            .preload("a")
            .pingInterval(Duration.ofMinutes(2))
            .scheduler(scheduler)
            .meterRegistry(registry)
            .build();
    w.start().join();
    scheduler.advance(Duration.ofMinutes(2));
    scheduler.advance(Duration.ofMinutes(2));
    assertThat(warmed).containsExactly("a", "a", "a");
    w.close();
    scheduler.advance(Duration.ofMinutes(10));
    assertThat(warmed).hasSize(3);
    assertThat(w.pendingPings()).isZero();
  }

  @Test
  void defaultPingInterval_isHalfTheKeepAlive() {
    try (ModelWarmer w = ModelWarmer.builder(model).preload("a").scheduler(scheduler).build()) {
      w.start().join();
      scheduler.advance(Duration.ofSeconds(149));
      assertThat(warmed).hasSize(1);
      scheduler.advance(Duration.ofSeconds(1));
      assertThat(warmed).hasSize(2);
    }
  }

  @Test
  void pingIntervalNotShorterThanKeepAlive_isRejected() {
    assertThatThrownBy(
            () ->
                ModelWarmer.builder(model).preload("a").pingInterval(Duration.ofMinutes(5)).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(
            "pingInterval (PT5M) must be shorter than the model's keepAlive (PT5M)");
  }

  @Test
  void failedLoad_isReported_andPingsKeepTrying() {
    failing = true;
    List<String> failures = new CopyOnWriteArrayList<>();
    AiListener listener =
        new AiListener() {
          @Override
          public void onWarmUpFailure(String provider, String m, Throwable failure) {
            failures.add(m);
          }
        };
    try (ModelWarmer w =
        ModelWarmer.builder(model)
            .preload("a")
            .scheduler(scheduler)
            .meterRegistry(registry)
            .listener(listener)
            .build()) {
      assertThat(w.start()).isCompletedExceptionally();
      failing = false;
      scheduler.advance(Duration.ofMinutes(3));
      assertThat(warmed).hasSize(2);
      assertThat(registry.get("alchemist.ai.model.load").tags("outcome", "error").timer().count())
          .isEqualTo(1);
    }
    assertThat(failures).containsExactly("a");
  }

  @Test
  void noModel_isRejected() {
    assertThatThrownBy(() -> ModelWarmer.builder(model).build())
        .isInstanceOf(IllegalStateException.class);
  }
}
