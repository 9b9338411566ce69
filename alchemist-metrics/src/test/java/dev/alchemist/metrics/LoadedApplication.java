package dev.alchemist.metrics;

import dev.alchemist.ai.ChatMessage;
import dev.alchemist.ai.ChatModel;
import dev.alchemist.ai.ChatRequest;
import dev.alchemist.ai.ChatStreamer;
import dev.alchemist.ai.SimulatedChatModel;
import dev.alchemist.cache.Cache;
import dev.alchemist.cache.CacheManager;
import dev.alchemist.cache.CachePolicy;
import dev.alchemist.core.DomainEvent;
import dev.alchemist.core.flow.DebounceMetrics;
import dev.alchemist.core.flow.DebounceSettings;
import dev.alchemist.core.flow.DebouncedUpdater;
import dev.alchemist.nats.ConsumerSettings;
import dev.alchemist.nats.JetStreamPublisher;
import dev.alchemist.nats.JetStreamPublisherSettings;
import dev.alchemist.nats.NatsEvents;
import dev.alchemist.nats.StreamSpec;
import dev.alchemist.nats.SubjectSpace;
import dev.alchemist.store.AlchemistDatabase;
import dev.alchemist.store.PoolSettings;
import dev.alchemist.testing.PostgresAddress;
import dev.alchemist.testing.PrivateServer;
import dev.alchemist.testing.TestServices;
import java.net.URI;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * An application on every module and the real services (the shared NATS and PostgreSQL, a private
 * Redis so the test may kill it), driven by {@link #round()} and with a switch for each fault the
 * shipped alerts are about. Each fault is a real one: a slowed or failing handler, a dead Redis, a
 * stuck consumer, a pool with every connection held, a heap that keeps what it allocates.
 */
final class LoadedApplication implements AutoCloseable {
  static final String APPLICATION = "prometheus-it";
  static final String SLOWED = "dialog.reply";
  static final String FAILING = "dialog.send";

  final AlchemistMetrics metrics;
  final RequestTracker tracker;
  private final List<AutoCloseable> resources = new ArrayList<>();
  private final AtomicLong sequence = new AtomicLong();
  private final PrivateServer redis;
  private final DebouncedUpdater<String> updater;
  private final Cache<String, String> cache;
  private final AlchemistDatabase database;
  private final ChatStreamer fastChat;
  private final ChatStreamer slowChat;
  private final NatsEvents events;
  private final SubjectSpace subjects;
  private final JetStreamPublisher publisher;
  private final List<Connection> heldConnections = new ArrayList<>();
  private final List<byte[]> leak = new ArrayList<>();
  private final List<CompletableFuture<?>> streams = new ArrayList<>();
  private volatile CountDownLatch consumerGate = new CountDownLatch(0);
  private volatile boolean slowReplies;
  private volatile boolean failingSends;
  private volatile boolean slowModel;
  private volatile boolean poolExhausted;
  private @Nullable Thread waiter;

  LoadedApplication() throws SQLException {
    metrics =
        AlchemistMetrics.builder()
            .application(APPLICATION)
            .joinGlobalRegistry(false)
            .endpoint(MetricsEndpointSettings.builder().port(0).build())
            .build();
    resources.add(metrics);
    tracker = metrics.tracker();
    redis = PrivateServer.redis();
    resources.add(0, redis);
    try {
      updater =
          DebouncedUpdater.create(DebounceSettings.builder().name("dashboard").build(), v -> {});
      resources.add(0, updater);
      metrics.bind(DebounceMetrics.of(updater));
      CacheManager caches =
          CacheManager.builder()
              .redis(redis.uri())
              .keyPrefix(TestServices.uniquePrefix("prometheus"))
              .meterRegistry(metrics.registry())
              .build();
      resources.add(0, caches);
      cache = caches.cache(CachePolicy.DOMAIN_STATUS, String.class, String.class);
      database = database();
      fastChat = chat(Duration.ofMillis(1));
      slowChat = chat(Duration.ofMillis(700));
      subjects = SubjectSpace.of(TestServices.uniquePrefix("prometheus"));
      events =
          NatsEvents.builder()
              .url(TestServices.nats().uri())
              .subjects(subjects)
              .meterRegistry(metrics.registry())
              .closeTimeout(Duration.ofSeconds(10))
              .build();
      resources.add(0, events);
      publisher = nats();
    } catch (SQLException | RuntimeException e) {
      close();
      throw e;
    }
  }

  URI uri() {
    return metrics.endpoint().orElseThrow().uri();
  }

  /** One round of ordinary traffic through every module, plus whatever fault is switched on. */
  void round() throws Exception {
    tracker.track("dialog.history", () -> "history");
    tracker.track(
        SLOWED,
        () -> {
          if (slowReplies) {
            sleep(150);
          }
        });
    try {
      tracker.track(
          FAILING,
          () -> {
            if (failingSends) {
              throw new IllegalStateException("send refused");
            }
          });
    } catch (IllegalStateException expected) {
      // recorded as outcome=error
    }
    updater.update("frame-a");
    updater.update("frame-b"); // replaces frame-a before delivery: coalesced
    updater.flush();
    long n = sequence.incrementAndGet();
    cache.put("status", "healthy");
    cache.get("status");
    cache.get("absent-" + n); // a miss, or a Redis error while Redis is down
    if (!poolExhausted) {
      try (Connection connection = database.dataSource().getConnection();
          Statement statement = connection.createStatement()) {
        statement.execute("select 1");
      }
    }
    // Not awaited here: a slowed model must not slow the other traffic. awaitStreams() waits.
    streams.add(
        (slowModel ? slowChat : fastChat)
            .stream(ChatRequest.of("sim", List.of(ChatMessage.user("hello")))).summary());
    streams.removeIf(CompletableFuture::isDone);
    publish(1);
  }

  /** Waits for the model streams {@link #round()} started. */
  void awaitStreams() throws Exception {
    CompletableFuture.allOf(streams.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
    streams.clear();
  }

  /** Calls the slowed operation {@code calls} times, fast, as traffic after a fault goes on. */
  void replyBurst(int calls) {
    for (int i = 0; i < calls; i++) {
      tracker.track(SLOWED, () -> "ok");
    }
  }

  void sendBurst(int calls) {
    for (int i = 0; i < calls; i++) {
      tracker.track(FAILING, () -> "ok");
    }
  }

  void cacheBurst(int gets) {
    for (int i = 0; i < gets; i++) {
      cache.get("status");
    }
  }

  /** Fast streams; they wait for each other in groups so the simulated model keeps up. */
  void streamBurst(int streams) throws Exception {
    List<CompletableFuture<?>> group = new ArrayList<>();
    for (int i = 0; i < streams; i++) {
      group.add(
          fastChat.stream(ChatRequest.of("sim", List.of(ChatMessage.user("hello")))).summary());
      if (group.size() == 50 || i == streams - 1) {
        CompletableFuture.allOf(group.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        group.clear();
      }
    }
  }

  /** Publishes {@code count} events, waiting for their acks a thousand at a time. */
  void publish(int count) {
    List<CompletableFuture<?>> acks = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      DomainEvent event = DomainEvent.of("dialog", "message", "created", null, Instant.now(), "{}");
      acks.add(publisher.publish(subjects.subject(event), event));
      if (acks.size() == 1000 || i == count - 1) {
        CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new))
            .orTimeout(60, TimeUnit.SECONDS)
            .join();
        acks.clear();
      }
    }
  }

  void slowReplies(boolean on) {
    slowReplies = on;
  }

  void failingSends(boolean on) {
    failingSends = on;
  }

  void slowModel(boolean on) {
    slowModel = on;
  }

  /** The consumer's handler waits (a stuck consumer) until {@link #resumeConsumer()}. */
  void stopConsumer() {
    consumerGate = new CountDownLatch(1);
  }

  void resumeConsumer() {
    consumerGate.countDown();
  }

  void killRedis() {
    redis.kill();
  }

  void restartRedis() {
    redis.restart();
  }

  /** Holds every connection of the pool and leaves one thread waiting for another. */
  void exhaustPool() throws SQLException {
    poolExhausted = true;
    int max = database.settings().pool().maxConnections();
    for (int i = 0; i < max; i++) {
      heldConnections.add(database.dataSource().getConnection());
    }
    waiter =
        new Thread(
            () -> {
              // A request waiting for a connection for as long as the fault lasts.
              while (poolExhausted) {
                try (Connection connection = database.dataSource().getConnection()) {
                  connection.isValid(1);
                } catch (SQLException e) {
                  // the pool gave up after its connection timeout: ask again
                }
              }
            },
            "pool-waiter");
    waiter.start();
  }

  void releasePool() throws Exception {
    poolExhausted = false;
    for (Connection connection : heldConnections) {
      connection.close();
    }
    heldConnections.clear();
    Thread waiting = waiter;
    if (waiting != null) {
      waiting.join(TimeUnit.SECONDS.toMillis(30));
    }
  }

  /** Keeps {@code megabytes} of heap reachable, as a leak does, and lets a full GC see it. */
  void leakHeap(int megabytes) {
    // Quarter-megabyte pieces: small enough to be ordinary objects, not G1 humongous regions.
    for (int i = 0; i < megabytes * 4; i++) {
      leak.add(new byte[256 * 1024]);
    }
    System.gc();
  }

  void releaseHeap() {
    leak.clear();
    System.gc();
  }

  private AlchemistDatabase database() throws SQLException {
    PostgresAddress postgres = TestServices.postgres();
    String schema = TestServices.uniquePrefix("prometheus");
    AlchemistDatabase db =
        AlchemistDatabase.builder()
            .jdbcUrl(postgres.jdbcUrl())
            .user(postgres.user())
            .password(postgres.password())
            .schema(schema)
            .pool(
                PoolSettings.builder()
                    .poolName("store")
                    .maxConnections(2)
                    .minIdle(2)
                    .connectionTimeout(Duration.ofSeconds(30))
                    .build())
            .meterRegistry(metrics.registry())
            .build();
    resources.add(0, db);
    // Dropped after the pool is closed (added in front of the database, so it runs later).
    resources.add(
        1,
        () -> {
          try (Connection c = postgres.connect();
              Statement s = c.createStatement()) {
            s.execute("drop schema if exists " + schema + " cascade");
          }
        });
    return db;
  }

  private ChatStreamer chat(Duration firstToken) {
    ChatModel model =
        SimulatedChatModel.builder()
            .firstTokenLatency(firstToken)
            .tokensPerSecond(10_000)
            .tokensPerAnswer(5)
            .meterRegistry(metrics.registry())
            .build();
    ChatStreamer chat =
        ChatStreamer.builder().model(model).meterRegistry(metrics.registry()).build();
    resources.add(0, chat);
    resources.add(1, model);
    return chat;
  }

  private JetStreamPublisher nats() {
    StreamSpec spec =
        StreamSpec.alchemistEvents().forDevelopment().toBuilder()
            .name(subjects.root().toUpperCase(Locale.ROOT))
            .subjects(subjects)
            .maxAge(Duration.ofHours(1))
            .build();
    events.provisioner().provision(spec);
    resources.add(0, () -> events.provisioner().delete(spec.name()));
    JetStreamPublisher jetStream =
        events.jetStreamPublisher(
            JetStreamPublisherSettings.builder().name("prometheus").stream(spec).build());
    resources.add(0, jetStream);
    resources.add(
        0,
        events.consume(
            ConsumerSettings.builder(spec.name(), "indexer")
                .filter(subjects.all())
                .lagInterval(Duration.ofSeconds(1))
                .build(),
            received -> consumerGate.await(60, TimeUnit.SECONDS)));
    // The consumer's handler must not hold close() up.
    resources.add(0, this::resumeConsumer);
    return jetStream;
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    RuntimeException failure = null;
    for (AutoCloseable resource : resources) {
      try {
        resource.close();
      } catch (Exception e) {
        if (failure == null) {
          failure = new IllegalStateException("closing " + resource, e);
        }
      }
    }
    resources.clear();
    if (failure != null) {
      throw failure;
    }
  }
}
