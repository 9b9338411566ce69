package dev.alchemist.it.consumer;

import dev.alchemist.ai.ChatRequest;
import dev.alchemist.ai.ChatStreamer;
import dev.alchemist.ai.ChunkStream;
import dev.alchemist.ai.SimulatedChatModel;
import dev.alchemist.ai.StreamSummary;
import dev.alchemist.cache.Cache;
import dev.alchemist.cache.CacheManager;
import dev.alchemist.cache.CachePolicy;
import dev.alchemist.core.Dialog;
import dev.alchemist.core.DialogHistory;
import dev.alchemist.core.DomainEvent;
import dev.alchemist.core.Message;
import dev.alchemist.core.MessageRole;
import dev.alchemist.core.codec.Codec;
import dev.alchemist.core.codec.CodecRegistry;
import dev.alchemist.core.codec.KryoCodecs;
import dev.alchemist.it.consumer.HostTypes.Order;
import dev.alchemist.nats.ConsumerSettings;
import dev.alchemist.nats.EventConsumer;
import dev.alchemist.nats.JetStreamPublisher;
import dev.alchemist.nats.JetStreamPublisherSettings;
import dev.alchemist.nats.NatsEvents;
import dev.alchemist.nats.PublishReceipt;
import dev.alchemist.nats.StreamSpec;
import dev.alchemist.nats.SubjectSpace;
import dev.alchemist.store.AlchemistDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A small host program on the installed artifacts, against the real services: a codec round
 * trip, a dialog stored in PostgreSQL, its history cached in Redis, an event through JetStream to
 * a durable consumer, and a streamed answer. Every name it creates carries its own prefix and is
 * removed at the end. Services: the environment variables the SDK's own tests read ({@code
 * ALCHEMIST_REDIS_URI}, {@code ALCHEMIST_NATS_URL}, {@code ALCHEMIST_PG_URL}, {@code
 * ALCHEMIST_PG_USER}, {@code ALCHEMIST_PG_PASSWORD}), the local defaults otherwise.
 */
@SuppressWarnings("try") // the consumer runs for the scope of its try block
public final class HostProgram {
  /** What one run saw, for the test to check. */
  public record Outcome(
      Order decoded,
      List<Message> stored,
      DialogHistory cached,
      PublishReceipt receipt,
      DomainEvent consumed,
      StreamSummary answer) {}

  private HostProgram() {}

  public static void main(String[] args) throws Exception {
    Outcome outcome = run();
    System.out.println(
        "host program: stored "
            + outcome.stored().size()
            + " message(s), event #"
            + outcome.receipt().sequence()
            + " consumed, answer of "
            + outcome.answer().tokens()
            + " tokens");
  }

  public static Outcome run() throws Exception {
    String redis = env("ALCHEMIST_REDIS_URI", "redis://127.0.0.1:6379");
    String nats = env("ALCHEMIST_NATS_URL", "nats://127.0.0.1:4222");
    String jdbc = env("ALCHEMIST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/test");
    String user = env("ALCHEMIST_PG_USER", "postgres");
    String password = env("ALCHEMIST_PG_PASSWORD", "");
    String prefix = "consumer_" + Long.toString(System.nanoTime(), 36);

    CodecRegistry codecs = KryoCodecs.builder().register(Order.class, 200).build();
    Codec<Order> orders = codecs.codec(Order.class);
    Order decoded = orders.decode(orders.encode(new Order("o-1", 1250)));

    Dialog dialog = Dialog.open("user-1", "consumer check", Instant.now());
    Message hello = Message.of(dialog.id(), MessageRole.USER, "Hello", Instant.now(), 1);
    List<Message> stored;
    try (AlchemistDatabase db =
        AlchemistDatabase.builder()
            .jdbcUrl(jdbc)
            .user(user)
            .password(password)
            .schema(prefix)
            .build()) {
      db.dialogs().insert(dialog);
      db.messages().append(hello);
      stored = db.messages().lastN(dialog.id(), 10);
    } finally {
      dropSchema(jdbc, user, password, prefix);
    }

    DialogHistory cached;
    try (CacheManager caches =
        CacheManager.builder().redis(redis).codec(codecs).keyPrefix(prefix).build()) {
      Cache<UUID, DialogHistory> history =
          caches.cache(CachePolicy.DIALOG_HISTORY, UUID.class, DialogHistory.class);
      history.get(dialog.id(), id -> new DialogHistory(id, stored));
      cached = history.get(dialog.id(), id -> new DialogHistory(id, List.of()));
      history.invalidate(dialog.id());
    }

    PublishReceipt receipt;
    DomainEvent consumed;
    SubjectSpace space = SubjectSpace.of(prefix);
    StreamSpec spec =
        StreamSpec.alchemistEvents().forDevelopment().toBuilder()
            .name(prefix.toUpperCase(Locale.ROOT))
            .subjects(space)
            .maxAge(Duration.ofMinutes(5))
            .build();
    try (NatsEvents events = NatsEvents.builder().url(nats).subjects(space).build()) {
      events.provisioner().provision(spec);
      try {
        DomainEvent event =
            DomainEvent.of("dialog", "message", "created", "s-1", Instant.now(), "{}");
        CompletableFuture<DomainEvent> received = new CompletableFuture<>();
        try (EventConsumer consumer =
                events.consume(
                    ConsumerSettings.builder(spec.name(), "indexer")
                        .filter(events.subjects().pattern("dialog.>"))
                        .build(),
                    e -> received.complete(e.event()));
            JetStreamPublisher publisher =
                events.jetStreamPublisher(
                    JetStreamPublisherSettings.builder().stream(spec).build())) {
          receipt = publisher.publish(events.subjects().subject(event), event).get(30, TimeUnit.SECONDS);
          consumed = received.get(30, TimeUnit.SECONDS);
        }
      } finally {
        events.provisioner().delete(spec.name());
      }
    }

    StreamSummary answer;
    try (ChatStreamer chat =
        ChatStreamer.builder()
            .model(SimulatedChatModel.builder().firstTokenLatency(Duration.ofMillis(5)).build())
            .build()) {
      ChunkStream stream = chat.stream(ChatRequest.of("simulated", "Why is the sky blue?"));
      answer = stream.summary().get(30, TimeUnit.SECONDS);
    }
    return new Outcome(decoded, stored, cached, receipt, consumed, answer);
  }

  private static String env(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? fallback : value;
  }

  private static void dropSchema(String jdbc, String user, String password, String schema)
      throws Exception {
    try (Connection c = DriverManager.getConnection(jdbc, user, password);
        Statement s = c.createStatement()) {
      // The schema name is this program's own prefix: letters, digits and underscores only.
      s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }
  }
}
