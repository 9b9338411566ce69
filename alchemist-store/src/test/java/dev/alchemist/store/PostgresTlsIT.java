package dev.alchemist.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.alchemist.core.Dialog;
import dev.alchemist.testing.IssuedCertificate;
import dev.alchemist.testing.PrivatePostgres;
import dev.alchemist.testing.TestCertificateAuthority;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The store over TLS with {@code sslmode=verify-full} to a private PostgreSQL that accepts TLS
 * logins only and requires both a client certificate and a scram-sha-256 password, with
 * certificates made at test time. Each refusal says the database is unavailable and why; no
 * password or key material reaches a message, a cause, a toString() or a log.
 */
class PostgresTlsIT {
  private static final String USER = "alice";
  private static final String PASSWORD = "pw-" + UUID.randomUUID().toString().replace("-", "");
  private static final String WRONG_PASSWORD =
      "wrong-" + UUID.randomUUID().toString().substring(0, 8);
  private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.MILLIS);

  private static TestCertificateAuthority ca;
  private static TestCertificateAuthority otherCa;
  private static IssuedCertificate client;
  private static PrivatePostgres pg;
  private static List<String> secrets;

  private CapturedLogs logs;

  @BeforeAll
  static void startServer() {
    ca = TestCertificateAuthority.create("alchemist store test CA");
    otherCa = TestCertificateAuthority.create("some other CA");
    client = ca.issueClient(USER);
    pg = PrivatePostgres.withTls(USER, PASSWORD, ca.issueServer("127.0.0.1"), true);
    secrets = new ArrayList<>(List.of(PASSWORD, WRONG_PASSWORD));
    secrets.addAll(client.keyMaterial());
  }

  @AfterAll
  static void stopServer() {
    pg.close();
    ca.close();
    otherCa.close();
  }

  @BeforeEach
  void capture() {
    logs = new CapturedLogs();
  }

  @AfterEach
  void noSecretLogged() {
    logs.close();
    assertThat(logs.text()).as("logs").doesNotContain(secrets);
  }

  @Test
  void verifyFull_withTheCaAClientCertificateAndThePassword_storesAndReads() {
    try (AlchemistDatabase db =
        builder(url("127.0.0.1", ca, client), PASSWORD, Duration.ofSeconds(20)).build()) {
      Dialog dialog = Dialog.open("u1", "over tls", NOW);
      db.dialogs().insert(dialog);
      assertThat(db.dialogs().find(dialog.id())).contains(dialog);
      assertThat(db.toString()).doesNotContain(secrets);
    }
  }

  @Test
  void verifyFull_serverCertificateFromAnotherCa_failsNamingTheUntrustedCertificate() {
    Throwable failure = fail(url("127.0.0.1", otherCa, client), PASSWORD);
    assertThat(failure.getMessage()).contains("not issued by a trusted CA");
  }

  @Test
  void verifyFull_hostNameNotInTheCertificate_failsNamingTheHostName() {
    Throwable failure = fail(url("localhost", ca, client), PASSWORD);
    assertThat(failure.getMessage()).contains("localhost").contains("not for this host name");
  }

  @Test
  void verifyFull_withoutClientCertificate_failsNamingTheClientCertificate() {
    Throwable failure = fail(url("127.0.0.1", ca, null), PASSWORD);
    assertThat(failure.getMessage()).contains("client certificate");
  }

  @Test
  void verifyFull_wrongPassword_failsNamingTheLogin() {
    Throwable failure = fail(url("127.0.0.1", ca, client), WRONG_PASSWORD);
    assertThat(((DatabaseUnavailableException) failure).sqlState()).isEqualTo("28P01");
    assertThat(failure.getMessage()).contains("password authentication failed");
  }

  private Throwable fail(String url, String password) {
    // The pool retries a refused login until its connection timeout, so refusals get a shorter
    // one than the login that must succeed on a loaded machine.
    Throwable failure =
        catchThrowable(() -> builder(url, password, Duration.ofSeconds(3)).build().close());
    assertThat(failure).isInstanceOf(DatabaseUnavailableException.class);
    assertThat(failure.getMessage()).startsWith("database unavailable at jdbc:postgresql://");
    assertThat(PostgresFailuresIT.everything(failure)).doesNotContain(secrets);
    return failure;
  }

  private static String url(
      String host, TestCertificateAuthority trusted, @Nullable IssuedCertificate certificate) {
    String url =
        "jdbc:postgresql://"
            + host
            + ":"
            + pg.port()
            + "/postgres?sslmode=verify-full&sslrootcert="
            + trusted.certificateFile();
    if (certificate != null) {
      url +=
          "&sslcert="
              + certificate.certificateFile()
              + "&sslkey="
              + certificate.privateKeyDerFile();
    }
    return url;
  }

  private static AlchemistDatabase.Builder builder(
      String url, String password, Duration connectionTimeout) {
    return AlchemistDatabase.builder()
        .jdbcUrl(url)
        .user(USER)
        .password(password)
        .pool(PoolSettings.builder().maxConnections(2).connectionTimeout(connectionTimeout).build())
        .maintenanceInterval(Duration.ZERO)
        .meterRegistry(new SimpleMeterRegistry());
  }
}
