package dev.alchemist.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.alchemist.ai.ChatRequest;
import dev.alchemist.ai.ChatStreamer;
import dev.alchemist.ai.ChunkStream;
import dev.alchemist.cache.Cache;
import dev.alchemist.cache.CacheManager;
import dev.alchemist.core.Dialog;
import dev.alchemist.core.DomainEvent;
import dev.alchemist.core.Message;
import dev.alchemist.core.MessageRole;
import dev.alchemist.metrics.RequestTracker;
import dev.alchemist.nats.JetStreamPublisher;
import dev.alchemist.nats.NatsEvents;
import dev.alchemist.nats.PublishReceipt;
import dev.alchemist.nats.SubjectSpace;
import dev.alchemist.store.AlchemistDatabase;
import dev.alchemist.store.BatchSettings;
import dev.alchemist.store.BatchingWriter;
import dev.alchemist.testing.PostgresAddress;
import dev.alchemist.testing.ServiceAddress;
import dev.alchemist.testing.TestServices;
import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Boots a small web application on the real Redis, NATS JetStream and PostgreSQL, uses every module
 * through its beans, reads /actuator/prometheus, /actuator/health, /actuator/env and
 * /actuator/configprops, and shuts down with rows and events in flight.
 */
@SuppressWarnings("try") // jnats Connection.close() declares InterruptedException
class StarterApplicationIT {
  private static final int IN_FLIGHT = 200;
  private static final String NATS_TOKEN = "tok-hunter2-nats";
  private static final String API_KEY = "sk-hunter3-openai";

  private final ServiceAddress redis = TestServices.redis();
  private final ServiceAddress nats = TestServices.nats();
  private final PostgresAddress postgres = TestServices.postgres();
  private final String prefix = TestServices.uniquePrefix("bootit");
  private final String stream = prefix.toUpperCase(java.util.Locale.ROOT);

  @BeforeEach
  void createSchema() throws Exception {
    try (var c = postgres.connect();
        Statement s = c.createStatement()) {
      s.execute("CREATE SCHEMA " + prefix);
    }
  }

  @AfterEach
  void dropSchemaAndStream() throws Exception {
    try (var c = postgres.connect();
        Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA IF EXISTS " + prefix + " CASCADE");
    }
    try (Connection connection = Nats.connect(nats.uri())) {
      JetStreamManagement jsm = connection.jetStreamManagement();
      if (jsm.getStreamNames().contains(stream)) {
        jsm.deleteStream(stream);
      }
    }
  }

  @Test
  void application_onRealServices_servesMetricsHealthAndShutsDownLosingNothing() throws Exception {
    // Boot's console logging writes through System.out at each line, so a copy sees every log.
    ByteArrayOutputStream logs = new ByteArrayOutputStream();
    PrintStream console = System.out;
    System.setOut(new PrintStream(new TeeStream(console, logs), true, StandardCharsets.UTF_8));
    try {
      bootUseAndClose();
    } finally {
      System.setOut(console);
    }
    assertThat(logs.toString(StandardCharsets.UTF_8))
        .contains("Started")
        .doesNotContain(NATS_TOKEN)
        .doesNotContain(API_KEY);
  }

  private void bootUseAndClose() throws Exception {
    ConfigurableApplicationContext context =
        new SpringApplicationBuilder(App.class).properties(properties()).run();
    List<CompletableFuture<PublishReceipt>> published = new ArrayList<>();
    List<CompletableFuture<Void>> written = new ArrayList<>();
    try {
      int port = Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));

      Cache<String, String> cache =
          context
              .getBean(CacheManager.class)
              .cache(
                  context.getBean(CachePolicies.class).get("greetings"),
                  String.class,
                  String.class);
      assertThat(cache.get("hello", key -> "world")).isEqualTo("world");
      assertThat(cache.get("hello", key -> "again")).isEqualTo("world");

      AlchemistDatabase db = context.getBean(AlchemistDatabase.class);
      Dialog dialog = Dialog.open("user-1", "boot", Instant.now());
      db.dialogs().insert(dialog);

      ChatStreamer chat = context.getBean(ChatStreamer.class);
      ChunkStream answer = chat.stream(ChatRequest.of("simulated", "hello"));
      answer.subscribe(new AlchemistAiAutoConfigurationTest.Drain());
      assertThat(answer.summary().get(30, TimeUnit.SECONDS).tokens()).isPositive();

      context.getBean(RequestTracker.class).track("dialog.reply", () -> "ok");

      String prometheus = get(port, "/actuator/prometheus");
      assertThat(prometheus)
          .contains("alchemist_cache_gets_total{")
          .contains("alchemist_requests_total{")
          .contains("alchemist_ai_tokens")
          .contains("application=\"" + prefix + "\"")
          .contains("hikaricp_connections");

