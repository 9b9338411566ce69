package dev.alchemist.it.consumer;

import dev.alchemist.ai.ChatModel;
import dev.alchemist.ai.ChatRequest;
import dev.alchemist.ai.ChatStreamer;
import dev.alchemist.ai.ChunkStream;
import dev.alchemist.ai.OllamaChatModel;
import dev.alchemist.ai.ResponseCache;
import dev.alchemist.ai.ResponseStore;
import dev.alchemist.boot.CachePolicies;
import dev.alchemist.cache.Cache;
import dev.alchemist.cache.CacheManager;
import dev.alchemist.cache.CachePolicy;
import dev.alchemist.core.Dialog;
import dev.alchemist.core.DialogHistory;
import dev.alchemist.core.DomainEvent;
import dev.alchemist.core.DomainStats;
import dev.alchemist.core.Message;
import dev.alchemist.core.codec.Codec;
import dev.alchemist.core.codec.CodecRegistry;
import dev.alchemist.core.codec.KryoCodecs;
import dev.alchemist.core.flow.DebounceMetrics;
import dev.alchemist.core.flow.DebounceSettings;
import dev.alchemist.core.flow.DebouncedUpdater;
import dev.alchemist.core.flow.FanoutConnection;
import dev.alchemist.core.flow.FanoutMetrics;
import dev.alchemist.core.flow.FanoutSettings;
import dev.alchemist.core.flow.FrameFanout;
import dev.alchemist.core.flow.IndexRange;
import dev.alchemist.core.flow.ItemHeights;
import dev.alchemist.core.flow.KeyedDebouncer;
import dev.alchemist.core.flow.VirtualWindow;
import dev.alchemist.it.consumer.HostTypes.Model;
import dev.alchemist.it.consumer.HostTypes.Order;
import dev.alchemist.it.consumer.HostTypes.OrderLine;
import dev.alchemist.it.consumer.HostTypes.Reply;
import dev.alchemist.it.consumer.HostTypes.Repository;
import dev.alchemist.it.consumer.HostTypes.Service;
import dev.alchemist.it.consumer.HostTypes.Session;
import dev.alchemist.it.consumer.HostTypes.Snapshot;
import dev.alchemist.it.consumer.HostTypes.Socket;
import dev.alchemist.it.consumer.HostTypes.Stats;
import dev.alchemist.it.consumer.HostTypes.StatsSource;
import dev.alchemist.it.consumer.HostTypes.Ui;
import dev.alchemist.metrics.AlchemistMetrics;
import dev.alchemist.metrics.MetricsEndpointSettings;
import dev.alchemist.nats.JetStreamPublisher;
import dev.alchemist.nats.JetStreamPublisherSettings;
import dev.alchemist.nats.NatsEvents;
import dev.alchemist.nats.StreamSpec;
import dev.alchemist.store.AlchemistDatabase;
import dev.alchemist.store.BatchSettings;
import dev.alchemist.store.MessageCursor;
import dev.alchemist.store.MessagePage;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Flow;
import org.slf4j.Logger;
import org.springframework.web.bind.annotation.RestController;

/** The README's snippets, in the order they appear there, with what each takes as parameters. */
@SuppressWarnings({"unused", "try"})
final class ReadmeSnippets {
  private ReadmeSnippets() {}

  static void codec(DialogHistory history) {
    // snippet:begin
    CodecRegistry codecs = KryoCodecs.builder()
        .register(Order.class, 200)          // explicit ids from 128; the model is pre-registered
        .register(OrderLine.class, 201)
        .build();                            // thread-safe: build once, share
    Codec<DialogHistory> histories = codecs.codec(DialogHistory.class);
    byte[] bytes = histories.encode(history);
    DialogHistory back = histories.decode(bytes);   // CodecException with a reason() on bad bytes
    // snippet:end
  }

  static void flow(
      Ui ui,
      Socket socket,
      MeterRegistry registry,
      List<DomainEvent> events,
      Model model,
      StatsSource stats,
      ItemHeights heights,
      double scrollTop) {
    // snippet:begin
    var settings = DebounceSettings.builder().name("dashboard").interval(Duration.ofMillis(16)).build();
    try (DebouncedUpdater<Snapshot> view = DebouncedUpdater.create(settings, ui::render);
         KeyedDebouncer<String, Stats> perDomain = KeyedDebouncer.create(settings, socket::send)) {
      DebounceMetrics.of(view).bindTo(registry);
      events.forEach(e -> {
        view.update(model.apply(e));                        // latest wins, at most 60 renders/s
        perDomain.update(e.domain(), stats.of(e.domain())); // one timer shared by all keys
      });
    } // close() delivers what is pending
    IndexRange rows = VirtualWindow.visibleRange(heights, 600, scrollTop, 3); // render rows.from()..rows.to()
    // snippet:end
  }

