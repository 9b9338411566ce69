package dev.alchemist.examples.dialogserver;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.publisher.Flux;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The dialog API on a running server: happy paths and each bad input. */
class DialogApiTest {
  private static ServerFixture server;
  private static WebTestClient http;
  private static final JsonMapper JSON = JsonMapper.builder().build();

  @BeforeAll
  static void start() {
    server = new ServerFixture();
    http = server.http;
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void createDialog_withTheDemoToken_returnsItsId() {
    String id = createDialog("{\"title\":\"sky\"}");
    assertThat(UUID.fromString(id)).isNotNull();
  }

  @Test
  void createDialog_withoutToken_is401() {
    http.post()
        .uri("/api/dialogs")
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue("{}")
        .exchange()
        .expectStatus()
        .isUnauthorized()
        .expectBody(String.class)
        .value(body -> assertThat(error(body)).isEqualTo("a valid bearer token is required"));
  }

  @Test
  void createDialog_withUnknownToken_is401() {
    http.post()
        .uri("/api/dialogs")
        .header(HttpHeaders.AUTHORIZATION, "Bearer not-a-token")
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue("{}")
        .exchange()
        .expectStatus()
        .isUnauthorized();
  }

  @Test
  void createDialog_withMalformedJson_is400WithAMessage() {
    authorized("/api/dialogs", "{\"title\": ")
        .expectStatus()
        .isBadRequest()
        .expectBody(String.class)
        .value(body -> assertThat(error(body)).startsWith("malformed JSON body at line 1"));
  }

  @Test
  void createDialog_withUnknownField_is400NamingIt() {
    authorized("/api/dialogs", "{\"title\":\"a\",\"colour\":\"red\"}")
        .expectStatus()
        .isBadRequest()
        .expectBody(String.class)
        .value(body -> assertThat(error(body)).isEqualTo("unknown field 'colour'"));
  }

  @Test
  void createDialog_withOversizedBody_is413() {
    String big = "{\"title\":\"" + "x".repeat(ServerFixture.MAX_BODY) + "\"}";
    authorized("/api/dialogs", big).expectStatus().isEqualTo(413);
  }

  @Test
  void postMessage_withOversizedChunkedBody_is413() {
    String id = createDialog("{}");
    // No Content-Length: the limit must hold while the body streams in.
    byte[] chunk = "x".repeat(1000).getBytes(StandardCharsets.UTF_8);
    Flux<DataBuffer> body =
        Flux.range(0, 10).map(i -> DefaultDataBufferFactory.sharedInstance.wrap(chunk.clone()));
    http.post()
        .uri("/api/dialogs/" + id + "/messages")
        .header(HttpHeaders.AUTHORIZATION, "Bearer " + ServerFixture.TOKEN)
        .contentType(MediaType.APPLICATION_JSON)
        .body(body, DataBuffer.class)
        .exchange()
        .expectStatus()
        .isEqualTo(413);
  }

  @Test
  void messages_postedThenPaged_comeBackOldestFirstByKeyset() {
    String id = createDialog("{}");
    for (int i = 0; i < 3; i++) {
      authorized("/api/dialogs/" + id + "/messages", "{\"content\":\"m" + i + "\"}")
          .expectStatus()
          .isCreated();
    }
    String first = get("/api/dialogs/" + id + "/messages?limit=2");
    assertThat(contents(first)).containsExactly("m1", "m2");
    String next = JSON.readTree(first).path("next").asString(null);
    assertThat(next).isNotNull();
    String older = get("/api/dialogs/" + id + "/messages?limit=2&before=" + next);
    assertThat(contents(older)).containsExactly("m0");

    // The first page of the default size comes from the history cache, and a post invalidates it.
    assertThat(contents(get("/api/dialogs/" + id + "/messages"))).containsExactly("m0", "m1", "m2");
    authorized("/api/dialogs/" + id + "/messages", "{\"content\":\"m3\"}")
        .expectStatus()
        .isCreated();
    assertThat(contents(get("/api/dialogs/" + id + "/messages")))
        .containsExactly("m0", "m1", "m2", "m3");
  }

  @Test
  void messages_ofAnUnknownDialog_are404() {
    String unknown = "/api/dialogs/" + UUID.randomUUID() + "/messages";
    authorized(unknown, "{\"content\":\"hello\"}")
        .expectStatus()
        .isNotFound()
        .expectBody(String.class)
        .value(body -> assertThat(error(body)).isEqualTo("no such dialog"));
    http.get()
        .uri(unknown)
        .header(HttpHeaders.AUTHORIZATION, "Bearer " + ServerFixture.TOKEN)
        .exchange()
        .expectStatus()
        .isNotFound();
  }

  @Test
  void page_withAForgedCursor_is400() {
    String id = createDialog("{}");
    http.get()
        .uri("/api/dialogs/" + id + "/messages?before=yesterday")
        .header(HttpHeaders.AUTHORIZATION, "Bearer " + ServerFixture.TOKEN)
        .exchange()
        .expectStatus()
        .isBadRequest();
  }

  @Test
  void createDialog_withEmptyBodyOrJsonNull_is400() {
    http.post()
        .uri("/api/dialogs")
        .header(HttpHeaders.AUTHORIZATION, "Bearer " + ServerFixture.TOKEN)
        .contentType(MediaType.APPLICATION_JSON)
        .exchange()
        .expectStatus()
        .isBadRequest()
        .expectBody(String.class)
        .value(body -> assertThat(error(body)).isEqualTo("a JSON body is required"));
    authorized("/api/dialogs", "null").expectStatus().isBadRequest();
  }

  @Test
  void page_withANonNumericOrOutOfRangeLimit_is400() {
    String id = createDialog("{}");
    for (String limit : List.of("ten", "0", "501")) {
      http.get()
          .uri("/api/dialogs/" + id + "/messages?limit=" + limit)
          .header(HttpHeaders.AUTHORIZATION, "Bearer " + ServerFixture.TOKEN)
          .exchange()
          .expectStatus()
          .isBadRequest();
    }
  }

  @Test
  void postMessage_withoutContent_is400() {
    String id = createDialog("{}");
    authorized("/api/dialogs/" + id + "/messages", "{}").expectStatus().isBadRequest();
  }

  private String createDialog(String body) {
    String json =
        authorized("/api/dialogs", body)
            .expectStatus()
            .isCreated()
            .expectBody(String.class)
            .returnResult()
            .getResponseBody();
    return JSON.readTree(json).path("id").asString();
  }

  private static String error(String body) {
    return JSON.readTree(body).path("error").asString();
  }

  private static List<String> contents(String page) {
    List<String> contents = new java.util.ArrayList<>();
    for (JsonNode message : JSON.readTree(page).path("messages")) {
      contents.add(message.path("content").asString());
    }
    return contents;
  }

  private String get(String uri) {
    return server.getOk(uri);
  }

  private WebTestClient.ResponseSpec authorized(String uri, String body) {
    return http.post()
        .uri(uri)
        .header(HttpHeaders.AUTHORIZATION, "Bearer " + ServerFixture.TOKEN)
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue(body)
        .exchange();
  }
}
