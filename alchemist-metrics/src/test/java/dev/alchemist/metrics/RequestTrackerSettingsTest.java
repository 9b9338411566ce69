package dev.alchemist.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RequestTrackerSettingsTest {

  @Test
  void defaults_matchTheGuideTargets() {
    RequestTrackerSettings s = RequestTrackerSettings.defaults();

    assertThat(s.maxOperations()).isEqualTo(100);
    assertThat(s.serviceLevelObjectives())
        .containsExactly(Duration.ofMillis(100), Duration.ofMillis(500));
    assertThat(s.percentileHistogram()).isTrue();
  }

  @Test
  void maxOperations_outOfRange_namesFieldValueAndLimit() {
    assertThatThrownBy(() -> RequestTrackerSettings.builder().maxOperations(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxOperations must be between 1 and 10000 but was 0");
  }

  @Test
  void serviceLevelObjectives_zero_refused() {
    assertThatThrownBy(() -> RequestTrackerSettings.builder().serviceLevelObjectives(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("serviceLevelObjective must be positive but was PT0S");
  }

  @Test
  void serviceLevelObjectives_unsortedWithDuplicates_sortedAndDistinct() {
    RequestTrackerSettings s =
        RequestTrackerSettings.builder()
            .serviceLevelObjectives(
                Duration.ofMillis(500), Duration.ofMillis(100), Duration.ofMillis(500))
            .build();

    assertThat(s.serviceLevelObjectives())
        .containsExactly(Duration.ofMillis(100), Duration.ofMillis(500));
  }

  @Test
  void build_minimumNotBelowMaximum_throwsIllegalState() {
    RequestTrackerSettings.Builder b =
        RequestTrackerSettings.builder()
            .minimumExpected(Duration.ofSeconds(2))
            .maximumExpected(Duration.ofSeconds(1));

    assertThatThrownBy(b::build)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("minimumExpected (PT2S) must be < maximumExpected (PT1S)");
  }

  @Test
  void maximumExpected_aboveOneHour_refused() {
    assertThatThrownBy(() -> RequestTrackerSettings.builder().maximumExpected(Duration.ofHours(2)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maximumExpected must be at most PT1H but was PT2H");
  }

  @Test
  void toBuilder_roundTrips() {
    RequestTrackerSettings s =
        RequestTrackerSettings.builder().maxOperations(7).percentileHistogram(false).build();

    assertThat(s.toBuilder().build()).isEqualTo(s);
  }
}
