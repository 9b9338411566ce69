package dev.alchemist.boot;

import static dev.alchemist.boot.AlchemistCacheAutoConfigurationTest.messages;
import static org.assertj.core.api.Assertions.assertThat;

import dev.alchemist.nats.ConsumerSettings;
import dev.alchemist.nats.EventConsumer;
import dev.alchemist.nats.NatsEvents;
import dev.alchemist.nats.ProvisionResult;
import dev.alchemist.nats.SubjectPattern;
import dev.alchemist.testing.TestServices;
import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import java.util.Locale;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Streams of alchemist.nats.streams.* against the real JetStream. */
@SuppressWarnings("try") // jnats Connection.close() declares InterruptedException
class NatsStreamsIT {
  private final String url = TestServices.nats().uri();
  private final String root = TestServices.uniquePrefix("bootstreams");
  private final String stream = root.toUpperCase(Locale.ROOT);

  private ApplicationContextRunner runner(String storage) {
    return Runners.alchemist()
        .withPropertyValues(
            "alchemist.nats.servers=" + url,
            "alchemist.nats.subject-root=" + root,
            "alchemist.nats.streams.events.name=" + stream,
            "alchemist.nats.streams.events.subjects=" + root + ".>",
            "alchemist.nats.streams.events.development=true",
            "alchemist.nats.streams.events.storage=" + storage);
  }

  @AfterEach
  void deleteStream() throws Exception {
    try (Connection connection = Nats.connect(url)) {
      JetStreamManagement jsm = connection.jetStreamManagement();
      if (jsm.getStreamNames().contains(stream)) {
        jsm.deleteStream(stream);
      }
    }
  }

  @Test
  void eventBus_withServersSet_isTheNatsEventsAlone_notAlsoAnInProcessBus() {
    runner("memory")
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(context).hasSingleBean(dev.alchemist.nats.EventBus.class);
              assertThat(context.getBean(dev.alchemist.nats.EventBus.class))
                  .isSameAs(context.getBean(NatsEvents.class));
            });
  }

  @Test
  void streams_missing_areCreatedAndThenLeftAlone() {
    runner("memory")
        .run(
            context ->
                assertThat(
                        context.getBean(ProvisionedStreams.class).results().get("events").action())
                    .isEqualTo(ProvisionResult.Action.CREATED));
    runner("memory")
        .run(
            context ->
                assertThat(
                        context.getBean(ProvisionedStreams.class).results().get("events").action())
                    .isEqualTo(ProvisionResult.Action.UNCHANGED));
  }

  @Test
  void natsHealth_withAConsumerBean_reportsItsLag() {
    runner("memory")
        .withUserConfiguration(Consumer.class)
        .run(
            context -> {
              Health health =
                  context.getBean("alchemistNatsHealthIndicator", HealthIndicator.class).health();
              assertThat(health.getStatus()).isEqualTo(Status.UP);
              assertThat(health.getDetails()).containsEntry("jetStream", "reachable");
              assertThat(health.getDetails().get("consumerLag").toString())
                  .contains("eventsConsumer")
                  .contains("pending");
            });
  }

  @Configuration(proxyBeanMethods = false)
  static class Consumer {
    @Bean(destroyMethod = "close")
    EventConsumer eventsConsumer(NatsEvents events, ProvisionedStreams streams) {
      String stream = streams.specs().get("events").name();
      ConsumerSettings settings =
          ConsumerSettings.builder(stream, "boot-health")
              .filter(SubjectPattern.parse(events.subjects().root() + ".>"))
              .build();
      return events.consume(settings, event -> {});
    }
  }

  @Test
  void streams_immutableFieldDrifted_failStartupWithTheDiff() {
    runner("memory").run(context -> assertThat(context).hasNotFailed());
    runner("file")
        .run(
            context -> {
              assertThat(context).hasFailed();
              assertThat(messages(context.getStartupFailure()))
                  .contains("alchemist.nats.streams.events")
                  .contains("storage");
            });
  }
}