  static String render(Object stats) {
    return String.valueOf(stats);
  }

  static void fanout(MeterRegistry registry, Session session, Object stats) {
    // snippet:begin
    FrameFanout<String> dashboard = FrameFanout.create(FanoutSettings.builder().name("dashboard").build());
    FanoutMetrics.of(dashboard).bindTo(registry);
    FanoutConnection c = dashboard.connect("all", json -> session.send(json)); // per WebSocket; must not block
    dashboard.publish("all", render(stats));                                   // from the debounced model
    // snippet:end
  }

  static void store(String secret, Dialog dialog, Message message, DomainEvent event) {
    // snippet:begin
    try (AlchemistDatabase db = AlchemistDatabase.builder()
            .jdbcUrl("jdbc:postgresql://127.0.0.1:5432/app").user("app").password(secret)
            .schema("alchemist").build()) {          // HikariCP pool, Flyway migration, maintenance
      db.dialogs().insert(dialog);
      db.messages().append(message);
      List<Message> last = db.messages().lastN(dialog.id(), 50);            // one index range scan
      MessagePage older = db.messages().olderThan(dialog.id(), MessageCursor.at(last.get(0)), 50);
      try (var events = db.eventWriter(BatchSettings.defaults())) { events.submit(event); } // flushes
      List<DomainStats> dashboard = db.domainStats().all();   // rollups, current as of the last commit
    }
    // snippet:end
  }

  static void nats(DomainEvent event, Logger log) {
    // snippet:begin
    try (NatsEvents events = NatsEvents.connect("nats://127.0.0.1:4222")) {
      StreamSpec spec = StreamSpec.alchemistEvents().forDevelopment();   // the guide's stream, R1
      events.provisioner().provision(spec);        // create, update mutable drift, fail on immutable
      try (JetStreamPublisher publisher =
          events.jetStreamPublisher(JetStreamPublisherSettings.builder().stream(spec).build())) {
        publisher.publish(events.subjects().subject(event), event)    // Nats-Msg-Id = event id
            .thenAccept(receipt -> log.info("stored #{}", receipt.sequence()));
      }                                            // close() waits for every ack
    }
    // snippet:end
  }

  static void ai(
      CacheManager caches, Flow.Subscriber<String> dashboardA, Flow.Subscriber<String> dashboardB) {
    // snippet:begin
    ChatModel model = OllamaChatModel.builder().baseUri("http://127.0.0.1:11434").build(); // or OpenAiChatModel
    try (ChatStreamer chat = ChatStreamer.builder().model(model)
            .cache(ResponseCache.builder(ResponseStore.cache(caches)).build()).build()) {
      ChunkStream answer = chat.stream(ChatRequest.of("llama3.2", "Why is the sky blue?"));
      answer.subscribe(dashboardA);   // Flow.Subscriber<String> with real back-pressure
      answer.subscribe(dashboardB);   // same model call, its own buffer
    }
    // snippet:end
  }

  static void cache(UUID dialogId, Repository repository) {
    // snippet:begin
    try (CacheManager caches = CacheManager.builder().redis("redis://127.0.0.1:6379").build()) {
      Cache<UUID, DialogHistory> history =
          caches.cache(CachePolicy.DIALOG_HISTORY, UUID.class, DialogHistory.class);
      DialogHistory h = history.get(dialogId, id -> repository.loadHistory(id)); // single-flight
      history.invalidate(dialogId);                                              // every instance
    }
    // snippet:end
  }

  static void metrics(DebouncedUpdater<?> dashboardUpdater, Service service, String request) {
    // snippet:begin
    try (AlchemistMetrics metrics = AlchemistMetrics.builder()
            .application("dialog-service")
            .endpoint(MetricsEndpointSettings.builder().port(9464).build())   // http://127.0.0.1:9464/metrics
            .build()) {
      metrics.bind(DebounceMetrics.of(dashboardUpdater));
      Reply reply = metrics.tracker().track("dialog.reply", () -> service.reply(request));
    }
    // snippet:end
  }

  // snippet:begin
  @RestController
  class Replies {
    Replies(AlchemistDatabase db, CacheManager caches, CachePolicies policies,
            JetStreamPublisher events, ChatStreamer chat) { /* the host's own code */ }
  }
  // snippet:end
}
