package dev.alchemist.examples.dialogserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.alchemist.core.flow.FanoutSettings;
import dev.alchemist.core.flow.FrameFanout;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The development seed endpoint (on only with {@code dialog-server.dev.seed-enabled=true}), the
 * page at {@code /}, and the dashboard tick's check.
 */
class DevSeedTest {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static ServerFixture seeding;
  private static ServerFixture plain;

  @BeforeAll
  static void start() {
    seeding = new ServerFixture("--dialog-server.dev.seed-enabled=true");
    plain = new ServerFixture();
  }

  @AfterAll
  static void stop() {
    seeding.close();
    plain.close();
  }

  @Test
  void seed_byDefault_doesNotExist() {
    post(plain.http, "{\"messages\":10}", true).expectStatus().isNotFound();
  }

  @Test
  void seed_withoutToken_is401() {
    post(seeding.http, "{\"messages\":10}", false).expectStatus().isUnauthorized();
  }

  @Test
  void seed_withNoneTooManyOrAWrongField_is400NamingIt() {
    Map<String, String> errors =
        Map.of(
            "{}", "'messages' must be 1 to 1000000, was null",
            "{\"messages\":0}", "'messages' must be 1 to 1000000, was 0",
            "{\"messages\":1000001}", "'messages' must be 1 to 1000000, was 1000001",
            "{\"messages\":5,\"x\":1}", "unknown field 'x'");
    errors.forEach(
        (body, error) ->
            post(seeding.http, body, true)
                .expectStatus()
                .isBadRequest()
                .expectBody(String.class)
                .value(answer -> assertThat(answer).as(body).contains(error)));
  }

  @Test
  void seed_makesADialogWhosePagesHoldEveryMessageInOrder() {
    String answer =
        post(seeding.http, "{\"messages\":120,\"title\":\"long\"}", true)
            .expectStatus()
            .isCreated()
            .expectBody(String.class)
            .returnResult()
            .getResponseBody();
    JsonNode seeded = JSON.readTree(answer);
    assertThat(seeded.path("messages").asLong()).isEqualTo(120);
    String id = seeded.path("id").asString();

    List<String> contents = new ArrayList<>();
    String before = null;
    do {
      JsonNode page =
          JSON.readTree(
              seeding.getOk(
                  "/api/dialogs/"
                      + id
                      + "/messages?limit=50"
                      + (before == null ? "" : "&before=" + before)));
      List<String> these = new ArrayList<>();
      page.path("messages").forEach(m -> these.add(m.path("content").asString()));
      contents.addAll(0, these);
      before = page.path("next").asString(null);
    } while (before != null);

    assertThat(contents).hasSize(120).startsWith("message 1 of 120").endsWith("message 120 of 120");
    for (int i = 0; i < contents.size(); i++) {
      assertThat(contents.get(i)).isEqualTo("message " + (i + 1) + " of 120");
    }
  }

  @Test
  void page_isServedAtTheRoot() {
    // The page needs no token; sending one changes nothing.
    String html = plain.getOk("/");
    assertThat(html).contains("<script src=\"dashboard.js\"></script>").contains("id=\"messages\"");
    plain.http.get().uri("/dashboard.js").exchange().expectStatus().isOk();
  }

  @Test
  void dashboardTick_outOfRange_isRefusedNamingTheProperty() {
    try (FrameFanout<String> fanout =
        FrameFanout.create(FanoutSettings.builder().name("t").build())) {
      for (Duration tick : List.of(Duration.ZERO, Duration.ofMillis(-1), Duration.ofMinutes(2))) {
        assertThatThrownBy(
                () ->
                    new DashboardPublisher(
                        new ServerActivity(),
                        new LatencyPercentiles(new SimpleMeterRegistry()),
                        fanout,
                        tick))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("dialog-server.dashboard.tick")
            .hasMessageContaining(tick.toString());
      }
    }
  }

  private static WebTestClient.ResponseSpec post(
      WebTestClient http, String body, boolean withToken) {
    WebTestClient.RequestBodySpec request =
        http.post().uri("/api/dev/seed").contentType(MediaType.APPLICATION_JSON);
    if (withToken) {
      request = request.header(HttpHeaders.AUTHORIZATION, "Bearer " + ServerFixture.TOKEN);
    }
    return request.bodyValue(body).exchange();
  }
}
