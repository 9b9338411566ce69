package dev.alchemist.boot;

import static dev.alchemist.boot.AlchemistCacheAutoConfigurationTest.messages;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.alchemist.nats.EventBus;
import dev.alchemist.nats.NatsEvents;
import dev.alchemist.nats.StreamSpec;
import io.nats.client.Options;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.FilteredClassLoader;

class AlchemistNatsAutoConfigurationTest {

  @Test
  void eventBus_noServers_isInProcessAndNoNatsEvents() {
    Runners.alchemist()
        .withPropertyValues("alchemist.nats.subject-root=shop")
        .run(
            context -> {
              assertThat(context).doesNotHaveBean(NatsEvents.class);
              assertThat(context).hasSingleBean(EventBus.class);
              assertThat(context.getBean(EventBus.class).subjects().root()).isEqualTo("shop");
            });
  }

  @Test
  void eventBus_natsModuleAbsent_noBean() {
    Runners.alchemist()
        .withClassLoader(new FilteredClassLoader(NatsEvents.class))
        .run(context -> assertThat(context).doesNotHaveBean("alchemistEventBus"));
  }

  @Test
  void natsEvents_userWithoutPassword_failsNamingBoth() {
    Runners.alchemist()
        .withPropertyValues("alchemist.nats.servers=nats://127.0.0.1:1", "alchemist.nats.user=app")
        .run(
            context -> {
              assertThat(context).hasFailed();
              assertThat(messages(context.getStartupFailure()))
                  .contains("alchemist.nats.user and alchemist.nats.password must be set together");
            });
  }

  @Test
  void streams_malformedValue_failsNamingTheProperty() {
    assertThatThrownBy(
            () -> AlchemistNatsAutoConfiguration.specs(Map.of("events", Map.of("max-age", "soon"))))
        .hasMessageContaining("alchemist.nats.streams.events.max-age='soon' is invalid");
  }

  @Test
  void options_tlsAndToken_reachTheConnectionOptions() {
    AlchemistNatsProperties p = new AlchemistNatsProperties();
    p.setServers(List.of("nats://127.0.0.1:4222"));
    p.setToken("tok-1");
    p.setConnectionName("shop");
    p.getTls().setEnabled(true);
    Options options = AlchemistNatsAutoConfiguration.options(p, null);
    assertThat(options.getSslContext()).isNotNull();
    assertThat(options.getConnectionName()).isEqualTo("shop");
    assertThat(options.getServers()).hasSize(1);
  }

  @Test
  void options_tlsBundleWithoutBundles_failsNamingTheProperty() {
    AlchemistNatsProperties p = new AlchemistNatsProperties();
    p.setServers(List.of("nats://127.0.0.1:4222"));
    p.getTls().setBundle("nats");
    assertThatThrownBy(() -> AlchemistNatsAutoConfiguration.options(p, null))
        .hasMessageContaining("alchemist.nats.tls.bundle");
  }

  @Test
  void streams_absentKeys_startFromTheGuidesStream() {
    StreamSpec spec =
        AlchemistNatsAutoConfiguration.specs(
                Map.of("events", Map.of("name", "SHOP-EVENTS", "subjects", "shop.>")))
            .get("events");
    assertThat(spec.name()).isEqualTo("SHOP-EVENTS");
    assertThat(spec.subjects()).containsExactly("shop.>");
    assertThat(spec.maxAge()).isEqualTo(StreamSpec.alchemistEvents().maxAge());
    assertThat(spec.replicas()).isEqualTo(3);
  }

  @Test
  void streams_development_runsOnOneServer() {
    StreamSpec spec =
        AlchemistNatsAutoConfiguration.specs(
                Map.of("events", Map.of("development", "true", "max-age", "1d")))
            .get("events");
    assertThat(spec.replicas()).isEqualTo(1);
    assertThat(spec.placementCluster()).isNull();
    assertThat(spec.maxAge()).isEqualTo(Duration.ofDays(1));
  }
}
