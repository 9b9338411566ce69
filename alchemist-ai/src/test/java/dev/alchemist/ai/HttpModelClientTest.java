package dev.alchemist.ai;

import static dev.alchemist.ai.WireServer.delta;
import static dev.alchemist.ai.WireServer.line;
import static dev.alchemist.ai.WireServer.pause;
import static dev.alchemist.ai.WireServer.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.alchemist.ai.internal.RecordingSubscriber;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HttpModelClientTest {
  private static final String KEY = "sk-test-secret-0123456789";

  private final WireServer server = new WireServer();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final List<String> skipped = new CopyOnWriteArrayList<>();
  private final List<AiException> retries = new CopyOnWriteArrayList<>();
  private final AiListener listener =
      new AiListener() {
        @Override
        public void onSkipped(String provider, String model, String why) {
          skipped.add(why);
        }

        @Override
        public void onRetry(
            String provider, String model, int attempt, AiException failure, long delayMillis) {
          retries.add(failure);
        }
      };

  HttpModelClientTest() throws java.io.IOException {}

  @AfterEach
  void stop() {
    server.close();
  }

  private HttpModelSettings.Builder openAi() {
    return OpenAiChatModel.builder()
        .baseUri(server.baseUri() + "/v1")
        .apiKey(KEY)
        .initialBackoff(Duration.ofMillis(10))
        .meterRegistry(registry)
        .listener(listener);
  }

  private HttpModelSettings.Builder ollama() {
    return OllamaChatModel.builder()
        .baseUri(server.baseUri())
        .initialBackoff(Duration.ofMillis(10))
        .meterRegistry(registry)
        .listener(listener);
  }

  private static RecordingSubscriber run(ChatModel model, ChatRequest request) {
    TokenStream stream = model.stream(request);
    RecordingSubscriber s = RecordingSubscriber.unbounded();
    stream.subscribe(s);
    await().atMost(Duration.ofSeconds(20)).until(() -> s.done.isDone());
    return s;
  }

  private static AiException failure(RecordingSubscriber s) {
    assertThat(s.error).isInstanceOf(AiException.class);
    return (AiException) s.error;
  }

  @Test
  void openAi_sseStream_deliversTokensUsageAndFinishReason() throws Exception {
    server.sse(
        write(": keep-alive comment\n\n"),
        delta("Hel"),
        delta("lo"),
        // One event whose JSON spans two data lines, split across two writes.
        write("data: {\"choices\":[{\"index\":0,\"delta\":\n"),
        write("data: {\"content\":\" world\"},\"finish_reason\":\"stop\"}]}\r\n\r\n"),
        write("data: {\"choices\":[],\"usage\":{\"prompt_tokens\":7,\"completion_tokens\":3}}\n\n"),
        write("data: [DONE]\n\n"));
    try (ChatModel model = openAi().build()) {
      TokenStream stream = model.stream(ChatRequest.of("gpt-test", "hi"));
      RecordingSubscriber s = RecordingSubscriber.unbounded();
      stream.subscribe(s);
      StreamSummary summary = stream.summary().get(20, TimeUnit.SECONDS);
      await().until(() -> s.completed);
      assertThat(s.items).containsExactly("Hel", "lo", " world");
      assertThat(summary.finishReason()).isEqualTo("stop");
      assertThat(summary.promptTokens()).isEqualTo(7);
      assertThat(summary.completionTokens()).isEqualTo(3);
      assertThat(summary.tokens()).isEqualTo(3);
      assertThat(registry.get("alchemist.ai.first.token").tag("provider", "openai").timer().count())
          .isEqualTo(1);
      assertThat(registry.get("alchemist.ai.tokens").counter().count()).isEqualTo(3);
      await().until(() -> registry.get("alchemist.ai.streams.active").gauge().value() == 0);
    }
    WireServer.Received req = server.received.peek();
    assertThat(req.path()).isEqualTo("/v1/chat/completions");
    assertThat(req.headers().get("Authorization")).containsExactly("Bearer " + KEY);
    assertThat(req.body())
        .contains("\"stream\":true")
        .contains("\"stream_options\":{\"include_usage\":true}")
        .contains("\"role\":\"user\",\"content\":\"hi\"");
    assertThat(registry.find("alchemist.ai.tokens").counter()).isNull(); // removed on close
  }

  @Test
  void openAi_optionsAndTools_areSentVerbatim() {
    server.sse(delta("x"), write("data: [DONE]\n\n"));
    ChatOptions options =
        ChatOptions.builder()
            .temperature(0)
            .topP(0.5)
            .maxTokens(20)
            .stop("END")
            .seed(9)
            .tool("{\"type\":\"function\",\"function\":{\"name\":\"f\"}}")
            .build();
    try (ChatModel model = openAi().build()) {
      run(model, ChatRequest.of("gpt-test", "hi").withOptions(options));
    }
    assertThat(server.received.peek().body())
        .contains("\"temperature\":0.0")
        .contains("\"top_p\":0.5")
        .contains("\"max_tokens\":20")
        .contains("\"stop\":[\"END\"]")
        .contains("\"seed\":9")
        .contains("\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\"}}]");
  }

  @Test
  void openAi_malformedEvents_areSkippedCountedAndReported() {
    server.sse(
        delta("a"),
        write("data: {not json\n\n"),
        write("data: [1,2]\n\n"),
        write("garbage line without colon\n\n"),
        delta("b"),
        write("data: [DONE]\n\n"));
    try (ChatModel model = openAi().build()) {
      RecordingSubscriber s = run(model, ChatRequest.of("gpt-test", "hi"));
      assertThat(s.text()).isEqualTo("ab");
      assertThat(s.completed).isTrue();
      assertThat(registry.get("alchemist.ai.parse.skipped").counter().count()).isEqualTo(2);
    }
    assertThat(skipped).hasSize(2);
  }

  @Test
  void openAi_errorEventMidStream_deliversPartialTextThenStreamError() {
    server.sse(
        delta("partial"),
        write(
            "event: error\ndata: {\"error\":{\"message\":\"overloaded\",\"type\":\"server_error\"}}\n\n"));
    try (ChatModel model = openAi().build()) {
      RecordingSubscriber s = run(model, ChatRequest.of("gpt-test", "hi"));
      assertThat(s.items).containsExactly("partial");
      AiException e = failure(s);
      assertThat(e.reason()).isEqualTo(AiException.Reason.STREAM);
      assertThat(e.getMessage()).contains("overloaded");
      assertThat(e.tokensDelivered()).isEqualTo(1);
    }
    assertThat(retries).isEmpty();
  }

  @Test
  void openAi_disconnectMidStream_failsAfterThePartialText() {
    server.sse(delta("one"), delta("two"), new WireServer.Disconnect());
    try (ChatModel model = openAi().build()) {
      RecordingSubscriber s = run(model, ChatRequest.of("gpt-test", "hi"));
      assertThat(s.items).containsExactly("one", "two");
      assertThat(failure(s).reason()).isEqualTo(AiException.Reason.STREAM);
    }
  }

  @Test
  void openAi_endWithoutDone_isReportedAsTruncated() {
    server.sse(delta("one"));
    try (ChatModel model = openAi().build()) {
      RecordingSubscriber s = run(model, ChatRequest.of("gpt-test", "hi"));
      assertThat(failure(s).getMessage()).contains("truncated");
    }
  }

  @Test
  void slowDrip_failsWithIdleTimeout() {
    server.sse(delta("a"), pause(3_000), delta("b"), write("data: [DONE]\n\n"));
    StreamTimeouts t = StreamTimeouts.DEFAULTS.withIdle(Duration.ofMillis(300));
    try (ChatModel model = openAi().timeouts(t).build()) {
      RecordingSubscriber s = run(model, ChatRequest.of("gpt-test", "hi"));
      assertThat(s.items).containsExactly("a");
      AiException e = failure(s);
      assertThat(e.reason()).isEqualTo(AiException.Reason.TIMEOUT);
      assertThat(e.timeout()).contains(AiException.Timeout.IDLE);
    }
  }

  @Test
  void silentServer_failsWithFirstTokenTimeout_withoutRetrying() {
    server.sse(pause(3_000), delta("late"), write("data: [DONE]\n\n"));
    StreamTimeouts t = StreamTimeouts.DEFAULTS.withFirstToken(Duration.ofMillis(300));
    try (ChatModel model = openAi().timeouts(t).build()) {
      RecordingSubscriber s = run(model, ChatRequest.of("gpt-test", "hi"));
      assertThat(s.items).isEmpty();
      assertThat(failure(s).timeout()).contains(AiException.Timeout.FIRST_TOKEN);
    }
    assertThat(retries).isEmpty();
  }

  @Test
  void totalTimeout_endsAStreamThatNeverGoesIdle() {
    server.sse(
        new WireServer.DripUntilGone(
            "data: {\"choices\":[{\"delta\":{\"content\":\"x\"}}]}\n\n", Duration.ofMillis(20)));
    StreamTimeouts t =
        new StreamTimeouts(Duration.ofMillis(400), Duration.ofMillis(400), Duration.ofMillis(500));
    try (ChatModel model = openAi().timeouts(t).build()) {
      RecordingSubscriber s = run(model, ChatRequest.of("gpt-test", "hi"));
      assertThat(s.items).isNotEmpty();
      assertThat(failure(s).timeout()).contains(AiException.Timeout.TOTAL);
    }
  }

  @Test
  void rateLimited_honoursRetryAfter_thenStreams() {
    server
        .respond(429, Map.of("retry-after", "0"), write("{\"error\":{\"message\":\"slow down\"}}"))
        .sse(delta("ok"), write("data: [DONE]\n\n"));
    try (ChatModel model = openAi().build()) {
      RecordingSubscriber s = run(model, ChatRequest.of("gpt-test", "hi"));
      assertThat(s.items).containsExactly("ok");
    }
    assertThat(server.received).hasSize(2);
    assertThat(retries)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.reason()).isEqualTo(AiException.Reason.RATE_LIMITED);
              assertThat(e.retryAfter()).contains(Duration.ZERO);
            });
  }

  @Test
  void rateLimited_retryAfterBeyondTheCap_failsAtOnceWithTheHint() {
    server.respond(429, Map.of("retry-after", "3600"), write("{}"));
    try (ChatModel model = openAi().build()) {
      AiException e = failure(run(model, ChatRequest.of("gpt-test", "hi")));
      assertThat(e.reason()).isEqualTo(AiException.Reason.RATE_LIMITED);
      assertThat(e.retryAfter()).contains(Duration.ofHours(1));
      assertThat(e.httpStatus()).isEqualTo(429);
    }
    assertThat(server.received).hasSize(1);
  }

  @Test
  void unauthorized_failsWithAuth_andTheKeyNeverShows() {
    server.respond(
        401,
        Map.of("Content-Type", "application/json"),
        write("{\"error\":{\"message\":\"Incorrect API key provided: " + KEY + "\"}}"));
    try (ChatModel model = openAi().build()) {
      AiException e = failure(run(model, ChatRequest.of("gpt-test", "hi")));
      assertThat(e.reason()).isEqualTo(AiException.Reason.AUTH);
      assertThat(e.getMessage()).contains("HTTP 401").doesNotContain(KEY).contains("***");
      assertThat(model.toString()).doesNotContain(KEY);
    }
    assertThat(openAi().settings().toString()).doesNotContain(KEY);
    assertThat(server.received).hasSize(1);
  }

  @Test
  void serverErrors_areRetriedBeforeTheFirstToken_thenFail() {
    server
        .respond(500, Map.of(), write("oops"))
        .respond(502, Map.of(), write("oops"))
        .respond(503, Map.of(), write("oops"));
    try (ChatModel model = openAi().maxRetries(2).build()) {
      AiException e = failure(run(model, ChatRequest.of("gpt-test", "hi")));
      assertThat(e.reason()).isEqualTo(AiException.Reason.SERVER);
      assertThat(e.httpStatus()).isEqualTo(503);
    }
    assertThat(server.received).hasSize(3);
    assertThat(retries).hasSize(2);
  }

  @Test
  void disconnectBeforeTheFirstToken_isRetried() {
    server.sse(new WireServer.Disconnect()).sse(delta("ok"), write("data: [DONE]\n\n"));
    try (ChatModel model = openAi().build()) {
      RecordingSubscriber s = run(model, ChatRequest.of("gpt-test", "hi"));
      assertThat(s.items).containsExactly("ok");
    }
    assertThat(retries).hasSize(1);
  }

  @Test
  void nonSseResponse_failsAsProtocolError() {
    server.respond(200, Map.of("Content-Type", "application/json"), write("{\"choices\":[]}"));
    try (ChatModel model = openAi().build()) {
      AiException e = failure(run(model, ChatRequest.of("gpt-test", "hi")));
      assertThat(e.reason()).isEqualTo(AiException.Reason.PROTOCOL);
    }
  }

  @Test
  void connectionRefused_failsWithConnect_afterRetries() throws Exception {
    int port;
    try (var socket = new java.net.ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    try (ChatModel model =
        OpenAiChatModel.builder()
            .baseUri("http://127.0.0.1:" + port + "/v1")
            .initialBackoff(Duration.ofMillis(5))
            .maxRetries(1)
            .meterRegistry(registry)
            .build()) {
      AiException e = failure(run(model, ChatRequest.of("gpt-test", "hi")));
      assertThat(e.reason()).isEqualTo(AiException.Reason.CONNECT);
    }
  }

  @Test
  void cancel_closesTheHttpStream() throws Exception {
    server.sse(
        new WireServer.DripUntilGone(
            "data: {\"choices\":[{\"delta\":{\"content\":\"x\"}}]}\n\n", Duration.ofMillis(20)));
    try (ChatModel model = openAi().build()) {
      TokenStream stream = model.stream(ChatRequest.of("gpt-test", "hi"));
      RecordingSubscriber s = RecordingSubscriber.unbounded();
      stream.subscribe(s);
      await().atMost(Duration.ofSeconds(10)).until(() -> !s.items.isEmpty());
      s.cancel();
      assertThat(server.clientGone.await(15, TimeUnit.SECONDS)).isTrue();
      assertThatThrownBy(() -> stream.summary().get(5, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .cause()
          .isInstanceOf(AiException.class);
      assertThat(registry.get("alchemist.ai.streams.active").gauge().value()).isZero();
    }
  }

  @Test
  void secondSubscriber_ofATokenStream_isRejected() {
    server.sse(delta("a"), write("data: [DONE]\n\n"));
    try (ChatModel model = openAi().build()) {
      TokenStream stream = model.stream(ChatRequest.of("gpt-test", "hi"));
      stream.subscribe(RecordingSubscriber.unbounded());
      RecordingSubscriber second = RecordingSubscriber.unbounded();
      stream.subscribe(second);
      assertThat(second.error).isInstanceOf(IllegalStateException.class);
    }
  }

  @Test
  void ollama_ndjsonStream_deliversTokensAndDurations() throws Exception {
    server.ndjson(
        line("Hi"),
        write("\n"),
        line(" there"),
        write(
            "{\"model\":\"llama\",\"message\":{\"role\":\"assistant\",\"content\":\"\"},\"done\":true,"
                + "\"done_reason\":\"stop\",\"total_duration\":5000000,\"load_duration\":2000000,"
                + "\"prompt_eval_count\":11,\"eval_count\":2,\"eval_duration\":1000000}\n"));
    try (ChatModel model = ollama().keepAlive(Duration.ofMinutes(10)).build()) {
      TokenStream stream =
          model.stream(
              ChatRequest.of(
                      "llama", List.of(ChatMessage.system("be brief"), ChatMessage.user("hi")))
                  .withOptions(ChatOptions.builder().temperature(0.2).maxTokens(5).build()));
      RecordingSubscriber s = RecordingSubscriber.unbounded();
      stream.subscribe(s);
      StreamSummary summary = stream.summary().get(20, TimeUnit.SECONDS);
      assertThat(s.items).containsExactly("Hi", " there");
      assertThat(summary.loadDuration()).isEqualTo(Duration.ofMillis(2));
      assertThat(summary.promptTokens()).isEqualTo(11);
      assertThat(summary.completionTokens()).isEqualTo(2);
      assertThat(summary.finishReason()).isEqualTo("stop");
      assertThat(model.keepAlive()).contains(Duration.ofMinutes(10));
    }
    WireServer.Received req = server.received.peek();
    assertThat(req.path()).isEqualTo("/api/chat");
    assertThat(req.headers()).doesNotContainKey("Authorization");
    assertThat(req.body())
        .contains("\"keep_alive\":\"600s\"")
        .contains("\"options\":{\"temperature\":0.2,\"num_predict\":5}")
        .contains("{\"role\":\"system\",\"content\":\"be brief\"}");
  }

  @Test
  void ollama_errorLine_failsTheStreamAfterThePartialText() {
    server.ndjson(line("a"), write("{\"error\":\"model crashed\"}\n"));
    try (ChatModel model = ollama().build()) {
      RecordingSubscriber s = run(model, ChatRequest.of("llama", "hi"));
      assertThat(s.items).containsExactly("a");
      assertThat(failure(s).getMessage()).contains("model crashed");
    }
  }

  @Test
  void ollama_malformedLine_isSkipped() {
    server.ndjson(line("a"), write("{\"message\": oops}\n"), line("b"), write("{\"done\":true}\n"));
    try (ChatModel model = ollama().build()) {
      RecordingSubscriber s = run(model, ChatRequest.of("llama", "hi"));
      assertThat(s.text()).isEqualTo("ab");
      assertThat(s.completed).isTrue();
    }
    assertThat(skipped).hasSize(1);
  }

  @Test
  void ollama_unknownModel_failsAsBadRequest_withoutRetry() {
    server.respond(404, Map.of(), write("{\"error\":\"model 'nope' not found\"}"));
    try (ChatModel model = ollama().build()) {
      AiException e = failure(run(model, ChatRequest.of("nope", "hi")));
      assertThat(e.reason()).isEqualTo(AiException.Reason.BAD_REQUEST);
      assertThat(e.getMessage()).contains("not found");
    }
    assertThat(server.received).hasSize(1);
  }

  @Test
  void ollama_warmUp_loadsTheModelWithAnEmptyRequest() throws Exception {
    server.respond(
        200,
        Map.of("Content-Type", "application/json"),
        write(
            "{\"model\":\"llama\",\"message\":{\"role\":\"assistant\",\"content\":\"\"},"
                + "\"done_reason\":\"load\",\"done\":true}"));
    try (ChatModel model = ollama().build()) {
      Duration took = model.warmUp("llama").get(20, TimeUnit.SECONDS);
      assertThat(took).isPositive();
    }
    assertThat(server.received.peek().body())
        .contains("\"messages\":[]")
        .contains("\"keep_alive\":\"300s\"");
  }

  @Test
  void openAi_warmUp_isANoOp() throws Exception {
    try (ChatModel model = openAi().build()) {
      assertThat(model.warmUp("gpt-test").get()).isZero();
    }
    assertThat(server.received).isEmpty();
  }
}
