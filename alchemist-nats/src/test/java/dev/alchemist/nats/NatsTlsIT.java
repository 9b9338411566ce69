package dev.alchemist.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import dev.alchemist.core.AlchemistException;
import dev.alchemist.core.DomainEvent;
import dev.alchemist.testing.CapturedOutput;
import dev.alchemist.testing.IssuedCertificate;
import dev.alchemist.testing.PrivateServer;
import dev.alchemist.testing.TestCertificateAuthority;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nats.client.Connection;
import io.nats.client.NKey;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * NATS over TLS to private nats-servers that require TLS, with certificates made at test time: one
 * with mutual TLS and a user and password, one with a token, one with NKey users. Each refusal
 * names NATS and the reason; no password, token, seed or key material reaches a message, a cause, a
 * toString() or the captured output.
 */
class NatsTlsIT {
  private static final String USER = "alchemist";
  private static final String PASSWORD = "pw-" + UUID.randomUUID().toString().replace("-", "");
  private static final String WRONG_PASSWORD =
      "wrong-" + UUID.randomUUID().toString().substring(0, 8);
  private static final String TOKEN = "tok-" + UUID.randomUUID().toString().replace("-", "");
  private static final String WRONG_TOKEN =
      "wrongtok-" + UUID.randomUUID().toString().substring(0, 8);

  /**
   * jnats waits for its connect timeout after a refused login or client certificate, so refusals
   * get a shorter one than connections that must succeed on a loaded machine; but not so short that
   * a slow handshake would be taken for the refusal.
   */
  private static final Duration REFUSAL_TIMEOUT = Duration.ofSeconds(3);

  private static TestCertificateAuthority ca;
  private static TestCertificateAuthority otherCa;
  private static IssuedCertificate client;
  private static PrivateServer mutual;
  private static PrivateServer withToken;
  private static PrivateServer withNKeys;
  private static PrivateServer withJwts;
  private static OperatorJwts jwts;
  private static Path jwtUser;
  private static Path foreignJwtUser;
  private static NKey userKey;
  private static NKey strangerKey;
  private static Path credentials;
  private static Path strangerCredentials;
  private static List<String> secrets;

  private CapturedOutput output;

  @BeforeAll
  static void startServers() throws Exception {
    ca = TestCertificateAuthority.create("alchemist nats test CA");
    otherCa = TestCertificateAuthority.create("some other CA");
    client = ca.issueClient("alchemist-nats");
    IssuedCertificate server = ca.issueServer("127.0.0.1");
    mutual = PrivateServer.natsTls(server, true, "--user", USER, "--pass", PASSWORD);
    withToken = PrivateServer.natsTls(server, false, "--auth", TOKEN);
    userKey = NKey.createUser(null);
    strangerKey = NKey.createUser(null);
    Path config = ca.directory().resolve("nkeys.conf");
    Files.writeString(
        config,
        "authorization { users = [ { nkey: \"" + new String(userKey.getPublicKey()) + "\" } ] }\n",
        StandardCharsets.UTF_8);
    withNKeys = PrivateServer.natsTls(server, false, "-c", config.toString());
    jwts = new OperatorJwts();
    Path operatorConfig = ca.directory().resolve("operator.conf");
    Files.writeString(operatorConfig, jwts.serverConfig(), StandardCharsets.UTF_8);
    withJwts = PrivateServer.natsTls(server, false, "-c", operatorConfig.toString());
    jwtUser = jwts.userCredentials(ca.directory(), "jwt-user");
    foreignJwtUser = new OperatorJwts().userCredentials(ca.directory(), "foreign-user");
    credentials = seedFile("user.nk", userKey);
    strangerCredentials = seedFile("stranger.nk", strangerKey);
    secrets = new ArrayList<>(List.of(PASSWORD, WRONG_PASSWORD, TOKEN, WRONG_TOKEN));
    secrets.add(new String(userKey.getSeed()));
    secrets.add(new String(strangerKey.getSeed()));
    secrets.addAll(client.keyMaterial());
    secrets.addAll(List.of(jwts.seeds()));
    for (Path creds : List.of(jwtUser, foreignJwtUser)) {
      String text = Files.readString(creds, StandardCharsets.US_ASCII);
      String seedHeader = "-----BEGIN USER NKEY SEED-----\n";
      int seed = text.indexOf(seedHeader) + seedHeader.length();
      secrets.add(text.substring(seed, text.indexOf('\n', seed))); // the user's seed
    }
  }

  /** An NKey seed file as nsc writes it: the seed on one line. */
  private static Path seedFile(String name, NKey key) throws Exception {
    Path file = ca.directory().resolve(name);
    Files.writeString(file, new String(key.getSeed()) + "\n", StandardCharsets.US_ASCII); // as nsc
    return file;
  }

