package dev.alchemist.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.alchemist.ai.ChatRequest;
import dev.alchemist.ai.ChatStreamer;
import dev.alchemist.ai.ChunkStream;
import dev.alchemist.ai.SimulatedChatModel;
import dev.alchemist.cache.Cache;
import dev.alchemist.cache.CacheManager;
import dev.alchemist.cache.CachePolicy;
import dev.alchemist.core.DialogHistory;
import dev.alchemist.core.DomainEvent;
import dev.alchemist.core.flow.DebounceMetrics;
import dev.alchemist.core.flow.DebounceSettings;
import dev.alchemist.core.flow.DebouncedUpdater;
import dev.alchemist.metrics.AlchemistMetrics;
import dev.alchemist.metrics.MetricsEndpoint;
import dev.alchemist.metrics.MetricsEndpointSettings;
import dev.alchemist.nats.JetStreamPublisher;
import dev.alchemist.nats.JetStreamPublisherSettings;
import dev.alchemist.nats.NatsEvents;
import dev.alchemist.nats.StreamSpec;
import dev.alchemist.nats.SubjectSpace;
import dev.alchemist.store.AlchemistDatabase;
import dev.alchemist.testing.TestServices;
import io.nats.client.Connection;
import io.nats.client.Nats;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The README's path to one metrics endpoint: an {@link AlchemistMetrics} with an endpoint, then
 * every module built with its defaults (no registry passed), against the real Redis and NATS. The
 * scrape of the endpoint must hold each module's series.
 */
class ReadmeMetricsIT {

  @Test
  void scrape_modulesOnTheirDefaultRegistry_everyModuleSeriesOnTheOneEndpoint() throws Exception {
    String prefix = TestServices.uniquePrefix("readme_metrics");
    SubjectSpace subjects = SubjectSpace.of(prefix);
    StreamSpec spec =
        StreamSpec.alchemistEvents().forDevelopment().toBuilder()
            .name(prefix.toUpperCase(Locale.ROOT))
            .subjects(subjects)
            .maxAge(Duration.ofHours(1))
            .build();
    String scrape;
    try (AlchemistMetrics metrics =
            AlchemistMetrics.builder()
                .application("readme")
                .endpoint(MetricsEndpointSettings.builder().port(0).build())
                .build();
        CacheManager caches =
            CacheManager.builder().redis(TestServices.redis().uri()).keyPrefix(prefix).build();
        NatsEvents events =
            NatsEvents.builder().url(TestServices.nats().uri()).subjects(subjects).build();
        AlchemistDatabase db = AlchemistDatabase.builder().embedded().build();
        ChatStreamer chat =
            ChatStreamer.builder()
                .model(
                    SimulatedChatModel.builder()
                        .firstTokenLatency(Duration.ZERO)
                        .tokensPerAnswer(20)
                        .tokensPerSecond(1000)
                        .build())
                .build();
        DebouncedUpdater<String> view =
            DebouncedUpdater.create(
                DebounceSettings.builder().name(prefix).interval(Duration.ofMillis(16)).build(),
                frame -> {})) {
      metrics.bind(DebounceMetrics.of(view));
      metrics.tracker().track("dialog.reply", () -> view.update("frame"));

      Cache<UUID, DialogHistory> history =
          caches.cache(CachePolicy.DIALOG_HISTORY, UUID.class, DialogHistory.class);
      UUID dialogId = UUID.randomUUID();
      history.get(dialogId, id -> new DialogHistory(id, List.of()));

      events.provisioner().provision(spec);
      // Open until the scrape (events.close() closes it): a closed publisher's meters are removed.
      JetStreamPublisher publisher =
          events.jetStreamPublisher(JetStreamPublisherSettings.builder().stream(spec).build());
      DomainEvent event =
          DomainEvent.of("dialog", "message", "created", "s-1", Instant.now(), "{}");
      publisher.publish(events.subjects().subject(event), event).get(10, TimeUnit.SECONDS);

      ChunkStream answer = chat.stream(ChatRequest.of("simulated", "Why is the sky blue?"));
      answer.subscribe(
          new java.util.concurrent.Flow.Subscriber<String>() {
            @Override
            public void onSubscribe(java.util.concurrent.Flow.Subscription s) {
              s.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(String item) {}

            @Override
            public void onError(Throwable throwable) {}

            @Override
            public void onComplete() {}
          });
      answer.summary().get(10, TimeUnit.SECONDS);

      db.dialogs().find(UUID.randomUUID());

      URI uri = metrics.endpoint().map(MetricsEndpoint::uri).orElseThrow();
      scrape =
          HttpClient.newHttpClient()
              .send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString())
              .body();
    } finally {
      deleteStream(spec.name());
    }

    assertThat(scrape)
        .contains("alchemist_requests_total{application=\"readme\"")
        .contains("alchemist_flow_updates_total{application=\"readme\"")
        .contains("alchemist_cache_gets_total{application=\"readme\"")
        .contains("alchemist_nats_published_total{application=\"readme\"")
        .contains("alchemist_nats_acked_total{application=\"readme\"")
        .contains("alchemist_ai_first_chunk_seconds_count{application=\"readme\"")
        .contains("hikaricp_connections{application=\"readme\"");
  }

  private static void deleteStream(String name) throws Exception {
    Connection nc = Nats.connect(TestServices.nats().uri());
    try {
      nc.jetStreamManagement().deleteStream(name);
    } finally {
      nc.close();
    }
  }
}
