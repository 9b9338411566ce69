package dev.alchemist.ai;

import static dev.alchemist.ai.WireServer.delta;
import static dev.alchemist.ai.WireServer.line;
import static dev.alchemist.ai.WireServer.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.alchemist.ai.internal.RecordingSubscriber;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Byte-exact bodies of the two providers' documented stream formats, replayed by a real loopback
 * HTTP server, driven through the public API. Most responses end the way real servers often do: the
 * end marker is sent and the connection stays open (no end of body), so only the marker can end the
 * stream. The idle timeout is far longer than any wait here, so a stream that completes did so on
 * the marker, not on a timeout.
 */
class WireConformanceTest {
  private static final StreamTimeouts PATIENT =
      new StreamTimeouts(Duration.ofMinutes(2), Duration.ofMinutes(2), Duration.ofMinutes(5));

  private final WireServer server = new WireServer();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final List<String> skipped = new CopyOnWriteArrayList<>();
  private final AiListener listener =
      new AiListener() {
        @Override
        public void onSkipped(String provider, String model, String why) {
          skipped.add(why);
        }
      };

  WireConformanceTest() throws java.io.IOException {}

  @AfterEach
  void stop() {
    server.close();
  }

  private ChatModel openAi() {
    return OpenAiChatModel.builder()
        .baseUri(server.baseUri() + "/v1")
        .apiKey("sk-test")
        .maxRetries(0)
        .timeouts(PATIENT)
        .meterRegistry(registry)
        .listener(listener)
        .build();
  }

  private ChatModel ollama() {
    return OllamaChatModel.builder()
        .baseUri(server.baseUri())
        .maxRetries(0)
        .timeouts(PATIENT)
        .meterRegistry(registry)
        .listener(listener)
        .build();
  }

  /** Streams one request; waits (well inside the timeouts) for the subscriber's end. */
  private static Outcome run(ChatModel model) throws Exception {
    try (model) {
      TokenStream stream = model.stream(ChatRequest.of("m", "hi"));
      RecordingSubscriber s = RecordingSubscriber.unbounded();
      stream.subscribe(s);
      await().atMost(Duration.ofSeconds(10)).until(() -> s.done.isDone());
      StreamSummary summary = s.completed ? stream.summary().get(1, TimeUnit.SECONDS) : null;
      return new Outcome(s, summary);
    }
  }

  private record Outcome(RecordingSubscriber subscriber, StreamSummary summary) {
    List<String> tokens() {
      return subscriber.items;
    }

    AiException failure() {
      assertThat(subscriber.error).isInstanceOf(AiException.class);
      return (AiException) subscriber.error;
    }
  }

  private static WireServer.Step bytes(String text) {
    return new WireServer.Bytes(text.getBytes(StandardCharsets.UTF_8));
  }

  private static final WireServer.Step HOLD = new WireServer.HoldOpen();

  // ---- OpenAI chat completions, as documented (chunk objects, a usage chunk, [DONE]) ----

  private static final String ROLE_CHUNK =
      "data: {\"id\":\"chatcmpl-123\",\"object\":\"chat.completion.chunk\",\"created\":1694268190,"
          + "\"model\":\"gpt-4o-mini\",\"system_fingerprint\":\"fp_44709d6fcb\",\"choices\":"
          + "[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"logprobs\":null,"
          + "\"finish_reason\":null}]}\n\n";
  private static final String STOP_CHUNK =
      "data: {\"id\":\"chatcmpl-123\",\"object\":\"chat.completion.chunk\",\"created\":1694268190,"
          + "\"model\":\"gpt-4o-mini\",\"system_fingerprint\":\"fp_44709d6fcb\",\"choices\":"
          + "[{\"index\":0,\"delta\":{},\"logprobs\":null,\"finish_reason\":\"stop\"}]}\n\n";
  private static final String USAGE_CHUNK =
      "data: {\"id\":\"chatcmpl-123\",\"object\":\"chat.completion.chunk\",\"created\":1694268190,"
          + "\"model\":\"gpt-4o-mini\",\"choices\":[],\"usage\":{\"prompt_tokens\":9,"
          + "\"completion_tokens\":2,\"total_tokens\":11}}\n\n";

