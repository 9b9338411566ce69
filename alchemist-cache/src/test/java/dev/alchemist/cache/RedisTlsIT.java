package dev.alchemist.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.alchemist.core.AlchemistException;
import dev.alchemist.testing.CapturedOutput;
import dev.alchemist.testing.IssuedCertificate;
import dev.alchemist.testing.PrivateServer;
import dev.alchemist.testing.TestCertificateAuthority;
import io.lettuce.core.SslOptions;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The cache over TLS to a private Redis that speaks TLS only, requires a client certificate and a
 * password, with certificates made at test time. Each refusal names Redis and the reason; no
 * password or key material reaches a message, a cause, a toString() or the captured output.
 */
class RedisTlsIT {
  private static final String PASSWORD = "pw-" + UUID.randomUUID().toString().replace("-", "");
  private static final String WRONG_PASSWORD =
      "wrong-" + UUID.randomUUID().toString().substring(0, 8);

  private static TestCertificateAuthority ca;
  private static TestCertificateAuthority otherCa;
  private static IssuedCertificate client;
  private static PrivateServer redis;
  private static List<String> secrets;

  private CapturedOutput output;

  @BeforeAll
  static void startServer() {
    ca = TestCertificateAuthority.create("alchemist cache test CA");
    otherCa = TestCertificateAuthority.create("some other CA");
    client = ca.issueClient("alchemist-cache");
    redis = PrivateServer.redisTls(ca.issueServer("127.0.0.1"), true, "--requirepass", PASSWORD);
    secrets = new ArrayList<>(List.of(PASSWORD, WRONG_PASSWORD));
    secrets.addAll(client.keyMaterial());
  }

  @AfterAll
  static void stopServer() {
    redis.close();
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
  void rediss_withTheCaAClientCertificateAndThePassword_putsAndGets() {
    try (CacheManager manager =
        builder("rediss://:" + PASSWORD + "@127.0.0.1:" + redis.port(), ca, true).build()) {
      Cache<String, String> cache =
          manager.cache(CachePolicy.builder("tls").build(), String.class, String.class);
      cache.put("greeting", "hello over TLS");
      assertThat(cache.get("greeting")).isEqualTo("hello over TLS");
      assertThat(manager.toString()).doesNotContain(secrets);
      assertThat(manager.settings().toString()).doesNotContain(secrets);
    }
  }

  @Test
  void rediss_serverCertificateFromAnotherCa_failsNamingTheUntrustedCertificate() {
    Throwable failure = connect("127.0.0.1", PASSWORD, otherCa, true);
    assertThat(failure.getMessage())
        .contains("Redis at rediss://127.0.0.1:" + redis.port())
        .contains("not issued by a trusted CA");
  }

  @Test
  void rediss_hostNameNotInTheCertificate_failsNamingTheHostName() {
    Throwable failure = connect("localhost", PASSWORD, ca, true);
    assertThat(failure.getMessage())
        .contains("Redis at rediss://localhost:" + redis.port())
        .contains("not for this host name");
  }

  @Test
  void rediss_withoutClientCertificate_failsNamingTheClientCertificate() {
    Throwable failure = connect("127.0.0.1", PASSWORD, ca, false);
    assertThat(failure.getMessage())
        .contains("Redis at rediss://127.0.0.1:" + redis.port())
        .contains("client certificate");
  }

  @Test
  void rediss_wrongPassword_failsNamingAuthentication() {
    Throwable failure = connect("127.0.0.1", WRONG_PASSWORD, ca, true);
    assertThat(failure.getMessage())
        .contains("Redis at rediss://127.0.0.1:" + redis.port())
        .contains("authentication failed");
  }

  private Throwable connect(
      String host, String password, TestCertificateAuthority trusted, boolean withCertificate) {
    Throwable failure =
        catchThrowable(
            () ->
                builder(
                        "rediss://:" + password + "@" + host + ":" + redis.port(),
                        trusted,
                        withCertificate)
                    .build()
                    .close());
    assertThat(failure).isInstanceOf(AlchemistException.class);
    assertThat(CapturedOutput.everythingOf(failure)).doesNotContain(secrets);
    return failure;
  }

  private static CacheManager.Builder builder(
      String uri, TestCertificateAuthority trusted, boolean withCertificate) {
    SslOptions.Builder tls = SslOptions.builder().jdkSslProvider();
    tls.trustManager(trusted.certificateFile().toFile());
    if (withCertificate) {
      tls.keyManager(client.certificateFile().toFile(), client.privateKeyFile().toFile(), null);
    }
    return CacheManager.builder()
        .redis(uri)
        .sslOptions(tls.build())
        .connectTimeout(Duration.ofSeconds(3))
        .meterRegistry(new SimpleMeterRegistry());
  }
}
