package dev.alchemist.boot;

import static dev.alchemist.boot.AlchemistCacheAutoConfigurationTest.messages;
import static org.assertj.core.api.Assertions.assertThat;

import dev.alchemist.nats.ProvisionResult;
import dev.alchemist.testing.TestServices;
import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import java.util.Locale;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

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