  @Test
  void openAi_doneWhileTheServerKeepsTheConnectionOpen_completesTheStream() throws Exception {
    server.sse(
        write(ROLE_CHUNK),
        delta("Hello"),
        delta(" there"),
        write(STOP_CHUNK),
        write(USAGE_CHUNK),
        write("data: [DONE]\n\n"),
        HOLD);
    Outcome o = run(openAi());
    assertThat(o.subscriber().completed).isTrue();
    assertThat(o.tokens()).containsExactly("Hello", " there");
    assertThat(o.summary().finishReason()).isEqualTo("stop");
    assertThat(o.summary().promptTokens()).isEqualTo(9);
    assertThat(o.summary().completionTokens()).isEqualTo(2);
    assertThat(skipped).isEmpty();
  }

  @Test
  void openAi_bodyStartingWithAByteOrderMark_deliversTheFirstToken() throws Exception {
    // The BOM arrives in a write of its own and the first event right after it.
    server.sse(
        new WireServer.Bytes(new byte[] {(byte) 0xEF, (byte) 0xBB}),
        new WireServer.Bytes(new byte[] {(byte) 0xBF}),
        delta("First"),
        delta(" words"),
        write("data: [DONE]\n\n"));
    Outcome o = run(openAi());
    assertThat(o.tokens()).containsExactly("First", " words");
    assertThat(o.subscriber().completed).isTrue();
    assertThat(skipped).isEmpty();
  }

  @Test
  void openAi_mixedCaseContentTypeWithParameters_isAnEventStream() throws Exception {
    server.respond(
        200,
        Map.of("Content-Type", "Text/Event-Stream; Charset=UTF-8"),
        delta("ok"),
        write("data: [DONE]\n\n"),
        HOLD);
    Outcome o = run(openAi());
    assertThat(o.tokens()).containsExactly("ok");
    assertThat(o.subscriber().completed).isTrue();
  }

  @Test
  void openAi_contentTypeThatOnlyContainsEventStream_isAProtocolError() throws Exception {
    server.respond(
        200,
        Map.of("Content-Type", "application/x-not-event-stream"),
        delta("ok"),
        write("data: [DONE]\n\n"));
    Outcome o = run(openAi());
    assertThat(o.failure().reason()).isEqualTo(AiException.Reason.PROTOCOL);
    assertThat(o.failure()).hasMessageContaining("application/x-not-event-stream");
  }

  @Test
  void openAi_finalEventWithoutItsBlankLine_isDiscarded_andTheStreamIsTruncated() throws Exception {
    server.sse(
        delta("kept"),
        write(
            "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"half\"},"
                + "\"finish_reason\":null}]}\n"));
    Outcome o = run(openAi());
    assertThat(o.tokens()).containsExactly("kept");
    assertThat(o.failure().reason()).isEqualTo(AiException.Reason.STREAM);
    assertThat(o.failure()).hasMessageContaining("truncated");
    assertThat(skipped).singleElement().asString().contains("incomplete last SSE event");
  }

  @Test
  void openAi_unterminatedDoneAtTheEndOfTheBody_isNotAProperEnd() throws Exception {
    server.sse(delta("kept"), write("data: [DONE]"));
    Outcome o = run(openAi());
    assertThat(o.tokens()).containsExactly("kept");
    assertThat(o.failure().reason()).isEqualTo(AiException.Reason.STREAM);
    assertThat(o.failure()).hasMessageContaining("truncated");
    assertThat(skipped).singleElement().asString().contains("incomplete last SSE event");
  }

