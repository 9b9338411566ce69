package dev.alchemist.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PromQlTest {

  @Test
  void metricNames_rateOverSelector_returnsOnlyTheMetric() {
    assertThat(PromQl.metricNames("rate(alchemist_requests_total[5m])"))
        .containsExactly("alchemist_requests_total");
  }

  @Test
  void metricNames_aggregationWithByBeforeAndAfter_skipsLabelLists() {
    assertThat(
            PromQl.metricNames(
                "histogram_quantile(0.95, sum by (le, operation) (rate(a_bucket{x=\"y\"}[5m])))"
                    + " + sum(rate(b_total[1m])) by (le)"))
        .containsExactly("a_bucket", "b_total");
  }

  @Test
  void metricNames_labelMatchersWithBracesAndKeywordsInStrings_areSkipped() {
    assertThat(
            PromQl.metricNames(
                "m{application=~\"$application\", result=~\"l1_hit|sum(x)\", q='by {}'}"))
        .containsExactly("m");
  }

  @Test
  void metricNames_offsetAndArithmetic_keepBothSides() {
    assertThat(
            PromQl.metricNames(
                "a < 0.8 * (rate(b[1h] offset 1h)) and on (pool) c > 500 * 1024 * 1e-3"))
        .containsExactly("a", "b", "c");
  }

  @Test
  void metricNames_groupLeftAndIgnoring_skipsTheirLabels() {
    assertThat(PromQl.metricNames("x / ignoring (le) group_left (pool, cache) y"))
        .containsExactly("x", "y");
  }

  @Test
  void metricNames_gaugeEndingInMax_isKeptWhole() {
    assertThat(PromQl.metricNames("max by (pool) (hikaricp_connections_max)"))
        .containsExactly("hikaricp_connections_max");
  }

  @Test
  void variableQueryMetricNames_labelValues_returnsTheMetricNotTheLabel() {
    assertThat(
            PromQl.variableQueryMetricNames(
                "label_values(alchemist_requests_total{application=~\"$application\"}, instance)"))
        .containsExactly("alchemist_requests_total");
  }

  @Test
  void metricNames_unbalancedBrace_throws() {
    assertThatThrownBy(() -> PromQl.metricNames("m{a=\"b\""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unbalanced");
  }
}
