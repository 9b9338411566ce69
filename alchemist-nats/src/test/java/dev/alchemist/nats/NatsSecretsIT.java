package dev.alchemist.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import dev.alchemist.core.AlchemistException;
import dev.alchemist.core.DomainEvent;
import dev.alchemist.testing.CapturedOutput;
import dev.alchemist.testing.PrivateServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nats.client.Connection;
import io.nats.client.Options;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Credentials never reach a message, a cause, a log line or a toString() of this module. Private
 * nats-servers that require a user and password or a token; wrong credentials, a server that is
 * down, and normal operation with an outage in the middle. Everything printed to stdout and stderr
 * (the slf4j-simple binding of the tests writes there) and everything jnats logs through
 * java.util.logging is captured and searched, and every exception's whole chain is printed and
 * searched.
 */
class NatsSecretsIT {
  private static final String USER = "alchemist";
  private static final String PASSWORD = "pw-" + UUID.randomUUID().toString().replace("-", "");
  private static final String WRONG_PASSWORD =
      "wrongpw-" + UUID.randomUUID().toString().substring(0, 8);
  private static final String TOKEN = "tok-" + UUID.randomUUID().toString().replace("-", "");
  private static final String WRONG_TOKEN =
      "wrongtok-" + UUID.randomUUID().toString().substring(0, 8);
  private static final List<String> SECRETS = List.of(PASSWORD, WRONG_PASSWORD, TOKEN, WRONG_TOKEN);

  private @Nullable CapturedOutput captured;

  @BeforeEach
  void capture() {
    captured = CapturedOutput.start();
  }

  @AfterEach
  void restore() {
    if (captured != null) {
      captured.close();
    }
  }

  @Test
  void connect_wrongPassword_noSecretInMessageCausesOrLogs() {
    try (PrivateServer server = PrivateServer.nats("--user", USER, "--pass", PASSWORD)) {
      Throwable failure =
          catchThrowable(() -> connect(url(server, USER + ":" + WRONG_PASSWORD)).close());
      assertThat(failure).isInstanceOf(AlchemistException.class);
      assertThat(failure.getMessage()).contains("127.0.0.1:" + server.port());
      assertNoSecret(failure);

      Throwable viaOptions =
          catchThrowable(
              () ->
                  NatsEvents.builder()
                      .options(
                          new Options.Builder()
                              .server(server.uri())
                              .userInfo(USER, WRONG_PASSWORD)
                              .maxReconnects(0)
                              .build())
                      .meterRegistry(new SimpleMeterRegistry())
                      .build()
                      .close());
      assertThat(viaOptions).isInstanceOf(AlchemistException.class);
      assertNoSecret(viaOptions);
    }
    assertNoSecretLogged();
  }

  @Test
  void connect_serverDown_noSecretInMessageCausesOrLogs() {
    String url;
    try (PrivateServer server = PrivateServer.nats("--user", USER, "--pass", PASSWORD)) {
      url = url(server, USER + ":" + PASSWORD);
    } // stopped: nothing listens on its port any more
    Throwable failure = catchThrowable(() -> connect(url).close());
    assertThat(failure).isInstanceOf(AlchemistException.class);
    assertNoSecret(failure);
    assertNoSecretLogged();
  }

  @Test
  void normalOperation_withAnOutage_noSecretInToStringsFailuresOrLogs() throws Exception {
    try (PrivateServer server = PrivateServer.nats("--user", USER, "--pass", PASSWORD)) {
      exercise(server, url(server, USER + ":" + PASSWORD));
    }
    assertNoSecretLogged();
  }

  @Test
  void token_wrongTokenServerDownAndNormalOperation_noSecretAnywhere() throws Exception {
    String url;
    try (PrivateServer server = PrivateServer.nats("--auth", TOKEN)) {
      Throwable wrong = catchThrowable(() -> connect(url(server, WRONG_TOKEN)).close());
      assertThat(wrong).isInstanceOf(AlchemistException.class);
      assertNoSecret(wrong);
      url = url(server, TOKEN);
      exercise(server, url);
    }
    Throwable down = catchThrowable(() -> connect(url).close());
    assertThat(down).isInstanceOf(AlchemistException.class);
    assertNoSecret(down);
    assertNoSecretLogged();
  }

  /** Publishes, consumes, fails a publish, survives a restart; checks every toString(). */
  private void exercise(PrivateServer server, String url) throws Exception {
    SubjectSpace space = SubjectSpace.of("secrets");
    StreamSpec spec =
        StreamSpec.alchemistEvents().forDevelopment().toBuilder()
            .name("SECRETS")
            .subjects(space)
            .maxAge(Duration.ofHours(1))
            .build();
    List<String> events = new CopyOnWriteArrayList<>();
    try (NatsEvents bus =
        NatsEvents.builder()
            .url(url)
            .subjects(space)
            .meterRegistry(new SimpleMeterRegistry())
            .closeTimeout(Duration.ofSeconds(10))
            .listener(
                new EventBusListener() {
                  @Override
                  public void onConnectionEvent(String event) {
                    events.add(event);
                  }
                })
            .build()) {
      bus.provisioner().provision(spec);
      List<ReceivedEvent> received = new CopyOnWriteArrayList<>();
      try (JetStreamPublisher publisher =
              bus.jetStreamPublisher(JetStreamPublisherSettings.builder().stream(spec).build());
          EventConsumer consumer =
              bus.consume(
                  ConsumerSettings.builder(spec.name(), "secrets").filter(space.all()).build(),
                  received::add)) {
        DomainEvent event = Fixtures.event("created", "{}");
        publisher.publish(space.subject(event), event).get(10, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(10)).until(() -> received.size() == 1);
        Throwable refused =
            catchThrowable(
                () ->
                    bus.jetStreamPublisher(
                            JetStreamPublisherSettings.builder().expectedStream("OTHER").build())
                        .publish(space.subject(event), event)
                        .get(10, TimeUnit.SECONDS));
        assertThat(refused).isNotNull();
        assertNoSecret(refused);

        server.kill();
        await().atMost(Duration.ofSeconds(10)).until(() -> events.contains("disconnected"));
        server.restart();
        await()
            .atMost(Duration.ofSeconds(20))
            .until(() -> bus.connection().getStatus() == Connection.Status.CONNECTED);
        DomainEvent after = Fixtures.event("created", "{}");
        publisher.publish(space.subject(after), after).get(20, TimeUnit.SECONDS);

        for (Object o : List.of(bus, bus.settings(), publisher, publisher.settings(), consumer)) {
          assertThat(o.toString()).as(o.getClass().getSimpleName()).doesNotContain(SECRETS);
        }
      }
      bus.provisioner().delete(spec.name());
    }
  }

  private static String url(PrivateServer server, String userInfo) {
    return "nats://" + userInfo + "@127.0.0.1:" + server.port();
  }

  private static NatsEvents connect(String url) {
    return NatsEvents.builder().url(url).meterRegistry(new SimpleMeterRegistry()).build();
  }

  private static void assertNoSecret(Throwable failure) {
    StringWriter chain = new StringWriter();
    failure.printStackTrace(new PrintWriter(chain)); // every cause and suppressed, with toString()
    assertThat(chain.toString()).doesNotContain(SECRETS);
    for (Throwable t = failure; t != null; t = t.getCause()) {
      assertThat(String.valueOf(t.getMessage())).doesNotContain(SECRETS);
    }
  }

  private void assertNoSecretLogged() {
    assertThat(captured.text()).as("stdout, stderr and java.util.logging").doesNotContain(SECRETS);
  }
}
