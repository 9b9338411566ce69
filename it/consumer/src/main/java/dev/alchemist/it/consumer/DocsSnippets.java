package dev.alchemist.it.consumer;

import dev.alchemist.ai.AiCodecs;
import dev.alchemist.ai.ChatModel;
import dev.alchemist.ai.ChatOptions;
import dev.alchemist.ai.ChatRequest;
import dev.alchemist.ai.ChatStreamer;
import dev.alchemist.ai.ChunkStream;
import dev.alchemist.ai.ModelWarmer;
import dev.alchemist.ai.OllamaChatModel;
import dev.alchemist.ai.OpenAiChatModel;
import dev.alchemist.ai.ResponseCache;
import dev.alchemist.ai.ResponseStore;
import dev.alchemist.ai.StreamSummary;
import dev.alchemist.ai.StreamTimeouts;
import dev.alchemist.cache.Cache;
import dev.alchemist.cache.CacheManager;
import dev.alchemist.cache.CachePolicy;
import dev.alchemist.core.Dialog;
import dev.alchemist.core.DialogHistory;
import dev.alchemist.core.DomainEvent;
import dev.alchemist.core.DomainStats;
import dev.alchemist.core.Message;
import dev.alchemist.core.MessageRole;
import dev.alchemist.core.codec.CodecRegistry;
import dev.alchemist.core.codec.KryoCodecs;
import dev.alchemist.core.flow.DebounceMetrics;
import dev.alchemist.core.flow.DebouncedUpdater;
import dev.alchemist.it.consumer.HostTypes.AsyncModel;
import dev.alchemist.it.consumer.HostTypes.HistoryStore;
import dev.alchemist.it.consumer.HostTypes.Order;
import dev.alchemist.it.consumer.HostTypes.Reply;
import dev.alchemist.it.consumer.HostTypes.Repository;
import dev.alchemist.metrics.AlchemistMetrics;
import dev.alchemist.metrics.MetricsEndpointSettings;
import dev.alchemist.metrics.RequestTracker;
import dev.alchemist.nats.ConsumerSettings;
import dev.alchemist.nats.EventBus;
import dev.alchemist.nats.EventConsumer;
import dev.alchemist.nats.InProcessEventBus;
import dev.alchemist.nats.JetStreamPublisher;
import dev.alchemist.nats.JetStreamPublisherSettings;
import dev.alchemist.nats.NatsEvents;
import dev.alchemist.nats.NatsTls;
import dev.alchemist.nats.ReceivedEvent;
import dev.alchemist.nats.StreamSpec;
import dev.alchemist.store.AlchemistDatabase;
import dev.alchemist.store.BatchSettings;
import dev.alchemist.store.BatchingWriter;
import dev.alchemist.store.EventProjection;
import dev.alchemist.store.MessageCursor;
import dev.alchemist.store.MessagePage;
import dev.alchemist.store.OutboxRelay;
import dev.alchemist.store.OutboxRelaySettings;
import io.lettuce.core.SslOptions;
import io.micrometer.core.instrument.MeterRegistry;
import io.nats.client.Options;
import java.io.File;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The snippets of docs/, by file in alphabetical order, with what each takes as parameters. */
@SuppressWarnings({"unused", "try"})
final class DocsSnippets {
  private DocsSnippets() {}

  // docs/ai.md

  static void ai(Flow.Subscriber<String> dashboardA, Flow.Subscriber<String> dashboardB) {
    // snippet:begin
    ChatModel ollama = OllamaChatModel.builder()                 // or OpenAiChatModel.builder().apiKey(key)
        .baseUri("http://127.0.0.1:11434")
        .timeouts(new StreamTimeouts(Duration.ofSeconds(10), Duration.ofSeconds(15), Duration.ofMinutes(5)))
        .build();
    try (ModelWarmer warmer = ModelWarmer.builder(ollama).preload("llama3.2").build();
         ResponseCache cache = ResponseCache.builder(ResponseStore.inMemory(10_000)).build();
         ChatStreamer chat = ChatStreamer.builder().model(ollama).cache(cache).build()) {
      warmer.start();                                            // load now, ping within keep_alive
      ChunkStream answer = chat.stream(ChatRequest.of("llama3.2", "Why is the sky blue?")
          .withOptions(ChatOptions.builder().temperature(0).build()));
      answer.subscribe(dashboardA);                              // Flow.Subscriber<String>
      answer.subscribe(dashboardB);                              // same model call, own buffer
      StreamSummary s = answer.summary().join();                 // usage, finish reason, TTFT, cached
    }
    // snippet:end
  }

  // docs/cache.md

