package dev.alchemist.boot;

import static dev.alchemist.boot.AlchemistCacheAutoConfigurationTest.messages;
import static org.assertj.core.api.Assertions.assertThat;

import dev.alchemist.ai.ChatModel;
import dev.alchemist.ai.ChatRequest;
import dev.alchemist.ai.ChatStreamer;
import dev.alchemist.ai.ChunkStream;
import dev.alchemist.ai.ModelWarmer;
import dev.alchemist.ai.ResponseCache;
import dev.alchemist.ai.SimulatedChatModel;
import dev.alchemist.ai.StreamSummary;
import dev.alchemist.cache.CacheManager;
import java.time.Duration;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

class AlchemistAiAutoConfigurationTest {

  @Test
  void chatStreamer_noProperties_streamsTheSimulatedModel() {
    Runners.alchemist()
        .withPropertyValues(
            "alchemist.ai.chunk.max-tokens=3",
            "alchemist.ai.simulated.first-token-latency=1ms",
            "alchemist.ai.simulated.tokens-per-second=2000",
            "alchemist.ai.simulated.tokens-per-answer=12")
        .run(
            context -> {
              ChatStreamer chat = context.getBean(ChatStreamer.class);
              assertThat(chat.policy().maxTokens()).isEqualTo(3);
              assertThat(chat.model()).isSameAs(context.getBean(ChatModel.class));
              ChunkStream answer = chat.stream(ChatRequest.of("simulated", "hello"));
              answer.subscribe(new Drain());
              StreamSummary summary = answer.summary().get(30, TimeUnit.SECONDS);
              assertThat(summary.tokens()).isEqualTo(12);
            });
  }

  @Test
  void simulatedModel_negativeRate_failsNamingTheProperty() {
    Runners.alchemist()
        .withPropertyValues("alchemist.ai.simulated.tokens-per-second=-1")
        .run(
            context -> {
              assertThat(context).hasFailed();
              assertThat(messages(context.getStartupFailure()))
                  .contains("alchemist.ai.simulated.tokens-per-second");
            });
  }

  @Test
  void chatModel_aiModuleAbsent_noBean() {
    Runners.alchemist()
        .withClassLoader(new FilteredClassLoader(ChatStreamer.class))
        .run(context -> assertThat(context).doesNotHaveBean("alchemistChatModel"));
  }

  @Test
  void chatModel_openAi_keepsTheKeyOutOfToString() {
    Runners.alchemist()
        .withPropertyValues(
            "alchemist.ai.provider=openai",
            "alchemist.ai.openai.base-uri=http://127.0.0.1:9/v1",
            "alchemist.ai.openai.api-key=sk-hunter2",
            "alchemist.ai.openai.headers.OpenAI-Organization=org-hunter3",
            "alchemist.ai.timeouts.first-token=5s")
        .run(
            context -> {
              ChatModel model = context.getBean(ChatModel.class);
              assertThat(model.toString()).doesNotContain("hunter2").doesNotContain("hunter3");
              assertThat(context.getBean(ChatStreamer.class).toString()).doesNotContain("hunter2");
            });
  }

  @Test
  void chatModel_hostBean_winsAndTheStreamerUsesIt() {
    Runners.alchemist()
        .withUserConfiguration(HostModel.class)
        .run(
            context -> {
              assertThat(context).hasSingleBean(ChatModel.class);
              assertThat(context.getBean(ChatStreamer.class).model())
                  .isSameAs(context.getBean("hostModel"));
            });
  }

  @Test
  void chunkPolicy_zeroTokens_failsNamingTheProperty() {
    Runners.alchemist()
        .withPropertyValues("alchemist.ai.chunk.max-tokens=0")
        .run(
            context -> {
              assertThat(context).hasFailed();
              assertThat(messages(context.getStartupFailure()))
                  .contains("alchemist.ai.chunk.max-tokens")
                  .contains("maxTokens");
            });
  }

  @Test
  void timeouts_totalBelowFirstToken_failsNamingTheTimeouts() {
    Runners.alchemist()
        .withPropertyValues(
            "alchemist.ai.timeouts.first-token=1m", "alchemist.ai.timeouts.total=10s")
        .run(
            context -> {
              assertThat(context).hasFailed();
              assertThat(messages(context.getStartupFailure()))
                  .contains("alchemist.ai.timeouts")
                  .contains("must be >= firstToken timeout");
            });
  }

  @Test
  void answerCache_withCacheManager_livesInItsRegion() {
    Runners.alchemist()
        .withPropertyValues("alchemist.ai.answer-cache.enabled=true")
        .run(
            context -> {
              ResponseCache answers = context.getBean(ResponseCache.class);
              assertThat(answers.store().getClass().getSimpleName()).contains("Cache");
              assertThat(answers.ttl()).isEqualTo(Duration.ofHours(1));
            });
  }

  @Test
  void answerCache_withoutCacheModule_isInMemory() {
    Runners.alchemist()
        .withClassLoader(new FilteredClassLoader(CacheManager.class))
        .withPropertyValues("alchemist.ai.answer-cache.enabled=true")
        .run(
            context -> {
              ResponseCache answers = context.getBean(ResponseCache.class);
              assertThat(answers.store().getClass().getSimpleName()).contains("InMemory");
            });
  }

  @Test
  void answerCacheStoreCache_withoutCacheModule_failsNamingTheArtifactToAdd() {
    Runners.alchemist()
        .withClassLoader(new FilteredClassLoader(CacheManager.class))
        .withPropertyValues(
            "alchemist.ai.answer-cache.enabled=true", "alchemist.ai.answer-cache.store=cache")
        .run(
            context ->
                assertThat(context)
                    .getFailure()
                    .rootCause()
                    .hasMessageContaining("alchemist.ai.answer-cache.store=cache")
                    .hasMessageContaining("add dev.alchemist:alchemist-cache"));
  }

  @Test
  void modelWarmer_modelsListed_startsWithTheContext() {
    Runners.alchemist()
        .withPropertyValues(
            "alchemist.ai.warm-up.models=simulated", "alchemist.ai.warm-up.ping-interval=1m")
        .run(context -> assertThat(context).hasSingleBean(ModelWarmer.class));
    Runners.alchemist().run(context -> assertThat(context).doesNotHaveBean(ModelWarmer.class));
  }

  @Test
  void answerCache_off_noBean() {
    Runners.alchemist().run(context -> assertThat(context).doesNotHaveBean(ResponseCache.class));
  }

  /** Takes every chunk. */
  static final class Drain implements Flow.Subscriber<String> {
    @Override
    public void onSubscribe(Flow.Subscription subscription) {
      subscription.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(String chunk) {}

    @Override
    public void onError(Throwable failure) {}

    @Override
    public void onComplete() {}
  }

  @Configuration(proxyBeanMethods = false)
  static class HostModel {
    @Bean(destroyMethod = "close")
    ChatModel hostModel() {
      return SimulatedChatModel.builder().seed(7).build();
    }
  }
}