      JsonNode health = new JsonMapper().readTree(get(port, "/actuator/health"));
      assertThat(health.at("/components/alchemistRedis/status").toString()).isEqualTo("\"UP\"");
      assertThat(health.at("/components/alchemistNats/status").toString()).isEqualTo("\"UP\"");
      assertThat(health.at("/components/alchemistNats/details/jetStream").toString())
          .isEqualTo("\"reachable\"");
      assertThat(health.at("/components/alchemistPool/status").toString()).isEqualTo("\"UP\"");
      assertThat(health.at("/components/alchemistPool/details/saturated").toString())
          .isEqualTo("false");

      Map<String, Object> singletons = context.getBeansOfType(Object.class, false, false);
      assertThat(singletons).containsKeys("alchemistNatsEvents", "alchemistChatModel");
      for (Map.Entry<String, Object> bean : singletons.entrySet()) {
        assertThat(String.valueOf(bean.getValue()))
            .as(bean.getKey())
            .doesNotContain(NATS_TOKEN)
            .doesNotContain(API_KEY);
      }

      String env = get(port, "/actuator/env");
      String configprops = get(port, "/actuator/configprops");
      assertThat(env).contains("alchemist.nats.token").contains(prefix);
      assertThat(env + configprops).doesNotContain(NATS_TOKEN).doesNotContain(API_KEY);

      // Work in flight: the writer's batches wait 30 s and the acks are outstanding when close
      // begins; the ordered shutdown must flush and drain both.
      @SuppressWarnings("unchecked")
      BatchingWriter<Message> writer = context.getBean(BatchingWriter.class);
      JetStreamPublisher publisher = context.getBean(JetStreamPublisher.class);
      SubjectSpace subjects = context.getBean(NatsEvents.class).subjects();
      for (int i = 0; i < IN_FLIGHT; i++) {
        written.add(
            writer.submit(Message.of(dialog.id(), MessageRole.USER, "m" + i, Instant.now(), 1)));
        DomainEvent event =
            DomainEvent.of("dialog", "message", "created", "s-1", Instant.now(), "e" + i);
        published.add(publisher.publish(subjects.subject(event), event));
      }
      assertThat(writer.pending()).isPositive();
    } finally {
      context.close();
    }

    CompletableFuture.allOf(written.toArray(CompletableFuture[]::new)).get(1, TimeUnit.SECONDS);
    CompletableFuture.allOf(published.toArray(CompletableFuture[]::new)).get(1, TimeUnit.SECONDS);
    assertThat(published)
        .allSatisfy(f -> assertThat(f).isCompleted().isNotCompletedExceptionally());
    try (var c = postgres.connect();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM " + prefix + ".messages")) {
      rs.next();
      assertThat(rs.getInt(1)).isEqualTo(IN_FLIGHT);
    }
    try (Connection connection = Nats.connect(nats.uri())) {
      long stored =
          connection.jetStreamManagement().getStreamInfo(stream).getStreamState().getMsgCount();
      assertThat(stored).isEqualTo(IN_FLIGHT);
    }
  }

  private String[] properties() {
    return new String[] {
      "spring.application.name=" + prefix,
      "server.port=0",
      "spring.datasource.url=" + postgres.jdbcUrl(),
      "spring.datasource.username=" + postgres.user(),
      "spring.datasource.hikari.schema=" + prefix,
      "management.endpoints.web.exposure.include=health,prometheus,env,configprops",
      "management.endpoint.health.show-details=always",
      "management.endpoint.env.show-values=always",
      "management.endpoint.configprops.show-values=always",
      "alchemist.cache.redis-uri=" + redis.uri(),
      "alchemist.cache.key-prefix=" + prefix,
      "alchemist.cache.policies.greetings.ttl=1m",
      "alchemist.nats.servers=" + nats.uri(),
      "alchemist.nats.token=" + NATS_TOKEN,
      "alchemist.nats.subject-root=" + prefix,
      "alchemist.nats.streams.events.name=" + stream,
      "alchemist.nats.streams.events.subjects=" + prefix + ".>",
      "alchemist.nats.streams.events.storage=memory",
      "alchemist.nats.streams.events.development=true",
      "alchemist.ai.openai.api-key=" + API_KEY,
      "alchemist.ai.chunk.max-tokens=4",
    };
  }

  private static String get(int port, String path) throws Exception {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(10))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(path).isEqualTo(200);
    return response.body();
  }

  /** Writes to both streams. */
  private static final class TeeStream extends OutputStream {
    private final OutputStream first;
    private final OutputStream second;

    TeeStream(OutputStream first, OutputStream second) {
      this.first = first;
      this.second = second;
    }

    @Override
    public void write(int b) throws IOException {
      first.write(b);
      synchronized (second) {
        second.write(b);
      }
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      first.write(b, off, len);
      synchronized (second) {
        second.write(b, off, len);
      }
    }
  }

  /** The host application: one writer bean of its own, besides what the starter makes. */
  @SpringBootConfiguration
  @EnableAutoConfiguration
  static class App {
    @Bean
    BatchingWriter<Message> messageWriter(AlchemistDatabase db) {
      return db.messageWriter(
          BatchSettings.builder().maxBatchSize(10_000).maxDelay(Duration.ofSeconds(30)).build());
    }
  }
}
