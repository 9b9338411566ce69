package dev.alchemist.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.alchemist.testing.ChildJvm;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Micrometer is an optional dependency of alchemist-core: a host that never hands a debouncer or a
 * fan-out to a MeterRegistry must not need it on its class path.
 */
class WithoutMicrometerTest {
  @Test
  void codecDebouncersFanoutAndWindow_runWithoutMicrometer() throws Exception {
    ChildJvm.Result child =
        ChildJvm.run(
            WithoutMicrometerMain.class,
            List.of("/io/micrometer/", "/org/hdrhistogram/", "/org/latencyutils/"));

    assertThat(child.classPath()).noneMatch(entry -> entry.contains("micrometer"));
    assertThat(child.output()).contains("ok");
    assertThat(child.exitCode()).as(child.output()).isZero();
  }
}
