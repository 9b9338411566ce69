package dev.alchemist.examples.dialogserver;

import dev.alchemist.ai.ChatRequest;
import dev.alchemist.ai.ChatStreamer;
import dev.alchemist.ai.ChunkStream;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.adapter.JdkFlowAdapter;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The model's answer as server-sent events, one {@code chunk} event per chunk of the {@link
 * ChatStreamer} (the first token at once, then the chunk policy's groups) and a final {@code done}.
 * Reactor's demand reaches the chunk stream, so a slow client slows the model rather than filling a
 * buffer; a client that disconnects cancels its subscription, and the model call with it.
 */
@RestController
class StreamController {
  /** The prompt of {@code GET /api/stream} without {@code prompt}: what the benchmark asks. */
  static final String DEFAULT_PROMPT = "Why is the sky blue?";

  static final int MAX_PROMPT_LENGTH = 16 * 1024;

  private final ChatStreamer chat;
  private final JsonBodies bodies;
  private final ServerActivity activity;
  private final String model;

  StreamController(
      ChatStreamer chat,
      JsonBodies bodies,
      ServerActivity activity,
      @Value("${dialog-server.model:simulated}") String model) {
    this.chat = chat;
    this.bodies = bodies;
    this.activity = activity;
    this.model = model;
  }

  /** {@code {"prompt":"..."}}. */
  record StreamRequest(@Nullable String prompt) {}

  @GetMapping(path = "/api/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
  Flux<ServerSentEvent<String>> get(
      @RequestParam(name = "prompt", required = false) @Nullable String prompt) {
    return stream(prompt == null ? DEFAULT_PROMPT : prompt);
  }

  @PostMapping(path = "/api/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
  Flux<ServerSentEvent<String>> post(ServerHttpRequest request) {
    return bodies
        .read(request, StreamRequest.class)
        .flatMapMany(in -> stream(in.prompt() == null ? DEFAULT_PROMPT : in.prompt()));
  }

  private Flux<ServerSentEvent<String>> stream(String prompt) {
    if (prompt.isBlank() || prompt.length() > MAX_PROMPT_LENGTH) {
      return Flux.error(
          JsonBodies.badRequest("the prompt must be 1 to " + MAX_PROMPT_LENGTH + " characters"));
    }
    return Flux.defer(
        () -> {
          ChunkStream answer = chat.stream(ChatRequest.of(model, prompt));
          activity.streamOpened();
          return JdkFlowAdapter.flowPublisherToFlux(answer)
              .map(chunk -> ServerSentEvent.builder(chunk).event("chunk").build())
              .concatWith(Mono.just(ServerSentEvent.builder("").event("done").build()))
              .doFinally(signal -> activity.streamClosed());
        });
  }
}