  static void cache(MeterRegistry registry, UUID dialogId, Repository repository, Order order) {
    // snippet:begin
    CodecRegistry codecs = KryoCodecs.builder().register(Order.class, 200).build();

    try (CacheManager caches = CacheManager.builder()
            .redis("redis://127.0.0.1:6379")      // or .redisCluster(uri1, uri2, ...), or .local()
            .codec(codecs)
            .meterRegistry(registry)
            .build()) {

      Cache<UUID, DialogHistory> history =
          caches.cache(CachePolicy.DIALOG_HISTORY, UUID.class, DialogHistory.class);
      DialogHistory h = history.get(dialogId, id -> repository.loadHistory(id)); // single-flight

      Cache<String, Order> orders = caches.cache(
          CachePolicy.builder("orders")
              .ttl(Duration.ofMinutes(10)).ttlJitter(Duration.ofSeconds(30))
              .nearCache(5_000, Duration.ofSeconds(30))
              .cacheNulls(Duration.ofSeconds(20))
              .build(),
          String.class, Order.class);
      orders.put("o-17", order);
      Map<String, Order> some = orders.getAll(List.of("o-17", "o-18"));   // one MGET
      orders.invalidate("o-17");                                          // every instance
    }
    // snippet:end
  }

  // docs/metrics.md

  static Reply loadChecked() throws Exception {
    return new Reply("loaded");
  }

  static void metrics(
      DebouncedUpdater<?> dashboardUpdater,
      HistoryStore store,
      UUID dialogId,
      AsyncModel model,
      String prompt)
      throws Exception {
    // snippet:begin
    try (AlchemistMetrics metrics = AlchemistMetrics.builder()
            .application("dialog-service")                                   // common tag
            .endpoint(MetricsEndpointSettings.builder().port(9464).build())  // serves http://127.0.0.1:9464/metrics
            .build()) {
      metrics.bind(DebounceMetrics.of(dashboardUpdater));                    // other modules' meters
      RequestTracker tracker = metrics.tracker();
      DialogHistory h = tracker.track("dialog.history", () -> store.history(dialogId));
      tracker.track("dialog.touch", () -> store.touch(dialogId));            // Runnable
      Reply r = tracker.trackCallable("dialog.load", () -> loadChecked());   // checked exceptions
      CompletableFuture<Reply> f = tracker.trackAsync("model.reply", () -> model.reply(prompt));
    }
    // snippet:end
  }

  // docs/nats.md

  static void index(DomainEvent event) {}

  static void nats(String sessionId, String json, String traceId, Logger log) {
    // snippet:begin
    try (NatsEvents events = NatsEvents.connect("nats://127.0.0.1:4222")) {
      StreamSpec spec = StreamSpec.alchemistEvents().forDevelopment();   // R1, no placement
      events.provisioner().provision(spec);                               // create / update / unchanged

      try (JetStreamPublisher publisher = events.jetStreamPublisher(
          JetStreamPublisherSettings.builder().stream(spec).build())) {
        DomainEvent event = DomainEvent.of("dialog", "message", "created", sessionId, Instant.now(), json);
        publisher.publish(events.subjects().subject(event), event, traceId)
            .thenAccept(receipt -> log.info("stored as #{}", receipt.sequence()));
      } // close() waits for the outstanding acks

      events.consume(
          ConsumerSettings.builder(spec.name(), "indexer")
              .filter(events.subjects().pattern("dialog.>"))
              .deadLetterSubject("dlq.alchemist")
              .build(),
          received -> index(received.event()));                           // return = ack, throw = retry
    }
    // snippet:end
  }

  static void inProcess(DomainEvent event) {
    // snippet:begin
    try (EventBus bus = InProcessEventBus.create()) {
      bus.subscribe(bus.subjects().pattern("*.*.created"), e -> System.out.println(e.subject()));
      bus.publish(event);
    }
    // snippet:end
  }

  // docs/security.md

  static CacheManager redisTls(String password) {
    // snippet:begin
    SslOptions tls = SslOptions.builder()
        .jdkSslProvider()
        .trustManager(new File("/etc/alchemist/ca.pem"))                    // the CA that issued Redis' certificate
        .keyManager(new File("client.pem"), new File("client.key"), null)    // only if Redis has tls-auth-clients yes
        .build();
    CacheManager caches = CacheManager.builder()
        .redis("rediss://:" + password + "@redis.internal:6380")             // rediss = TLS
        .sslOptions(tls)
        .build();
    // snippet:end
    return caches;
  }

  static NatsEvents natsTls(String user, String password, SSLContext sslContext) {
    // snippet:begin
    Options.Builder options = new Options.Builder()
        .server("nats://nats.internal:4222")
        .userInfo(user, password);                                      // or one of the below
    NatsTls.configure(options, sslContext);                             // trust store, plus the client key for --tlsverify
    NatsEvents events = NatsEvents.builder().options(options.build()).build();
    // snippet:end
    return events;
  }

