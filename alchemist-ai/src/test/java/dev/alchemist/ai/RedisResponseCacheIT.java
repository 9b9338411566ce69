package dev.alchemist.ai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.alchemist.ai.internal.RecordingSubscriber;
import dev.alchemist.cache.CacheManager;
import dev.alchemist.cache.CachePolicy;
import dev.alchemist.core.codec.CodecRegistry;
import dev.alchemist.core.codec.KryoCodecs;
import dev.alchemist.testing.TestServices;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The response cache on the real Redis through alchemist-cache: an answer computed by one instance
 * is replayed, flagged cached, by another instance without calling its model.
 */
class RedisResponseCacheIT {
  private static final ChatRequest QUESTION =
      ChatRequest.of("sim", List.of(ChatMessage.user("Why is the sky blue?")))
          .withOptions(ChatOptions.builder().temperature(0).build());

  private final String prefix = TestServices.uniquePrefix("aicache");
  private final CodecRegistry codecs = AiCodecs.register(KryoCodecs.builder()).build();

  private CacheManager caches(SimpleMeterRegistry registry) {
    return CacheManager.builder()
        .redis(TestServices.redis().uri())
        .keyPrefix(prefix)
        .codec(codecs)
        .meterRegistry(registry)
        .build();
  }

  private static ChatStreamer streamer(
      CacheManager caches, AtomicInteger modelCalls, SimpleMeterRegistry registry) {
    ChatModel simulated =
        SimulatedChatModel.builder()
            .firstTokenLatency(Duration.ofMillis(5))
            .tokensPerSecond(2_000)
            .tokensPerAnswer(20)
            .meterRegistry(registry)
            .build();
    ChatModel counting = new CountingChatModel(simulated, modelCalls);
    return ChatStreamer.builder()
        .model(counting)
        .meterRegistry(registry)
        .cache(ResponseCache.builder(ResponseStore.cache(caches)).build())
        .build();
  }

  private static String answer(ChatStreamer chat, boolean expectCached) {
    ChunkStream stream = chat.stream(QUESTION);
    RecordingSubscriber subscriber = RecordingSubscriber.unbounded();
    stream.subscribe(subscriber);
    subscriber.done.join();
    assertThat(stream.summary().join().cached()).isEqualTo(expectCached);
    return subscriber.text();
  }

  @Test
  void answerOfOneInstance_isReplayedByAnother_withoutCallingItsModel() {
    SimpleMeterRegistry registryA = new SimpleMeterRegistry();
    SimpleMeterRegistry registryB = new SimpleMeterRegistry();
    AtomicInteger callsA = new AtomicInteger();
    AtomicInteger callsB = new AtomicInteger();
    try (CacheManager cachesA = caches(registryA);
        CacheManager cachesB = caches(registryB);
        ChatStreamer a = streamer(cachesA, callsA, registryA);
        ChatStreamer b = streamer(cachesB, callsB, registryB)) {
      String original = answer(a, false);
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () ->
                  registryA.find("alchemist.cache.puts").tag("result", "stored").counters().stream()
                          .mapToDouble(c -> c.count())
                          .sum()
                      >= 1);

      String replayed = answer(b, true);

      assertThat(replayed).isEqualTo(original).isNotEmpty();
      assertThat(callsA).hasValue(1);
      assertThat(callsB).hasValue(0);
    }
  }

  @Test
  void answer_isStoredUnderTheRegionKey_withThePrefixOnce() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    AtomicInteger calls = new AtomicInteger();
    RedisClient redis = RedisClient.create(TestServices.redis().uri());
    try (CacheManager caches = caches(registry);
        ChatStreamer chat = streamer(caches, calls, registry);
        StatefulRedisConnection<String, String> raw = redis.connect()) {
      answer(chat, false);
      String digest = ResponseCache.builder(ResponseStore.inMemory(1)).build().key(QUESTION);
      assertThat(digest).matches("[0-9a-f]{64}");
      String expected = prefix + ":ai_responses:v1:" + digest;
      await().atMost(Duration.ofSeconds(10)).until(() -> !raw.sync().keys(prefix + ":*").isEmpty());
      assertThat(raw.sync().keys(prefix + ":*")).containsExactly(expected);
      assertThat(raw.sync().ttl(expected)).isPositive(); // the region TTL, jittered
      raw.sync().del(expected);
    } finally {
      redis.shutdown();
    }
  }

  @Test
  void answerOfOneInstance_isAHitForAnother_rightAfterItsSummary() {
    SimpleMeterRegistry registryA = new SimpleMeterRegistry();
    SimpleMeterRegistry registryB = new SimpleMeterRegistry();
    AtomicInteger callsA = new AtomicInteger();
    AtomicInteger callsB = new AtomicInteger();
    try (CacheManager cachesA = caches(registryA);
        CacheManager cachesB = caches(registryB);
        ChatStreamer a = streamer(cachesA, callsA, registryA);
        ChatStreamer b = streamer(cachesB, callsB, registryB)) {
      for (int i = 0; i < 20; i++) {
        ChatRequest question =
            ChatRequest.of("sim", List.of(ChatMessage.user("question " + i)))
                .withOptions(ChatOptions.builder().temperature(0).build());
        ChunkStream first = a.stream(question);
        first.subscribe(RecordingSubscriber.unbounded());
        assertThat(first.summary().join().cached()).isFalse();
        // No pause: B asks the moment A's summary is in.
        ChunkStream second = b.stream(question);
        second.subscribe(RecordingSubscriber.unbounded());
        assertThat(second.summary().join().cached()).as("question %d", i).isTrue();
      }
      assertThat(callsA).hasValue(20);
      assertThat(callsB).hasValue(0);
    }
  }

  @Test
  void codecWithoutTheAiTypes_failsFastWithTheFix() {
    try (CacheManager caches =
        CacheManager.builder()
            .redis(TestServices.redis().uri())
            .keyPrefix(prefix)
            .meterRegistry(new SimpleMeterRegistry())
            .build()) {
      assertThatThrownBy(() -> ResponseStore.cache(caches))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(CachedResponse.class.getSimpleName())
          .hasMessageContaining("AiCodecs.register");
    }
  }

  @Test
  void regionTtlDifferentFromTheResponseCacheTtl_isAConfigurationError() {
    try (CacheManager caches = caches(new SimpleMeterRegistry())) {
      ResponseStore store =
          ResponseStore.cache(
              caches, CachePolicy.AI_RESPONSES.toBuilder().ttl(Duration.ofMinutes(5)).build());
      CachedResponse response = new CachedResponse("sim", List.of("a"), "stop", 1, 1);
      assertThatThrownBy(() -> store.put("k", response, Duration.ofHours(1)).join())
          .hasMessageContaining("must equal the ttl of cache region 'ai_responses' (PT5M)");
    }
  }
}
