package dev.alchemist.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.ByteArrayInputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MetricsEndpointIT {
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final MetricsEndpoint endpoint =
      MetricsEndpoint.create(registry, MetricsEndpointSettings.builder().port(0).build());

  MetricsEndpointIT() {
    RequestTracker.create(registry).track("dialog.create", () -> {});
  }

  @AfterEach
  void close() {
    endpoint.close();
    registry.close();
  }

  @Test
  void start_defaultSettings_bindsLoopbackOnEphemeralPort() {
    endpoint.start();

    assertThat(endpoint.isRunning()).isTrue();
    assertThat(endpoint.address().getAddress().isLoopbackAddress()).isTrue();
    assertThat(endpoint.port()).isPositive();
    assertThat(endpoint.uri().toString())
        .isEqualTo("http://127.0.0.1:" + endpoint.port() + "/metrics");
  }

  @Test
  void get_noAccept_answersText004() throws Exception {
    endpoint.start();

    HttpResponse<String> response = Scrapes.get(endpoint.uri(), null);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValue("text/plain; version=0.0.4; charset=utf-8");
    assertThat(response.body())
        .contains("# TYPE alchemist_requests_total counter")
        .contains("alchemist_requests_total{exception=\"none\",operation=\"dialog.create\"")
        .doesNotContain("# EOF");
  }

  @Test
  void get_prometheusAcceptHeader_answersOpenMetrics() throws Exception {
    endpoint.start();

    // What Prometheus 2.x/3.x sends by default.
    HttpResponse<String> response =
        Scrapes.get(
            endpoint.uri(),
            "application/openmetrics-text;version=1.0.0;q=0.5,"
                + "application/openmetrics-text;version=0.0.1;q=0.4,text/plain;version=0.0.4;q=0.3,"
                + "*/*;q=0.2");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValue("application/openmetrics-text; version=1.0.0; charset=utf-8");
    assertThat(response.body())
        .contains("# TYPE alchemist_requests counter")
        .contains("alchemist_requests_total{")
        .endsWith("# EOF\n");
  }

  @Test
  void get_openMetricsRefusedWithQZero_answersText() throws Exception {
    endpoint.start();

    HttpResponse<String> response =
        Scrapes.get(endpoint.uri(), "application/openmetrics-text;q=0, text/plain");

    assertThat(response.headers().firstValue("Content-Type"))
        .hasValue("text/plain; version=0.0.4; charset=utf-8");
  }

  @Test
  void get_acceptGzip_answersCompressedBody() throws Exception {
    endpoint.start();
    HttpRequest request =
        HttpRequest.newBuilder(endpoint.uri()).header("Accept-Encoding", "gzip").GET().build();

    HttpResponse<byte[]> response =
        HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofByteArray());

    assertThat(response.headers().firstValue("Content-Encoding")).hasValue("gzip");
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(response.body()))) {
      assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8))
          .contains("alchemist_requests_total");
    }
  }

  @Test
  void head_metricsPath_answersHeadersWithoutBody() throws Exception {
    endpoint.start();
    HttpRequest head =
        HttpRequest.newBuilder(endpoint.uri())
            .method("HEAD", HttpRequest.BodyPublishers.noBody())
            .build();

    HttpResponse<String> response =
        HttpClient.newHttpClient().send(head, HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValue("text/plain; version=0.0.4; charset=utf-8");
    assertThat(response.body()).isEmpty();
  }

  @Test
  void request_otherPathOrMethod_answers404Or405() throws Exception {
    endpoint.start();
    URI other = endpoint.uri().resolve("/metricsx");
    HttpRequest post =
        HttpRequest.newBuilder(endpoint.uri()).POST(HttpRequest.BodyPublishers.noBody()).build();

    assertThat(Scrapes.get(other, null).statusCode()).isEqualTo(404);
    HttpResponse<String> response =
        HttpClient.newHttpClient().send(post, HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(405);
    assertThat(response.headers().firstValue("Allow")).hasValue("GET, HEAD");
  }

  @Test
  void stop_thenStart_servesAgainAndStopIsIdempotent() throws Exception {
    endpoint.start();
    endpoint.stop();
    endpoint.stop();
    assertThat(endpoint.isRunning()).isFalse();
    assertThatThrownBy(endpoint::port)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("metrics endpoint is not running");

    endpoint.start();

    assertThat(Scrapes.scrape(endpoint.uri())).contains("alchemist_requests_total");
  }

  @Test
  void start_portInUse_throwsNamingTheAddress() {
    endpoint.start();
    MetricsEndpoint second =
        MetricsEndpoint.create(
            registry,
            MetricsEndpointSettings.builder()
                .address(InetAddress.getLoopbackAddress())
                .port(endpoint.port())
                .build());

    assertThatThrownBy(second::start)
        .isInstanceOf(MetricsEndpointException.class)
        .hasMessageContaining("metrics endpoint cannot bind")
        .hasMessageContaining(":" + endpoint.port())
        .satisfies(
            e ->
                assertThat(((MetricsEndpointException) e).address().getPort())
                    .isEqualTo(endpoint.port()));
    assertThat(second.isRunning()).isFalse();
  }

  @Test
  void settings_badPathOrPort_refused() {
    assertThatThrownBy(() -> MetricsEndpointSettings.builder().path("metrics"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("path must start with '/' and contain no spaces, '?' or '#' but was 'metrics'");
    assertThatThrownBy(() -> MetricsEndpointSettings.builder().port(70_000))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("port must be between 0 and 65535 but was 70000");
  }
}
