package dev.alchemist.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The TLS launchers start servers that speak TLS only, with certificates made at test time. */
class TlsServersIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(3);
  private static TestCertificateAuthority ca;
  private static IssuedCertificate server;

  @BeforeAll
  static void makeCertificates() {
    ca = TestCertificateAuthority.create("alchemist test-support CA");
    server = ca.issueServer("127.0.0.1");
  }

  @AfterAll
  static void deleteCertificates() {
    ca.close();
  }

  @Test
  void redisTls_withClientCertificate_answersPingOverTlsOnly() throws IOException {
    try (PrivateServer redis = PrivateServer.redisTls(server, true)) {
      assertThat(redis.uri()).startsWith("rediss://127.0.0.1:");
      Probes.redisPing(redis.address(), TIMEOUT, ca.issueClient("test").sslContext());
      assertThatThrownBy(() -> Probes.redisPing(redis.address(), TIMEOUT, ca.trustingContext()))
          .as("no client certificate")
          .isInstanceOf(IOException.class);
      assertThatThrownBy(() -> Probes.redisPing(redis.address(), TIMEOUT))
          .as("plain text")
          .isInstanceOf(IOException.class);
    }
  }

  @Test
  void redisTls_otherCa_isNotTrusted() {
    try (TestCertificateAuthority other = TestCertificateAuthority.create("other CA");
        PrivateServer redis = PrivateServer.redisTls(server, false)) {
      assertThatThrownBy(() -> Probes.redisPing(redis.address(), TIMEOUT, other.trustingContext()))
          .isInstanceOf(SSLException.class);
    }
  }

  @Test
  void natsTls_infoRequiresTls() throws IOException {
    try (PrivateServer nats = PrivateServer.natsTls(server, true)) {
      assertThat(Wire.natsInfo(nats.address())).contains("\"tls_required\":true");
    }
  }

  @Test
  void postgresWithTls_verifyFullWithPasswordAndCertificate_logsInAndPlainIsRefused()
      throws SQLException {
    IssuedCertificate client = ca.issueClient("alice");
    try (PrivatePostgres pg = PrivatePostgres.withTls("alice", "right-horse", server, true)) {
      Properties props = new Properties();
      props.setProperty("user", "alice");
      props.setProperty("password", "right-horse");
      props.setProperty("sslmode", "verify-full");
      props.setProperty("sslrootcert", ca.certificateFile().toString());
      props.setProperty("sslcert", client.certificateFile().toString());
      props.setProperty("sslkey", client.privateKeyDerFile().toString());
      try (Connection c = DriverManager.getConnection(pg.jdbcUrl(), props);
          Statement s = c.createStatement();
          ResultSet rs =
              s.executeQuery("select ssl from pg_stat_ssl where pid = pg_backend_pid()")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getBoolean(1)).isTrue();
      }
      Properties plain = new Properties();
      plain.setProperty("user", "alice");
      plain.setProperty("password", "right-horse");
      plain.setProperty("sslmode", "disable");
      assertThatThrownBy(() -> DriverManager.getConnection(pg.jdbcUrl(), plain).close())
          .isInstanceOf(SQLException.class)
          .hasMessageContaining("no encryption");
    }
  }

  @Test
  void close_deletesEveryCertificateAndKey() {
    Path directory;
    try (TestCertificateAuthority throwaway = TestCertificateAuthority.create("throwaway")) {
      directory = throwaway.directory();
      IssuedCertificate issued = throwaway.issueServer("localhost", "127.0.0.1");
      assertThat(issued.toString()).doesNotContain("PRIVATE");
      assertThat(Files.exists(issued.privateKeyFile())).isTrue();
    }
    assertThat(Files.exists(directory)).isFalse();
  }
}
