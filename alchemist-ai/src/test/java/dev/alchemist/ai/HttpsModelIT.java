package dev.alchemist.ai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import dev.alchemist.ai.internal.RecordingSubscriber;
import dev.alchemist.testing.CapturedOutput;
import dev.alchemist.testing.IssuedCertificate;
import dev.alchemist.testing.TestCertificateAuthority;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An OpenAI-style model endpoint over HTTPS with a certificate of a test CA that requires a client
 * certificate and checks the API key header. The client trusts the CA through {@code sslContext};
 * each refusal names the endpoint and the reason, and the API key and key material appear in no
 * message, cause, toString() or captured output.
 */
class HttpsModelIT {
  private static final String KEY = "sk-" + UUID.randomUUID().toString().replace("-", "");
  private static final String WRONG_KEY =
      "sk-wrong-" + UUID.randomUUID().toString().substring(0, 8);
  private static final String SSE =
      "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hello\"}}]}\n\n"
          + "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n"
          + "data: [DONE]\n\n";

  private static TestCertificateAuthority ca;
  private static TestCertificateAuthority otherCa;
  private static IssuedCertificate client;
  private static HttpsServer server;
  private static ExecutorService executor;
  private static List<String> secrets;

  private CapturedOutput output;

  @BeforeAll
  static void startServer() throws IOException {
    ca = TestCertificateAuthority.create("alchemist ai test CA");
    otherCa = TestCertificateAuthority.create("some other CA");
    client = ca.issueClient("alchemist-ai");
    IssuedCertificate certificate = ca.issueServer("127.0.0.1");
    server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setHttpsConfigurator(
        new HttpsConfigurator(certificate.sslContext()) {
          @Override
          public void configure(HttpsParameters params) {
            SSLParameters tls = getSSLContext().getDefaultSSLParameters();
            tls.setNeedClientAuth(true);
            params.setSSLParameters(tls);
          }
        });
    server.createContext("/", HttpsModelIT::answer);
    executor = Executors.newCachedThreadPool();
    server.setExecutor(executor);
    server.start();
    secrets = new ArrayList<>(List.of(KEY, WRONG_KEY));
    secrets.addAll(client.keyMaterial());
  }

  private static void answer(HttpExchange exchange) throws IOException {
    try (exchange) {
      exchange.getRequestBody().readAllBytes();
      if (!("Bearer " + KEY).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
        byte[] body =
            "{\"error\":{\"message\":\"invalid api key\"}}".getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(401, body.length);
        exchange.getResponseBody().write(body);
        return;
      }
      exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
      exchange.sendResponseHeaders(200, 0);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(SSE.getBytes(StandardCharsets.UTF_8));
      }
    }
  }

  @AfterAll
  static void stopServer() {
    server.stop(0);
    executor.shutdownNow();
    ca.close();
    otherCa.close();
  }

  @BeforeEach
  void capture() {
    output = CapturedOutput.start();
  }

  @AfterEach
  void noSecretPrinted() {
    output.close();
    assertThat(output.text()).as("captured output").doesNotContain(secrets);
  }

  @Test
  void https_withTheCaAClientCertificateAndTheApiKey_streamsTheAnswer() {
    try (ChatModel model = model("127.0.0.1", client.sslContext(), KEY)) {
      RecordingSubscriber s = run(model);
      assertThat(s.error).isNull();
      assertThat(s.items).containsExactly("Hello");
      assertThat(model.toString()).doesNotContain(secrets);
    }
  }

  @Test
  void https_serverCertificateFromAnotherCa_failsNamingTheUntrustedCertificate() {
    AiException failure = fail("127.0.0.1", otherCa.trustingContext(), KEY);
    assertThat(failure.getMessage())
        .contains("at https://127.0.0.1:")
        .contains("not issued by a trusted CA");
  }

  @Test
  void https_hostNameNotInTheCertificate_failsNamingTheHostName() {
    AiException failure = fail("localhost", client.sslContext(), KEY);
    assertThat(failure.getMessage())
        .contains("https://localhost:")
        .contains("not for this host name");
  }

  @Test
  void https_withoutClientCertificate_failsNamingTheClientCertificate() {
    AiException failure = fail("127.0.0.1", ca.trustingContext(), KEY);
    assertThat(failure.getMessage())
        .contains("at https://127.0.0.1:")
        .contains("client certificate");
  }

  @Test
  void https_wrongApiKey_failsAsAuthentication() {
    AiException failure = fail("127.0.0.1", client.sslContext(), WRONG_KEY);
    assertThat(failure.reason()).isEqualTo(AiException.Reason.AUTH);
    assertThat(failure.getMessage()).contains("401");
  }

  private AiException fail(String host, SSLContext tls, String key) {
    try (ChatModel model = model(host, tls, key)) {
      RecordingSubscriber s = run(model);
      assertThat(s.error).isInstanceOf(AiException.class);
      AiException failure = (AiException) s.error;
      assertThat(failure.getMessage()).contains("openai model gpt-test");
      assertThat(CapturedOutput.everythingOf(failure)).doesNotContain(secrets);
      return failure;
    }
  }

  private static RecordingSubscriber run(ChatModel model) {
    RecordingSubscriber s = RecordingSubscriber.unbounded();
    model.stream(ChatRequest.of("gpt-test", "hi")).subscribe(s);
    await().atMost(Duration.ofSeconds(20)).until(() -> s.done.isDone());
    return s;
  }

  private static ChatModel model(String host, SSLContext tls, String key) {
    return OpenAiChatModel.builder()
        .baseUri("https://" + host + ":" + server.getAddress().getPort() + "/v1")
        .apiKey(key)
        .sslContext(tls)
        .maxRetries(0)
        .connectTimeout(Duration.ofSeconds(3))
        .meterRegistry(new SimpleMeterRegistry())
        .build();
  }
}
