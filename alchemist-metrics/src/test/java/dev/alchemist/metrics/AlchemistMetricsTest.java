package dev.alchemist.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

class AlchemistMetricsTest {

  @Test
  void build_defaults_prometheusRegistryWithJvmMetersAndNoEndpoint() {
    try (AlchemistMetrics metrics = AlchemistMetrics.builder().build()) {
      assertThat(metrics.registry()).isInstanceOf(PrometheusMeterRegistry.class);
      assertThat(metrics.prometheusRegistry().orElseThrow()).isSameAs(metrics.registry());
      assertThat(metrics.endpoint()).isEmpty();
      assertThat(metrics.registry().find("jvm.memory.used").gauges()).isNotEmpty();
      assertThat(metrics.registry().find("jvm.threads.live").gauge()).isNotNull();
      assertThat(metrics.registry().find("process.uptime").timeGauge()).isNotNull();
    }
  }

  @Test
  void build_applicationAndInstance_becomeCommonTags() {
    try (AlchemistMetrics metrics =
        AlchemistMetrics.builder().application("dialogs").instance("pod-1").build()) {
      metrics.tracker().track("dialog.create", () -> {});

      assertThat(metrics.scrape())
          .contains(
              "alchemist_requests_total{application=\"dialogs\",exception=\"none\","
                  + "instance=\"pod-1\",operation=\"dialog.create\",outcome=\"success\"} 1");
    }
  }

  @Test
  void build_jvmMetricsOff_registersNoJvmMeters() {
    try (AlchemistMetrics metrics =
        AlchemistMetrics.builder().jvmMetrics(false).joinGlobalRegistry(false).build()) {
      assertThat(metrics.registry().getMeters()).isEmpty();
    }
  }

  @Test
  void scrape_meterOfAModuleOnItsDefaultGlobalRegistry_appearsInTheScrape() {
    Counter before =
        Counter.builder("alchemist.test.global.before").register(Metrics.globalRegistry);
    try (AlchemistMetrics metrics = AlchemistMetrics.builder().application("one").build()) {
      Counter after =
          Counter.builder("alchemist.test.global.after").register(Metrics.globalRegistry);
      before.increment();
      after.increment(2);

      assertThat(metrics.scrape())
          .contains("alchemist_test_global_before_total{application=\"one\"} 1.0")
          .contains("alchemist_test_global_after_total{application=\"one\"} 2.0");
      assertThat(Metrics.globalRegistry.getRegistries()).contains(metrics.registry());
    } finally {
      Metrics.globalRegistry.remove(before);
      Metrics.globalRegistry
          .find("alchemist.test.global.after")
          .meters()
          .forEach(Metrics.globalRegistry::remove);
    }
  }

  @Test
  void close_joinedGlobalRegistry_leavesIt() {
    AlchemistMetrics metrics = AlchemistMetrics.builder().jvmMetrics(false).build();
    MeterRegistry registry = metrics.registry();
    metrics.close();

    assertThat(Metrics.globalRegistry.getRegistries()).doesNotContain(registry);
  }

  @Test
  void build_joinGlobalRegistryOff_staysOutOfIt() {
    try (AlchemistMetrics metrics =
        AlchemistMetrics.builder().jvmMetrics(false).joinGlobalRegistry(false).build()) {
      assertThat(Metrics.globalRegistry.getRegistries()).doesNotContain(metrics.registry());
    }
  }

  @Test
  void close_registryTheHostAddedToGlobal_staysInGlobal() {
    PrometheusMeterRegistry host = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Metrics.addRegistry(host);
    try {
      AlchemistMetrics.builder().registry(host).jvmMetrics(false).build().close();

      assertThat(Metrics.globalRegistry.getRegistries()).contains(host);
    } finally {
      Metrics.removeRegistry(host);
    }
  }

  @Test
  void build_compositeHoldingTheGlobalRegistry_doesNotMakeACycle() {
    CompositeMeterRegistry composite = new CompositeMeterRegistry();
    composite.add(Metrics.globalRegistry);
    try (AlchemistMetrics metrics =
        AlchemistMetrics.builder().registry(composite).jvmMetrics(false).build()) {
      assertThat(Metrics.globalRegistry.getRegistries()).doesNotContain(composite);
      metrics.tracker().track("dialog.create", () -> {});
    }
  }

