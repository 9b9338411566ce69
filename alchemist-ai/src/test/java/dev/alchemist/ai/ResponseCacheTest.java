package dev.alchemist.ai;

import static org.assertj.core.api.Assertions.assertThat;

import dev.alchemist.ai.internal.RecordingSubscriber;
import dev.alchemist.core.flow.FakeScheduler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ResponseCacheTest {
  private final FakeScheduler scheduler = new FakeScheduler();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final AtomicInteger calls = new AtomicInteger();
  private final ResponseStore store = ResponseStore.inMemory(100, scheduler.ticker());

  private static final ChatOptions T0 = ChatOptions.builder().temperature(0).build();

  private ChatStreamer streamer(SimulatedChatModel.Builder sim, ResponseCache cache) {
    ChatModel inner =
        sim.scheduler(scheduler)
            .ticker(scheduler.ticker())
            .meterRegistry(registry)
            .firstTokenLatency(Duration.ofMillis(100))
            .tokensPerSecond(100)
            .tokensPerAnswer(12)
            .build();
    ChatModel counting = new CountingChatModel(inner, calls);
    return ChatStreamer.builder()
        .model(counting)
        .scheduler(scheduler)
        .executor(Runnable::run) // timed flushes on the fake timer's thread: deterministic
        .ticker(scheduler.ticker())
        .meterRegistry(registry)
        .cache(cache)
        .build();
  }

  private RecordingSubscriber run(ChunkStream stream) {
    RecordingSubscriber s = RecordingSubscriber.unbounded();
    stream.subscribe(s);
    scheduler.advance(Duration.ofSeconds(5));
    return s;
  }

  private static ChatRequest ask(String prompt, ChatOptions options) {
    return ChatRequest.of("sim", List.of(ChatMessage.system("sys"), ChatMessage.user(prompt)))
        .withOptions(options);
  }

  @Test
  void temperatureZero_repeatIsReplayed_flaggedCached_withTheSameChunks() {
    try (ChatStreamer chat =
        streamer(SimulatedChatModel.builder(), ResponseCache.builder(store).build())) {
      ChunkStream first = chat.stream(ask("q", T0));
      RecordingSubscriber a = run(first);
      assertThat(first.summary().join().cached()).isFalse();
      ChunkStream second = chat.stream(ask("q", T0));
      RecordingSubscriber b = run(second);
      assertThat(b.items).isEqualTo(a.items);
      assertThat(b.completed).isTrue();
      assertThat(second.cached()).isTrue();
      assertThat(second.summary().join().cached()).isTrue();
      assertThat(calls).hasValue(1);
      assertThat(registry.get("alchemist.ai.cache.requests").tag("result", "hit").counter().count())
          .isEqualTo(1);
    }
  }

  @Test
  void identicalConcurrentRequests_shareOneModelCall() {
    try (ChatStreamer chat =
        streamer(SimulatedChatModel.builder(), ResponseCache.builder(store).build())) {
      ChunkStream one = chat.stream(ask("q", T0));
      RecordingSubscriber a = RecordingSubscriber.unbounded();
      one.subscribe(a);
      scheduler.advance(Duration.ofMillis(120));
      ChunkStream two = chat.stream(ask("q", T0));
      assertThat(chat.inFlight()).isEqualTo(1);
      RecordingSubscriber b = run(two);
      assertThat(b.text()).isEqualTo(a.text());
      assertThat(calls).hasValue(1);
      assertThat(chat.inFlight()).isZero();
    }
  }

  @Test
  void sampledRequests_areNotCached_unlessOptedIn() {
    ChatOptions warm = ChatOptions.builder().temperature(0.7).build();
    try (ChatStreamer chat =
        streamer(SimulatedChatModel.builder(), ResponseCache.builder(store).build())) {
      run(chat.stream(ask("q", warm)));
      run(chat.stream(ask("q", warm)));
      run(chat.stream(ask("q", ChatOptions.DEFAULTS)));
      assertThat(calls).hasValue(3);
    }
    calls.set(0);
    ResponseCache optIn = ResponseCache.builder(store).cacheWhen(r -> true).build();
    try (ChatStreamer chat = streamer(SimulatedChatModel.builder(), optIn)) {
      run(chat.stream(ask("q", warm)));
      run(chat.stream(ask("q", warm)));
      assertThat(calls).hasValue(1);
    }
  }

  @Test
  void failedOrTruncatedAnswers_areNeverStored() {
    try (ChatStreamer chat =
        streamer(
            SimulatedChatModel.builder().failAfterTokens(3),
            ResponseCache.builder(store).build())) {
      assertThat(run(chat.stream(ask("q", T0))).error).isInstanceOf(AiException.class);
      assertThat(run(chat.stream(ask("q", T0))).error).isInstanceOf(AiException.class);
      assertThat(calls).hasValue(2);
    }
    calls.set(0);
    ChatOptions truncated = T0.toBuilder().maxTokens(2).build();
    try (ChatStreamer chat =
        streamer(SimulatedChatModel.builder(), ResponseCache.builder(store).build())) {
      run(chat.stream(ask("q", truncated)));
      run(chat.stream(ask("q", truncated)));
      assertThat(calls).hasValue(2);
    }
  }

  @Test
  void cancelledAnswer_isNotStored() {
    try (ChatStreamer chat =
        streamer(SimulatedChatModel.builder(), ResponseCache.builder(store).build())) {
      RecordingSubscriber s = RecordingSubscriber.unbounded();
      chat.stream(ask("q", T0)).subscribe(s);
      scheduler.advance(Duration.ofMillis(130));
      s.cancel();
      run(chat.stream(ask("q", T0)));
      assertThat(calls).hasValue(2);
    }
  }

  @Test
  void entries_expireAfterTheTtl() {
    ResponseCache cache = ResponseCache.builder(store).ttl(Duration.ofMinutes(1)).build();
    try (ChatStreamer chat = streamer(SimulatedChatModel.builder(), cache)) {
      run(chat.stream(ask("q", T0)));
      scheduler.advance(Duration.ofSeconds(50));
      run(chat.stream(ask("q", T0)));
      assertThat(calls).hasValue(1);
      scheduler.advance(Duration.ofMinutes(1));
      run(chat.stream(ask("q", T0)));
      assertThat(calls).hasValue(2);
    }
  }

  @Test
  void key_coversModelSystemPromptMessagesOptionsAndTools() {
    ResponseCache cache = ResponseCache.builder(store).build();
    String base = cache.key(ask("q", T0));
    assertThat(cache.key(ask("q", T0))).isEqualTo(base);
    assertThat(cache.key(ask("q2", T0))).isNotEqualTo(base);
    assertThat(
            cache.key(
                ChatRequest.of("sim", List.of(ChatMessage.system("other"), ChatMessage.user("q")))
                    .withOptions(T0)))
        .isNotEqualTo(base);
    assertThat(
            cache.key(
                ChatRequest.of("sim2", List.of(ChatMessage.system("sys"), ChatMessage.user("q")))
                    .withOptions(T0)))
        .isNotEqualTo(base);
    assertThat(cache.key(ask("q", T0.toBuilder().topP(0.9).build()))).isNotEqualTo(base);
    assertThat(cache.key(ask("q", T0.toBuilder().seed(1).build()))).isNotEqualTo(base);
    assertThat(cache.key(ask("q", T0.toBuilder().stop("x").build()))).isNotEqualTo(base);
    assertThat(cache.key(ask("q", T0.toBuilder().tool("{\"name\":\"t\"}").build())))
        .isNotEqualTo(base);
    // A role change with the same text is a different conversation.
    assertThat(
            cache.key(
                ChatRequest.of("sim", List.of(ChatMessage.user("sys"), ChatMessage.user("q")))
                    .withOptions(T0)))
        .isNotEqualTo(base);
  }

  @Test
  void storeFailure_countsAsAMiss_andTheAnswerStillArrives() {
    ResponseStore broken =
        new ResponseStore() {
          @Override
          public CompletableFuture<Optional<CachedResponse>> get(String key) {
            return CompletableFuture.failedFuture(new IllegalStateException("store down"));
          }

          @Override
          public CompletableFuture<Void> put(String key, CachedResponse r, Duration ttl) {
            throw new IllegalStateException("store down");
          }
        };
    try (ChatStreamer chat =
        streamer(SimulatedChatModel.builder(), ResponseCache.builder(broken).build())) {
      RecordingSubscriber s = run(chat.stream(ask("q", T0)));
      assertThat(s.completed).isTrue();
      assertThat(
              registry
                  .get("alchemist.ai.cache.requests")
                  .tag("result", "store_error")
                  .counter()
                  .count())
          .isEqualTo(2);
    }
  }

  /** A store whose writes land when the test says so, like the round trip of a remote store. */
  private static final class SlowWrites implements ResponseStore {
    private final ResponseStore inner;
    final List<String> keys = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final List<Runnable> pending = new java.util.concurrent.CopyOnWriteArrayList<>();

    SlowWrites(ResponseStore inner) {
      this.inner = inner;
    }

    @Override
    public CompletableFuture<Optional<CachedResponse>> get(String key) {
      keys.add(key);
      return inner.get(key);
    }

    @Override
    public CompletableFuture<Void> put(String key, CachedResponse response, Duration ttl) {
      keys.add(key);
      CompletableFuture<Void> landed = new CompletableFuture<>();
      pending.add(() -> inner.put(key, response, ttl).thenRun(() -> landed.complete(null)));
      return landed;
    }

    void land() {
      pending.forEach(Runnable::run);
      pending.clear();
    }
  }

  @Test
  void identicalRequest_afterTheAnswerBeforeItsWriteLands_sharesTheFirstCall_andTheSummaryWaits() {
    SlowWrites slow = new SlowWrites(store);
    try (ChatStreamer chat =
        streamer(SimulatedChatModel.builder(), ResponseCache.builder(slow).build())) {
      ChunkStream first = chat.stream(ask("q", T0));
      RecordingSubscriber a = run(first);
      assertThat(a.completed).isTrue();
      // The answer is complete, its write has not landed yet: the summary waits for the write.
      assertThat(first.summary()).isNotDone();

      // Meanwhile an identical request joins the first call.
      ChunkStream second = chat.stream(ask("q", T0));
      RecordingSubscriber b = run(second);
      assertThat(b.completed).isTrue();
      assertThat(b.text()).isEqualTo(a.text()).isNotEmpty();
      assertThat(calls).hasValue(1);
      assertThat(chat.inFlight()).isEqualTo(1);

      // Once the write has landed, the summaries complete, the single-flight entry is gone and
      // the store answers.
      slow.land();
      assertThat(first.summary()).isCompleted();
      assertThat(first.summary().join().cached()).isFalse();
      assertThat(second.summary()).isCompleted();
      assertThat(chat.inFlight()).isZero();
      ChunkStream third = chat.stream(ask("q", T0));
      RecordingSubscriber c = run(third);
      assertThat(c.items).isEqualTo(a.items);
      assertThat(third.summary().join().cached()).isTrue();
      assertThat(calls).hasValue(1);
    }
  }

  @Test
  void storeKey_isTheRequestDigestAlone_withoutANamespaceOfItsOwn() {
    SlowWrites recording = new SlowWrites(store);
    ResponseCache cache = ResponseCache.builder(recording).build();
    try (ChatStreamer chat = streamer(SimulatedChatModel.builder(), cache)) {
      run(chat.stream(ask("q", T0)));
      recording.land();
    }
    String key = cache.key(ask("q", T0));
    assertThat(key).matches("[0-9a-f]{64}");
    assertThat(recording.keys).containsExactly(key, key); // the lookup, then the write
    assertThat(store.get(key).join()).isPresent();
    assertThat(ResponseCache.builder(store).keyPrefix("app:").build().key(ask("q", T0)))
        .isEqualTo("app:" + key);
  }
}
