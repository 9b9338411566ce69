package dev.alchemist.metrics;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.alchemist.ai.ChatMessage;
import dev.alchemist.ai.ChatModel;
import dev.alchemist.ai.ChatRequest;
import dev.alchemist.ai.ChatStreamer;
import dev.alchemist.ai.ChunkStream;
import dev.alchemist.ai.SimulatedChatModel;
import dev.alchemist.cache.Cache;
import dev.alchemist.cache.CacheManager;
import dev.alchemist.cache.CachePolicy;
import dev.alchemist.core.DomainEvent;
import dev.alchemist.core.flow.DebounceMetrics;
import dev.alchemist.core.flow.DebounceSettings;
import dev.alchemist.core.flow.DebouncedUpdater;
import dev.alchemist.nats.ConsumerSettings;
import dev.alchemist.nats.EventConsumer;
import dev.alchemist.nats.JetStreamPublisher;
import dev.alchemist.nats.JetStreamPublisherSettings;
import dev.alchemist.nats.NatsEvents;
import dev.alchemist.nats.StreamSpec;
import dev.alchemist.nats.SubjectSpace;
import dev.alchemist.testing.TestServices;
import java.net.URI;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;

/**
 * An application wired the way a host wires Alchemist, with every module that exists on main
 * exercised once, serving its metrics on a real loopback endpoint. When a module lands, exercise it
 * here (and bind its meters) so the dashboard test sees its meters in the scrape.
 */
final class ExercisedApplication implements AutoCloseable {
  final AlchemistMetrics metrics;
  private final List<AutoCloseable> resources = new ArrayList<>();

  ExercisedApplication() throws SQLException {
    metrics =
        AlchemistMetrics.builder()
            .application("metrics-test")
            .endpoint(MetricsEndpointSettings.builder().port(0).build())
            .build();
    resources.add(metrics);
    try {
      exerciseRequestTracking();
      exerciseDebouncer();
      exerciseConnectionPool();
      exerciseCache();
      exerciseModelStream();
      exerciseNats();
    } catch (SQLException | RuntimeException e) {
      close();
      throw e;
    }
  }

  URI uri() {
    return metrics.endpoint().orElseThrow().uri();
  }

  private void exerciseRequestTracking() {
    RequestTracker tracker = metrics.tracker();
    tracker.track("dialog.create", () -> "created");
    tracker.track("dialog.history", () -> {});
    try {
      tracker.track(
          "dialog.create",
          () -> {
            throw new IllegalStateException("refused");
          });
    } catch (IllegalStateException expected) {
      // recorded as outcome=error
    }
    tracker.trackAsync("model.reply", () -> CompletableFuture.completedFuture("hi")).join();
  }

  private void exerciseDebouncer() {
    DebouncedUpdater<String> updater =
        DebouncedUpdater.create(DebounceSettings.builder().name("dashboard").build(), v -> {});
    resources.add(0, updater);
    metrics.bind(DebounceMetrics.of(updater));
    updater.update("frame-1");
    updater.flush(); // delivered on this thread: deterministic, no waiting
  }

  private void exerciseConnectionPool() throws SQLException {
    HikariConfig config = new HikariConfig();
    config.setPoolName("store");
    config.setJdbcUrl("jdbc:h2:mem:" + TestServices.uniquePrefix("metrics") + ";DB_CLOSE_DELAY=-1");
    config.setMaximumPoolSize(2);
    config.setMinimumIdle(1);
    config.setMetricRegistry(metrics.registry());
    HikariDataSource pool = new HikariDataSource(config);
    resources.add(0, pool);
    // Hold one connection so hikaricp_connections_active is 1 while the test scrapes.
    Connection held = pool.getConnection();
    resources.add(0, held);
  }

  private void exerciseCache() {
    CacheManager caches =
        CacheManager.builder()
            .redis(TestServices.redis().uri())
            .keyPrefix(TestServices.uniquePrefix("metrics"))
            .meterRegistry(metrics.registry())
            .build();
    resources.add(0, caches);
    Cache<String, String> status =
        caches.cache(CachePolicy.DOMAIN_STATUS, String.class, String.class);
    status.put("dialog", "healthy");
    status.get("dialog"); // near-cache hit
    status.get("workflow"); // miss
  }

  private void exerciseModelStream() {
    ChatModel model =
        SimulatedChatModel.builder()
            .firstTokenLatency(Duration.ofMillis(1))
            .tokensPerSecond(10_000)
            .tokensPerAnswer(10)
            .meterRegistry(metrics.registry())
            .build();
    ChatStreamer chat =
        ChatStreamer.builder().model(model).meterRegistry(metrics.registry()).build();
    resources.add(0, chat);
    resources.add(1, model);
    ChunkStream answer = chat.stream(ChatRequest.of("sim", List.of(ChatMessage.user("hello"))));
    CompletableFuture<Void> done = new CompletableFuture<>();
    answer.subscribe(
        new Flow.Subscriber<String>() {
          @Override
          public void onSubscribe(Flow.Subscription subscription) {
            subscription.request(Long.MAX_VALUE);
          }

          @Override
          public void onNext(String chunk) {}

          @Override
          public void onError(Throwable error) {
            done.completeExceptionally(error);
          }

          @Override
          public void onComplete() {
            done.complete(null);
          }
        });
    done.orTimeout(30, TimeUnit.SECONDS).join();
  }

  private void exerciseNats() {
    String prefix = TestServices.uniquePrefix("metrics");
    SubjectSpace subjects = SubjectSpace.of(prefix);
    StreamSpec spec =
        StreamSpec.alchemistEvents().forDevelopment().toBuilder()
            .name(prefix.toUpperCase(Locale.ROOT))
            .subjects(subjects)
            .maxAge(Duration.ofHours(1))
            .build();
    NatsEvents events =
        NatsEvents.builder()
            .url(TestServices.nats().uri())
            .subjects(subjects)
            .meterRegistry(metrics.registry())
            .closeTimeout(Duration.ofSeconds(10))
            .build();
    resources.add(0, events);
    events.provisioner().provision(spec);
    // Closed before the connection (added in front of it): the stream goes away with the test.
    resources.add(0, () -> events.provisioner().delete(spec.name()));
    try (JetStreamPublisher publisher =
        events.jetStreamPublisher(
            JetStreamPublisherSettings.builder().name("metrics").stream(spec).build())) {
      for (int i = 0; i < 2; i++) {
        DomainEvent event =
            DomainEvent.of("dialog", "message", "created", null, Instant.now(), "{}");
        publisher.publish(subjects.subject(event), event).orTimeout(10, TimeUnit.SECONDS).join();
      }
    }
    // A durable consumer registers the lag gauges alchemist.nats.consumer.(ack.)pending.
    EventConsumer consumer =
        events.consume(
            ConsumerSettings.builder(spec.name(), "indexer").filter(subjects.all()).build(),
            received -> {});
    resources.add(0, consumer);
  }

  @Override
  public void close() {
    for (AutoCloseable resource : resources) {
      try {
        resource.close();
      } catch (Exception e) {
        throw new IllegalStateException("closing " + resource, e);
      }
    }
    resources.clear();
  }
}