  static AlchemistDatabase postgresTls(String password) {
    // snippet:begin
    AlchemistDatabase db = AlchemistDatabase.builder()
        .jdbcUrl("jdbc:postgresql://db.internal:5432/app"
            + "?sslmode=verify-full"                     // TLS, chain and host name checked
            + "&sslrootcert=/etc/alchemist/ca.pem"       // the CA that issued the server's certificate
            + "&sslcert=/etc/alchemist/client.pem"       // only if pg_hba.conf says cert or clientcert=
            + "&sslkey=/etc/alchemist/client.pk8")       // PKCS#8 (DER or PEM), or a .p12 with sslpassword
        .user("app")
        .password(password)                              // scram-sha-256 over the TLS connection
        .build();
    // snippet:end
    return db;
  }

  static ChatModel openAiTls(String apiKey, SSLContext sslContext) {
    // snippet:begin
    ChatModel model = OpenAiChatModel.builder()
        .baseUri("https://llm.internal/v1")
        .apiKey(apiKey)                                   // sent as Authorization: Bearer, never printed
        .sslContext(sslContext)                           // trust store, plus a key manager for mutual TLS
        .build();
    // snippet:end
    return model;
  }

  // docs/spring-boot.md

  // snippet:begin
  @Configuration
  class AlchemistConfig {
    @Bean
    CodecRegistry codecs() {
      return AiCodecs.register(KryoCodecs.builder())   // keep the answer cache working
          .register(Order.class, 200)
          .build();
    }

    @Bean(destroyMethod = "close")
    ChatModel chatModel(MeterRegistry registry) {     // ChatStreamer now streams this model
      return OpenAiChatModel.builder()
          .apiKey(System.getenv("OPENAI_API_KEY"))
          .meterRegistry(registry)
          .build();
    }

    @Bean                                            // closed in the ordered shutdown
    BatchingWriter<Message> messageWriter(AlchemistDatabase db) {
      return db.messageWriter(BatchSettings.defaults());
    }
  }
  // snippet:end

  // docs/store.md

  static void outbox(
      AlchemistDatabase db,
      Message message,
      String sessionId,
      String json,
      JetStreamPublisher publisher,
      NatsEvents events) {
    // snippet:begin
    db.useTransaction(tx -> {
      tx.messages().append(message);
      tx.outbox().add(DomainEvent.of("dialog", "message", "created", sessionId, Instant.now(), json));
    });
    try (OutboxRelay relay = OutboxRelay.start(db,
        event -> publisher.publish(events.subjects().subject(event), event),   // Nats-Msg-Id = event id
        OutboxRelaySettings.defaults())) {
      // runs until closed
    }
    // snippet:end
  }

  static void projection(AlchemistDatabase db, NatsEvents events, StreamSpec spec) {
    // snippet:begin
    EventProjection projection = db.eventProjection();
    try (EventConsumer projector = events.consumeBatches(
        ConsumerSettings.builder(spec.name(), "projection")
            .filter(events.subjects().all())
            .batchSize(1000)                                    // up to 1,000 events per transaction
            .backoff(Duration.ofMillis(250)).maxDeliver(1000)   // outlive a database outage
            .build(),
        batch -> projection.store(batch.stream().map(ReceivedEvent::event).toList()))) {
      // each batch is acked after its commit; a redelivered event is skipped by its id
    }
    // snippet:end
  }

  static void store(String secret) {
    // snippet:begin
    try (AlchemistDatabase db = AlchemistDatabase.builder()
            .jdbcUrl("jdbc:postgresql://127.0.0.1:5432/app").user("app").password(secret)
            .schema("alchemist")                      // optional; created by the migration
            .build()) {                               // connects, migrates, runs the maintenance
      Dialog dialog = Dialog.open("user-42", "Trip planning", Instant.now());
      db.dialogs().insert(dialog);
      db.messages().append(Message.of(dialog.id(), MessageRole.USER, "Hello", Instant.now(), 2));

      List<Message> recent = db.messages().lastN(dialog.id(), 50);         // oldest first
      MessagePage older = db.messages().olderThan(dialog.id(), MessageCursor.at(recent.get(0)), 50);

      try (BatchingWriter<DomainEvent> events = db.eventWriter(BatchSettings.defaults())) {
        events.submit(DomainEvent.of("dialog", "message", "created", "s-1", Instant.now(), "{}"));
      }                                                                     // close() flushes
      List<DomainStats> dashboard = db.domainStats().all();
    }
    // snippet:end
  }
}
