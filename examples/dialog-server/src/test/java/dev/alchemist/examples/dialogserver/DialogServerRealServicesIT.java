package dev.alchemist.examples.dialogserver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.alchemist.testing.PostgresAddress;
import dev.alchemist.testing.TestServices;
import io.nats.client.Connection;
import io.nats.client.Nats;
import java.net.URI;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.socket.WebSocketMessage;
import org.springframework.web.reactive.socket.client.ReactorNettyWebSocketClient;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * The server on the shared Redis, NATS (JetStream) and PostgreSQL, by properties alone, each under
 * a fresh name (key prefix, stream and subject root, schema) that is removed afterwards.
 */
class DialogServerRealServicesIT {

  @Test
  void server_onRedisNatsAndPostgres_startsAndCountsItsEventsFromNats() throws Exception {
    String name = TestServices.uniquePrefix("dialog_server_it");
    String stream = name.toUpperCase(java.util.Locale.ROOT);
    String nats = TestServices.nats().uri();
    PostgresAddress pg = TestServices.postgres();
    try (ServerFixture server =
        new ServerFixture(
            "--alchemist.cache.redis-uri=" + TestServices.redis().uri(),
            "--alchemist.cache.key-prefix=" + name,
            "--alchemist.nats.servers=" + nats,
            "--alchemist.nats.subject-root=" + name,
            "--alchemist.nats.streams.events.name=" + stream,
            "--alchemist.nats.streams.events.subjects=" + name + ".>",
            "--alchemist.nats.streams.events.storage=memory",
            "--alchemist.nats.streams.events.development=true",
            "--alchemist.store.embedded=false",
            "--alchemist.store.jdbc-url=" + pg.jdbcUrl(),
            "--alchemist.store.user=" + pg.user(),
            "--alchemist.store.schema=" + name)) {
      String created =
          server
              .http
              .post()
              .uri("/api/dialogs")
              .header(HttpHeaders.AUTHORIZATION, "Bearer " + ServerFixture.TOKEN)
              .contentType(MediaType.APPLICATION_JSON)
              .bodyValue("{\"title\":\"real\"}")
              .exchange()
              .expectStatus()
              .isCreated()
              .expectBody(String.class)
              .returnResult()
              .getResponseBody();
      String id = JsonMapper.builder().build().readTree(created).path("id").asString();
      server
          .http
          .post()
          .uri("/api/dialogs/" + id + "/messages")
          .header(HttpHeaders.AUTHORIZATION, "Bearer " + ServerFixture.TOKEN)
          .contentType(MediaType.APPLICATION_JSON)
          .bodyValue("{\"content\":\"hello\"}")
          .exchange()
          .expectStatus()
          .isCreated();

      // Both events came back through NATS into the dashboard's counter.
      AtomicReference<String> frame = new AtomicReference<>();
      new ReactorNettyWebSocketClient()
          .execute(
              URI.create("ws://127.0.0.1:" + server.port + "/dashboard"),
              session ->
                  session
                      .send(
                          Mono.just(
                              session.textMessage(
                                  "{\"type\":\"subscribe\",\"domain\":\"dialog\"}")))
                      .thenMany(
                          session
                              .receive()
                              .map(WebSocketMessage::getPayloadAsText)
                              .filter(f -> f.contains("\"events\":2,")))
                      .next()
                      .doOnNext(frame::set)
                      .then())
          .block(Duration.ofSeconds(30));
      assertThat(frame.get()).contains("\"domain\":\"dialog\"");
    } finally {
      // Not try-with-resources: Connection.close() throws InterruptedException (javac -Xlint:try).
      Connection connection = Nats.connect(nats);
      try {
        connection.jetStreamManagement().deleteStream(stream);
      } catch (Exception e) {
        // Already gone (the server never created it): nothing to clean.
      } finally {
        connection.close();
      }
      try (java.sql.Connection sql = pg.connect();
          Statement drop = sql.createStatement()) {
        drop.execute("DROP SCHEMA IF EXISTS " + name + " CASCADE");
      }
    }
  }
}
