package dev.alchemist.examples.dialogserver;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.HttpHeaders;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/** One running server on a random port for a test class, with a small body limit. */
final class ServerFixture implements AutoCloseable {
  static final String TOKEN = "test-token";
  static final int MAX_BODY = 2048;

  final ConfigurableApplicationContext context;
  final int port;
  final WebTestClient http;

  ServerFixture(String... extraArgs) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--server.port=0",
                "--dialog-server.demo-token=" + TOKEN,
                "--dialog-server.max-body-bytes=" + MAX_BODY,
                // Several servers in one JVM: keep each on its own registry.
                "--management.metrics.use-global-registry=false"));
    args.addAll(List.of(extraArgs));
    context =
        new SpringApplicationBuilder(DialogServerApplication.class, CancellationProbe.class)
            .run(args.toArray(String[]::new));
    port = Integer.parseInt(context.getEnvironment().getProperty("local.server.port", "0"));
    // One connection per request: a full build once saw a request on a reused keep-alive
    // connection wait out the response timeout with nothing reaching the server's handlers; which
    // side drops it is not known yet, and these tests are about the API, not connection reuse.
    http =
        WebTestClient.bindToServer(
                new ReactorClientHttpConnector(
                    HttpClient.create(ConnectionProvider.newConnection())))
            .baseUrl("http://127.0.0.1:" + port)
            .responseTimeout(Duration.ofSeconds(30))
            .build();
  }

  /** The body of a 200 answer to a GET with the test's bearer token. */
  String getOk(String uri) {
    return http.get()
        .uri(uri)
        .header(HttpHeaders.AUTHORIZATION, "Bearer " + TOKEN)
        .exchange()
        .expectStatus()
        .isOk()
        .expectBody(String.class)
        .returnResult()
        .getResponseBody();
  }

  String base() {
    return "http://127.0.0.1:" + port;
  }

  @Override
  public void close() {
    context.close();
  }
}
