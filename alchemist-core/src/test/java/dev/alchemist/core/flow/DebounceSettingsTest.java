package dev.alchemist.core.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DebounceSettingsTest {

  @Test
  void interval_zero_throwsNamingFieldAndValue() {
    assertThatThrownBy(() -> DebounceSettings.builder().interval(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("interval must be positive but was PT0S");
  }

  @Test
  void interval_negative_throwsNamingFieldAndValue() {
    assertThatThrownBy(() -> DebounceSettings.builder().interval(Duration.ofMillis(-5)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("interval must be positive but was PT-0.005S");
  }

  @Test
  void interval_aboveLimit_throwsNamingLimit() {
    assertThatThrownBy(() -> DebounceSettings.builder().interval(Duration.ofDays(2)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("interval must be at most PT24H but was PT48H");
  }

  @Test
  void idleTimeout_zero_throwsNamingFieldAndValue() {
    assertThatThrownBy(() -> DebounceSettings.builder().idleTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("idleTimeout must be positive but was PT0S");
  }

  @Test
  void build_idleTimeoutShorterThanInterval_throwsIllegalState() {
    DebounceSettings.Builder builder =
        DebounceSettings.builder()
            .interval(Duration.ofMillis(16))
            .idleTimeout(Duration.ofMillis(1));

    assertThatThrownBy(builder::build)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("idleTimeout (PT0.001S) must be >= interval (PT0.016S)");
  }

  @Test
  void name_blank_throwsNamingFieldAndValue() {
    assertThatThrownBy(() -> DebounceSettings.builder().name(" "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("name must not be blank");
  }

  @Test
  void scheduler_null_throwsNullPointerNamingField() {
    assertThatThrownBy(() -> DebounceSettings.builder().scheduler(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("scheduler");
  }

  @Test
  void defaults_always_sixtyHertzSharedTimerNoListener() {
    DebounceSettings settings = DebounceSettings.defaults();

    assertThat(settings.interval()).isEqualTo(Duration.ofMillis(16));
    assertThat(settings.idleTimeout()).isEqualTo(Duration.ofMinutes(1));
    assertThat(settings.scheduler()).isNull();
    assertThat(settings.executor()).isNull();
    assertThat(settings.listener()).isSameAs(DebounceListener.NONE);
  }

  @Test
  void toBuilder_unchanged_buildsEqualSettings() {
    FakeScheduler scheduler = new FakeScheduler();
    DebounceSettings settings =
        DebounceSettings.builder().name("x").scheduler(scheduler).executor(Runnable::run).build();

    assertThat(settings.toBuilder().build()).isEqualTo(settings);
  }

  @Test
  void build_calledTwice_returnsIndependentEqualSettings() {
    DebounceSettings.Builder builder = DebounceSettings.builder().name("a");
    DebounceSettings first = builder.build();
    DebounceSettings second = builder.name("b").build();

    assertThat(first.name()).isEqualTo("a");
    assertThat(second.name()).isEqualTo("b");
  }

  @Test
  void maxKeys_zero_throwsNamingFieldAndValue() {
    assertThatThrownBy(() -> DebounceSettings.builder().maxKeys(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxKeys must be between 1 and 2147483647 but was 0");
  }

  @Test
  void maxKeys_default_isOneHundredThousand() {
    assertThat(DebounceSettings.defaults().maxKeys())
        .isEqualTo(DebounceSettings.DEFAULT_MAX_KEYS)
        .isEqualTo(100_000);
  }
}
