package dev.alchemist.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The two buses share one builder: same defaults, same validation, same chained setters. */
class BusBuilderTest {
  private static final String URL = "nats://127.0.0.1:4222";

  @Test
  void defaults_bothBuses_agreeOnEverySharedSetting() {
    InProcessEventBus.Settings inProcess = InProcessEventBus.builder().settings();
    NatsEvents.Settings nats = NatsEvents.builder().url(URL).settings();

    assertThat(inProcess.closeTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(nats.closeTimeout()).isEqualTo(inProcess.closeTimeout());
    assertThat(nats.maxPendingPerSubscription())
        .isEqualTo(inProcess.maxPendingPerSubscription())
        .isEqualTo(65_536);
    assertThat(nats.subjects()).isEqualTo(inProcess.subjects());
    assertThat(nats.meterRegistry()).isSameAs(inProcess.meterRegistry());
    assertThat(nats.executor()).isNull();
    assertThat(inProcess.executor()).isNull();
  }

  @Test
  void sharedSetters_chainedOnEitherBuilder_keepTheirValues() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    SubjectSpace space = SubjectSpace.of("tenant");

    InProcessEventBus.Settings inProcess =
        InProcessEventBus.builder()
            .closeTimeout(Duration.ofSeconds(3))
            .maxPendingPerSubscription(7)
            .subjects(space)
            .meterRegistry(registry)
            .settings();
    NatsEvents.Settings nats =
        NatsEvents.builder()
            .closeTimeout(Duration.ofSeconds(3))
            .maxPendingPerSubscription(7)
            .subjects(space)
            .meterRegistry(registry)
            .url(URL)
            .settings();

    assertThat(inProcess.closeTimeout()).isEqualTo(nats.closeTimeout()).hasSeconds(3);
    assertThat(inProcess.maxPendingPerSubscription())
        .isEqualTo(nats.maxPendingPerSubscription())
        .isEqualTo(7);
    assertThat(inProcess.subjects()).isEqualTo(nats.subjects()).isEqualTo(space);
    assertThat(inProcess.meterRegistry()).isSameAs(nats.meterRegistry()).isSameAs(registry);
  }

  @Test
  void closeTimeout_zero_isRefusedNamingTheFieldOnBothBuilders() {
    assertThatThrownBy(() -> InProcessEventBus.builder().closeTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("closeTimeout");
    assertThatThrownBy(() -> NatsEvents.builder().closeTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("closeTimeout");
  }

  @Test
  void maxPendingPerSubscription_zero_isRefusedNamingFieldAndValue() {
    assertThatThrownBy(() -> NatsEvents.builder().maxPendingPerSubscription(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxPendingPerSubscription")
        .hasMessageContaining("was 0");
    assertThatThrownBy(() -> InProcessEventBus.builder().maxPendingPerSubscription(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxPendingPerSubscription")
        .hasMessageContaining("was 0");
  }

  @Test
  void settingsRecord_nonPositiveCloseTimeout_isRefusedNamingTheField() {
    InProcessEventBus.Settings defaults = InProcessEventBus.builder().settings();

    assertThatThrownBy(
            () ->
                new InProcessEventBus.Settings(
                    defaults.subjects(),
                    null,
                    1,
                    Duration.ofSeconds(-1),
                    defaults.meterRegistry(),
                    defaults.listener()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("closeTimeout");
  }
}
