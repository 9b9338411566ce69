package dev.alchemist.examples.dialogserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.socket.CloseStatus;
import org.springframework.web.reactive.socket.WebSocketMessage;
import org.springframework.web.reactive.socket.client.ReactorNettyWebSocketClient;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The answer stream and the dashboard socket on a running server. */
class StreamAndDashboardTest {
  private static final ParameterizedTypeReference<ServerSentEvent<String>> SSE =
      new ParameterizedTypeReference<>() {};
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private static ServerFixture server;
  private static WebClient client;
  private final ReactorNettyWebSocketClient sockets = new ReactorNettyWebSocketClient();

  @BeforeAll
  static void start() {
    server = new ServerFixture();
    client = WebClient.create(server.base());
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void streamGet_sendsTheAnswerAsChunkEventsThenDone() {
    List<ServerSentEvent<String>> events =
        client
            .get()
            .uri("/api/stream?prompt=Why+is+the+sky+blue")
            .accept(MediaType.TEXT_EVENT_STREAM)
            .retrieve()
            .bodyToFlux(SSE)
            .collectList()
            .block(Duration.ofSeconds(30));
    assertThat(events).isNotNull();
    assertThat(events).hasSizeGreaterThan(2);
    assertThat(events.get(0).event()).isEqualTo("chunk");
    assertThat(events.get(0).data()).isNotBlank();
    assertThat(events.get(events.size() - 1).event()).isEqualTo("done");
  }

  @Test
  void streamPost_takesThePromptFromTheBody() {
    List<ServerSentEvent<String>> events =
        client
            .post()
            .uri("/api/stream")
            .contentType(MediaType.APPLICATION_JSON)
            .bodyValue("{\"prompt\":\"hello\"}")
            .accept(MediaType.TEXT_EVENT_STREAM)
            .retrieve()
            .bodyToFlux(SSE)
            .collectList()
            .block(Duration.ofSeconds(30));
    assertThat(events).isNotNull();
    assertThat(events.get(events.size() - 1).event()).isEqualTo("done");
  }

  @Test
  void streamPost_withMalformedJson_is400() {
    server
        .http
        .post()
        .uri("/api/stream")
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue("{prompt")
        .exchange()
        .expectStatus()
        .isBadRequest();
  }

  @Test
  void stream_whoseClientDisconnects_cancelsTheModelCall() {
    int callsBefore = CancellationProbe.MODEL_CALLS.get();
    int cancelsBefore = CancellationProbe.MODEL_CANCELS.get();
    // The probe's model takes two seconds per answer: leave after the first chunk.
    ServerSentEvent<String> first =
        client
            .get()
            .uri("/api/stream?prompt=a+long+answer")
            .accept(MediaType.TEXT_EVENT_STREAM)
            .retrieve()
            .bodyToFlux(SSE)
            .next()
            .block(Duration.ofSeconds(30));
    assertThat(first).isNotNull();
    assertThat(CancellationProbe.MODEL_CALLS.get()).isGreaterThan(callsBefore);
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> assertThat(CancellationProbe.MODEL_CANCELS.get()).isGreaterThan(cancelsBefore));
  }

  @Test
  void dashboard_subscribedToAll_receivesStatsFrames() {
    JsonNode frame = JSON.readTree(firstFrame("{\"type\":\"subscribe\",\"domain\":\"all\"}"));
    assertThat(frame.path("type").asString()).isEqualTo("stats");
    assertThat(frame.path("domain").asString()).isEqualTo("all");
    assertThat(frame.has("eventsPerSecond")).isTrue();
    assertThat(frame.has("activeDialogs")).isTrue();
    assertThat(frame.has("activeStreams")).isTrue();
    assertThat(frame.path("latencyMs").has("p99")).isTrue();
  }

  @Test
  void dashboard_subscribedToADomain_receivesThatDomainsFrames() {
    server
        .http
        .post()
        .uri("/api/dialogs")
        .header(HttpHeaders.AUTHORIZATION, "Bearer " + ServerFixture.TOKEN)
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue("{}")
        .exchange()
        .expectStatus()
        .isCreated();
    JsonNode frame = JSON.readTree(firstFrame("{\"type\":\"subscribe\",\"domain\":\"dialog\"}"));
    assertThat(frame.path("domain").asString()).isEqualTo("dialog");
    assertThat(frame.path("events").asLong()).isPositive();
  }

  @Test
  void dashboard_aMessageThatIsNotTheProtocol_closesWithAReason() {
    AtomicReference<CloseStatus> closed = new AtomicReference<>();
    sockets
        .execute(
            URI.create("ws://127.0.0.1:" + server.port + "/dashboard"),
            session ->
                session
                    .send(Mono.just(session.textMessage("{\"type\":\"hello\"}")))
                    .then(session.closeStatus())
                    .doOnNext(closed::set)
                    .then())
        .block(Duration.ofSeconds(30));
    assertThat(closed.get()).isNotNull();
    assertThat(closed.get().getCode()).isEqualTo(CloseStatus.POLICY_VIOLATION.getCode());
    assertThat(closed.get().getReason()).isEqualTo(DashboardSocketHandler.PROTOCOL_HINT);
  }

  private String firstFrame(String subscribe) {
    AtomicReference<String> frame = new AtomicReference<>();
    sockets
        .execute(
            URI.create("ws://127.0.0.1:" + server.port + "/dashboard"),
            session ->
                session
                    .send(Mono.just(session.textMessage(subscribe)))
                    .thenMany(session.receive().map(WebSocketMessage::getPayloadAsText).take(1))
                    .doOnNext(frame::set)
                    .then())
        .block(Duration.ofSeconds(30));
    assertThat(frame.get()).isNotNull();
    return frame.get();
  }
}