  @Test
  void openAi_everyEventStreamRule_inOneBody_splitAcrossWrites() throws Exception {
    byte[] smile = "\ud83d\ude42".getBytes(StandardCharsets.UTF_8);
    server.sse(
        write(": keep-alive\r\n\r\n"),
        // CR line ends, a retry and an id field, no space after the colon.
        write(
            "retry: 3000\rid: 1\rdata:{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"}}]}"),
        write("\r\r"),
        // CRLF split between two writes; an event type that is not "error".
        write(
            "event: message\r\ndata: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"b\"}}]}\r"),
        write("\n\r\n"),
        // Multi-line data (one JSON object over three data lines); a field without a colon
        // ("data" alone adds an empty line, which JSON reads as whitespace); an unknown field.
        write("data: {\"choices\":[{\"index\":0,\n"),
        write("data\nfoo: bar\n"),
        write("data: \"delta\":{\"content\":\"c\"}}]}\n\n"),
        // A four-byte character split across writes.
        write("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\""),
        new WireServer.Bytes(Arrays.copyOfRange(smile, 0, 2)),
        new WireServer.Bytes(Arrays.copyOfRange(smile, 2, 4)),
        write("\"}}]}\n\n"),
        // An event with no data: nothing is dispatched, and its type does not leak.
        write("event: error\n\n"),
        write(STOP_CHUNK),
        write("data: [DONE]\r\n\r\n"),
        HOLD);
    Outcome o = run(openAi());
    assertThat(o.tokens()).containsExactly("a", "b", "c", "\ud83d\ude42");
    assertThat(o.subscriber().completed).isTrue();
    assertThat(o.summary().finishReason()).isEqualTo("stop");
    assertThat(skipped).isEmpty();
  }

  @Test
  void openAi_bytesAfterDone_areIgnored() throws Exception {
    server.sse(delta("a"), write("data: [DONE]\n\n"), delta("late"), HOLD);
    Outcome o = run(openAi());
    assertThat(o.tokens()).containsExactly("a");
    assertThat(o.subscriber().completed).isTrue();
  }

  // ---- Ollama /api/chat, as documented (NDJSON, the done line with the durations) ----

  private static String ollamaLine(String content) {
    return "{\"model\":\"llama3.2\",\"created_at\":\"2023-08-04T08:52:19.385406455-07:00\","
        + "\"message\":{\"role\":\"assistant\",\"content\":"
        + WireServer.json(content)
        + "},\"done\":false}\n";
  }

  private static final String OLLAMA_DONE =
      "{\"model\":\"llama3.2\",\"created_at\":\"2023-08-04T19:22:45.499127Z\",\"message\":"
          + "{\"role\":\"assistant\",\"content\":\"\"},\"done\":true,\"done_reason\":\"stop\","
          + "\"total_duration\":4883583458,\"load_duration\":1334875,\"prompt_eval_count\":26,"
          + "\"prompt_eval_duration\":342546000,\"eval_count\":2,\"eval_duration\":4535599000}\n";

  @Test
  void ollama_doneLineWhileTheServerKeepsTheConnectionOpen_completesTheStream() throws Exception {
    server.ndjson(write(ollamaLine("The")), write(ollamaLine(" sky")), write(OLLAMA_DONE), HOLD);
    Outcome o = run(ollama());
    assertThat(o.subscriber().completed).isTrue();
    assertThat(o.tokens()).containsExactly("The", " sky");
    assertThat(o.summary().finishReason()).isEqualTo("stop");
    assertThat(o.summary().promptTokens()).isEqualTo(26);
    assertThat(o.summary().completionTokens()).isEqualTo(2);
    assertThat(o.summary().loadDuration()).isEqualTo(Duration.ofNanos(1334875));
  }

  @Test
  void ollama_bodyStartingWithAByteOrderMark_deliversTheFirstToken() throws Exception {
    server.ndjson(bytes("\uFEFF"), line("First"), write(OLLAMA_DONE));
    Outcome o = run(ollama());
    assertThat(o.tokens()).containsExactly("First");
    assertThat(o.subscriber().completed).isTrue();
    assertThat(skipped).isEmpty();
  }

  @Test
  void ollama_crLfLineEndsAndBlankLines_areLineEnds() throws Exception {
    server.ndjson(
        write(ollamaLine("a").replace("\n", "\r\n")),
        write("\r\n"),
        write(ollamaLine("b")),
        write(OLLAMA_DONE),
        HOLD);
    Outcome o = run(ollama());
    assertThat(o.tokens()).containsExactly("a", "b");
    assertThat(o.subscriber().completed).isTrue();
    assertThat(skipped).isEmpty();
  }
}