  @Test
  void bind_binderInBuilderAndLater_bothBound() {
    try (AlchemistMetrics metrics =
        AlchemistMetrics.builder()
            .jvmMetrics(false)
            .bind(r -> Counter.builder("alchemist.early").register(r))
            .build()) {
      metrics.bind(r -> Counter.builder("alchemist.late").register(r));

      assertThat(metrics.registry().find("alchemist.early").counter()).isNotNull();
      assertThat(metrics.registry().find("alchemist.late").counter()).isNotNull();
    }
  }

  @Test
  void close_givenRegistry_isLeftOpen() {
    PrometheusMeterRegistry given = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    AlchemistMetrics.builder().registry(given).build().close();

    assertThat(given.isClosed()).isFalse();
    given.close();
  }

  @Test
  void close_removesEveryMeterItRegistered_fromTheHostsRegistry() {
    SimpleMeterRegistry host = new SimpleMeterRegistry();
    AlchemistMetrics metrics =
        AlchemistMetrics.builder()
            .registry(host)
            .jvmMetrics(false)
            .joinGlobalRegistry(false)
            .build();
    metrics.tracker().track("dialog.touch", () -> {});
    assertThat(host.find("alchemist.requests").counter()).isNotNull();

    metrics.close();

    assertThat(host.getMeters()).isEmpty();
  }

  @Test
  void recreatedMetrics_onTheHostsRegistry_countOnlyTheirOwnRequests() {
    SimpleMeterRegistry host = new SimpleMeterRegistry();
    try (AlchemistMetrics first =
        AlchemistMetrics.builder()
            .registry(host)
            .jvmMetrics(false)
            .joinGlobalRegistry(false)
            .build()) {
      first.tracker().track("dialog.touch", () -> {});
    }
    try (AlchemistMetrics second =
        AlchemistMetrics.builder()
            .registry(host)
            .jvmMetrics(false)
            .joinGlobalRegistry(false)
            .build()) {
      second.tracker().track("dialog.touch", () -> {});

      assertThat(host.get("alchemist.requests").counter().count()).isEqualTo(1);
    }
  }

  @Test
  void close_ownRegistry_isClosed() {
    AlchemistMetrics metrics = AlchemistMetrics.builder().build();

    metrics.close();
    metrics.close();

    assertThat(metrics.registry().isClosed()).isTrue();
  }

  @Test
  void build_endpointWithNonPrometheusRegistry_throwsIllegalState() {
    AlchemistMetrics.Builder builder =
        AlchemistMetrics.builder()
            .registry(new SimpleMeterRegistry())
            .endpoint(MetricsEndpointSettings.builder().port(0).build());

    assertThatThrownBy(builder::build)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "endpoint needs a PrometheusMeterRegistry but registry is SimpleMeterRegistry"
                + " with none inside");
  }

  @Test
  void prometheusRegistry_compositeContainingPrometheus_isFound() {
    PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    CompositeMeterRegistry composite = new CompositeMeterRegistry();
    composite.add(new SimpleMeterRegistry());
    composite.add(prometheus);

    try (AlchemistMetrics metrics =
        AlchemistMetrics.builder().registry(composite).jvmMetrics(false).build()) {
      metrics.tracker().track("x", () -> {});

      assertThat(metrics.prometheusRegistry()).containsSame(prometheus);
      assertThat(metrics.scrape()).contains("alchemist_requests_total");
    }
    composite.close();
  }

  @Test
  void scrape_withoutPrometheus_throwsIllegalState() {
    try (AlchemistMetrics metrics =
        AlchemistMetrics.builder().registry(new SimpleMeterRegistry()).build()) {
      assertThatThrownBy(metrics::scrape)
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("scrape needs a PrometheusMeterRegistry but registry is SimpleMeterRegistry");
    }
  }

  @Test
  void application_blankOrTooLong_refused() {
    assertThatThrownBy(() -> AlchemistMetrics.builder().application(" "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("application must not be blank");
    assertThatThrownBy(() -> AlchemistMetrics.builder().instance("i".repeat(129)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("instance must be at most 128 characters but was 129");
  }

  @Test
  void resources_dashboardAndRules_areOnTheClassPath() {
    ClassLoader loader = AlchemistMetrics.class.getClassLoader();

    assertThat(loader.getResource(AlchemistMetrics.DASHBOARD_RESOURCE)).isNotNull();
    assertThat(loader.getResource(AlchemistMetrics.ALERT_RULES_RESOURCE)).isNotNull();
  }
}
