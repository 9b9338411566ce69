package dev.alchemist.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.alchemist.testing.ChildJvm;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class OwnedMetersTest {
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  @Test
  void close_removesEveryMeterItRegistered() {
    OwnedMeters meters = OwnedMeters.of(registry, "first");
    meters.shared(Counter.builder("alchemist.test.count")::register).increment();
    meters.exclusive(Gauge.builder("alchemist.test.level", () -> 1)::register);
    meters.summed("alchemist.test.total", Tags.empty(), "total", () -> 2);

    meters.close();

    assertThat(registry.getMeters()).isEmpty();
  }

  @Test
  void sharedCounter_staysUntilTheLastLiveOwnerCloses() {
    OwnedMeters first = OwnedMeters.of(registry, "first");
    OwnedMeters second = OwnedMeters.of(registry, "second");
    Counter a = first.shared(Counter.builder("alchemist.test.count")::register);
    Counter b = second.shared(Counter.builder("alchemist.test.count")::register);
    first.close();
    b.increment();

    assertThat(a).isSameAs(b);
    assertThat(registry.get("alchemist.test.count").counter().count()).isEqualTo(1);
    second.close();
    assertThat(registry.find("alchemist.test.count").counter()).isNull();
  }

  @Test
  void exclusiveGauge_secondLiveOwner_isRefusedNamingBoth() {
    OwnedMeters first = OwnedMeters.of(registry, "publisher a");
    first.exclusive(Gauge.builder("alchemist.test.level", () -> 1).tag("k", "v")::register);
    OwnedMeters second = OwnedMeters.of(registry, "publisher b");

    assertThatThrownBy(
            () ->
                second.exclusive(
                    Gauge.builder("alchemist.test.level", () -> 2).tag("k", "v")::register))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("alchemist.test.level{k=v}")
        .hasMessageContaining("publisher a")
        .hasMessageContaining("publisher b");
    first.close();
    second.exclusive(Gauge.builder("alchemist.test.level", () -> 2).tag("k", "v")::register);
    assertThat(registry.get("alchemist.test.level").gauge().value()).isEqualTo(2);
  }

  @Test
  void exclusiveUnderFreeName_takesTheFirstNameNoLiveOwnerReports() {
    AtomicInteger one = new AtomicInteger(1);
    AtomicInteger two = new AtomicInteger(2);
    OwnedMeters first = OwnedMeters.of(registry, "first");
    OwnedMeters second = OwnedMeters.of(registry, "second");

    String a = first.exclusiveUnderFreeName("default", n -> level(n, one));
    String b = second.exclusiveUnderFreeName("default", n -> level(n, two));

    assertThat(a).isEqualTo("default");
    assertThat(b).isEqualTo("default-2");
    assertThat(registry.get("alchemist.test.level").tag("name", "default-2").gauge().value())
        .isEqualTo(2);
    first.close();
    assertThat(
            OwnedMeters.of(registry, "third").exclusiveUnderFreeName("default", n -> level(n, one)))
        .isEqualTo("default");
  }

  @Test
  void summed_reportsOnlyLiveContributors() {
    OwnedMeters first = OwnedMeters.of(registry, "first");
    OwnedMeters second = OwnedMeters.of(registry, "second");
    first.summed("alchemist.test.total", Tags.of("p", "x"), "total", () -> 3);
    second.summed("alchemist.test.total", Tags.of("p", "x"), "total", () -> 4);

    assertThat(registry.get("alchemist.test.total").gauge().value()).isEqualTo(7);
    first.close();
    assertThat(registry.get("alchemist.test.total").gauge().value()).isEqualTo(4);
    second.close();
    assertThat(registry.find("alchemist.test.total").gauge()).isNull();
  }

  @Test
  void summed_secondContributor_logsNoDoubleRegistration() throws Exception {
    // Registering the same gauge again for every contributor after the first made Micrometer log
    // "This Gauge has been already registered" (with two writer lanes, for example). Micrometer
    // warns once per JVM, so a fresh JVM runs the two contributors.
    ChildJvm.Result child = ChildJvm.run(TwoContributorsMain.class, List.of());

    assertThat(child.exitCode()).as(child.output()).isZero();
    assertThat(child.output()).contains("total=7.0").doesNotContain("already registered");
  }

  /** Two owners contribute to one summed gauge, in a JVM of its own. */
  public static final class TwoContributorsMain {
    public static void main(String[] args) {
      SimpleMeterRegistry registry = new SimpleMeterRegistry();
      OwnedMeters first = OwnedMeters.of(registry, "first");
      OwnedMeters second = OwnedMeters.of(registry, "second");
      first.summed("alchemist.test.total", Tags.of("p", "x"), "total", () -> 3);
      second.summed("alchemist.test.total", Tags.of("p", "x"), "total", () -> 4);
      System.out.println("total=" + registry.get("alchemist.test.total").gauge().value());
      first.close();
      second.close();
    }
  }

  @Test
  void deniedGauges_neverConflict() {
    registry.config().meterFilter(MeterFilter.denyNameStartsWith("alchemist.test"));
    OwnedMeters first = OwnedMeters.of(registry, "first");
    OwnedMeters second = OwnedMeters.of(registry, "second");
    first.exclusive(Gauge.builder("alchemist.test.level", () -> 1)::register);
    second.exclusive(Gauge.builder("alchemist.test.level", () -> 2)::register);

    first.close();
    second.close();
    assertThat(registry.getMeters()).isEmpty();
  }

  @Test
  void countAfterClose_doesNotRecreateTheMeter() {
    OwnedMeters meters = OwnedMeters.of(registry, "first");
    meters.close();

    meters.shared(Counter.builder("alchemist.test.late")::register).increment();

    assertThat(registry.find("alchemist.test.late").counter()).isNull();
  }

  @Test
  void ownersOpeningAndClosingOnManyThreads_leaveNothingBehind_andEveryLiveCountIsKept()
      throws Exception {
    int threads = 8;
    int rounds = 500;
    Counter kept =
        OwnedMeters.of(registry, "keeper")
            .shared(Counter.builder("alchemist.test.count")::register);
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(threads);
    java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
    java.util.List<java.util.concurrent.Future<?>> done = new java.util.ArrayList<>();
    try {
      for (int t = 0; t < threads; t++) {
        done.add(
            pool.submit(
                () -> {
                  start.await();
                  for (int i = 0; i < rounds; i++) {
                    OwnedMeters m = OwnedMeters.of(registry, "worker");
                    m.shared(Counter.builder("alchemist.test.count")::register).increment();
                    m.shared(Counter.builder("alchemist.test.other")::register).increment();
                    m.exclusiveUnderFreeName("w", n -> level(n, new AtomicInteger()));
                    m.close();
                  }
                  return null;
                }));
      }
      start.countDown();
      for (java.util.concurrent.Future<?> f : done) {
        f.get(60, java.util.concurrent.TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }

    // the keeper's counter stayed registered through every close and counted every increment
    assertThat(registry.get("alchemist.test.count").counter()).isSameAs(kept);
    assertThat(kept.count()).isEqualTo(threads * rounds);
    assertThat(registry.getMeters()).containsExactly(kept);
  }

  private static Gauge.Builder<AtomicInteger> level(String name, AtomicInteger value) {
    return Gauge.builder("alchemist.test.level", value, AtomicInteger::get).tag("name", name);
  }
}