  @AfterAll
  static void stopServers() {
    // Any of them is null when @BeforeAll failed part way; close the others all the same.
    for (AutoCloseable c : Arrays.asList(mutual, withToken, withNKeys, withJwts, ca, otherCa)) {
      try {
        if (c != null) {
          c.close();
        }
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
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
  void mutualTls_withClientCertificateAndPassword_publishesAndReceives() {
    try (NatsEvents events =
        connect(mutual, "127.0.0.1", client.sslContext(), o -> o.userInfo(USER, PASSWORD))) {
      assertThat(events.connection().getServerInfo().isTLSRequired()).isTrue();
      roundTrip(events);
      assertThat(events.toString()).doesNotContain(secrets);
      assertThat(events.settings().toString()).doesNotContain(secrets);
    }
  }

  @Test
  void mutualTls_serverCertificateFromAnotherCa_failsNamingTheUntrustedCertificate() {
    Throwable failure =
        fail(mutual, "127.0.0.1", otherCa.trustingContext(), o -> o.userInfo(USER, PASSWORD));
    assertThat(failure.getMessage()).contains("not issued by a trusted CA");
  }

  @Test
  void mutualTls_hostNameNotInTheCertificate_failsNamingTheHostName() {
    Throwable failure =
        fail(mutual, "localhost", client.sslContext(), o -> o.userInfo(USER, PASSWORD));
    assertThat(failure.getMessage()).contains("not for this host name");
  }

  @Test
  void jnatsAlone_doesNotCheckTheHostName_whichIsWhyNatsTlsExists() throws Exception {
    Options options =
        new Options.Builder()
            .server("nats://localhost:" + mutual.port())
            .sslContext(client.sslContext())
            .hostnameResolveMode(Options.HostnameResolveMode.HappyEyeballs)
            .userInfo(USER, PASSWORD)
            .maxReconnects(0)
            .build();
    Connection connection = Nats.connect(options);
    try {
      // Connected although the certificate names 127.0.0.1 only, not localhost.
      assertThat(connection.getStatus()).isEqualTo(Connection.Status.CONNECTED);
    } finally {
      connection.close();
    }
  }

  @Test
  void mutualTls_withoutClientCertificate_failsNamingTheClientCertificate() {
    Throwable failure =
        fail(mutual, "127.0.0.1", ca.trustingContext(), o -> o.userInfo(USER, PASSWORD));
    assertThat(failure.getMessage()).contains("client certificate");
  }

  @Test
  void mutualTls_wrongPassword_failsNamingAuthentication() {
    Throwable failure =
        fail(mutual, "127.0.0.1", client.sslContext(), o -> o.userInfo(USER, WRONG_PASSWORD));
    assertThat(failure.getMessage()).contains("authentication failed");
  }

  @Test
  void token_rightOneConnectsOverTls_wrongOneFailsNamingAuthentication() {
    try (NatsEvents events =
        connect(withToken, "127.0.0.1", ca.trustingContext(), o -> o.token(TOKEN.toCharArray()))) {
      roundTrip(events);
    }
    Throwable failure =
        fail(withToken, "127.0.0.1", ca.trustingContext(), o -> o.token(WRONG_TOKEN.toCharArray()));
    assertThat(failure.getMessage()).contains("authentication failed");
  }

  @Test
  void nkey_seedFileOfAKnownUserConnects_unknownKeyFailsNamingAuthentication() {
    try (NatsEvents events =
        connect(
            withNKeys,
            "127.0.0.1",
            ca.trustingContext(),
            o -> o.authHandler(Nats.credentials(null, credentials.toString())))) {
      roundTrip(events);
    }
    Throwable failure =
        fail(
            withNKeys,
            "127.0.0.1",
            ca.trustingContext(),
            o -> o.authHandler(Nats.credentials(null, strangerCredentials.toString())));
    assertThat(failure.getMessage()).contains("authentication failed");
  }

  @Test
  void jwt_credentialsFileOfAUserOfTheAccountConnects_userOfAnotherOperatorFails() {
    try (NatsEvents events =
        connect(
            withJwts,
            "127.0.0.1",
            ca.trustingContext(),
            o -> o.authHandler(Nats.credentials(jwtUser.toString())))) {
      roundTrip(events);
    }
    Throwable failure =
        fail(
            withJwts,
            "127.0.0.1",
            ca.trustingContext(),
            o -> o.authHandler(Nats.credentials(foreignJwtUser.toString())));
    assertThat(failure.getMessage()).contains("authentication failed");
  }

  private static void roundTrip(NatsEvents events) {
    List<ReceivedEvent> received = new CopyOnWriteArrayList<>();
    events.subscribe(events.subjects().all(), received::add);
    events.flush(Duration.ofSeconds(5));
    DomainEvent event = Fixtures.event("created", "{\"over\":\"tls\"}");
    events.publish(event);
    events.flush(Duration.ofSeconds(5));
    await().atMost(Duration.ofSeconds(10)).until(() -> received.size() == 1);
    assertThat(received.get(0).event()).isEqualTo(event);
  }

  private Throwable fail(
      PrivateServer server, String host, SSLContext tls, UnaryOperator<Options.Builder> auth) {
    Throwable failure =
        catchThrowable(() -> connect(server, host, tls, auth, REFUSAL_TIMEOUT).close());
    assertThat(failure).isInstanceOf(AlchemistException.class);
    assertThat(failure.getMessage()).contains("NATS at").contains(host + ":" + server.port());
    assertThat(CapturedOutput.everythingOf(failure)).doesNotContain(secrets);
    return failure;
  }

  private static NatsEvents connect(
      PrivateServer server, String host, SSLContext tls, UnaryOperator<Options.Builder> auth) {
    return connect(server, host, tls, auth, Duration.ofSeconds(20));
  }

  private static NatsEvents connect(
      PrivateServer server,
      String host,
      SSLContext tls,
      UnaryOperator<Options.Builder> auth,
      Duration timeout) {
    Options.Builder options =
        new Options.Builder()
            .server("nats://" + host + ":" + server.port())
            .connectionTimeout(timeout)
            .maxReconnects(0);
    NatsTls.configure(options, tls);
    return NatsEvents.builder()
        .options(auth.apply(options).build())
        .subjects(SubjectSpace.of("tls"))
        .meterRegistry(new SimpleMeterRegistry())
        .closeTimeout(Duration.ofSeconds(5))
        .build();
  }
}
