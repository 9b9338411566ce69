package dev.alchemist.examples.boot;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

/** The example runs on its embedded defaults and answers through every module. */
class BootDialogApplicationTest {
  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void example_onEmbeddedDefaults_answersAndReportsHealth() throws Exception {
    try (ConfigurableApplicationContext context =
        SpringApplication.run(BootDialogApplication.class, "--server.port=0")) {
      String base = "http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port");
      String dialog = post(base + "/dialogs?user=ada");
      String answer = post(base + "/dialogs/" + dialog + "/messages?text=hello");
      assertThat(answer).isNotBlank();
      assertThat(get(base + "/dialogs/" + dialog + "/messages"))
          .contains("USER: hello")
          .contains("ASSISTANT: ");
      assertThat(get(base + "/actuator/health"))
          .contains("\"alchemistRedis\"")
          .contains("\"alchemistPool\"");
      assertThat(get(base + "/actuator/prometheus"))
          .contains("alchemist_requests_total{")
          .contains("application=\"alchemist-boot-example\"");
    }
  }

  private String post(String uri) throws Exception {
    return send(HttpRequest.newBuilder(URI.create(uri)).POST(HttpRequest.BodyPublishers.noBody()));
  }

  private String get(String uri) throws Exception {
    return send(HttpRequest.newBuilder(URI.create(uri)).GET());
  }

  private String send(HttpRequest.Builder request) throws Exception {
    HttpResponse<String> response =
        http.send(
            request.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return response.body();
  }
}
