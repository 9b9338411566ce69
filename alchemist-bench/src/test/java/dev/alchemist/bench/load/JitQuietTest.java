package dev.alchemist.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class JitQuietTest {
  private final AtomicLong nanos = new AtomicLong();
  private final AtomicLong compiled = new AtomicLong();
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

  /** One round of {@code seconds} in which the JIT compiled for {@code compileSeconds}. */
  private boolean round(JitQuiet jit, double seconds, double compileSeconds) {
    jit.roundStarted();
    nanos.addAndGet((long) (seconds * 1e9));
    compiled.addAndGet((long) (compileSeconds * 1e3));
    return jit.roundEnded(out);
  }

  private JitQuiet jit(int maxRounds) {
    return new JitQuiet(maxRounds, nanos::get, compiled::get);
  }

  @Test
  void roundEnded_compilingAboveATenth_goesOn_thenBelowIt_isDone() {
    JitQuiet jit = jit(8);
    assertThat(round(jit, 10, 6.5)).isFalse();
    assertThat(round(jit, 10, 1.0)).isFalse(); // exactly a tenth is not quiet yet
    assertThat(round(jit, 10, 0.9)).isTrue();
    assertThat(jit.round()).isEqualTo(3);
    assertThat(bytes.toString(StandardCharsets.UTF_8))
        .contains("round 1: 10.0 s, JIT compiling 6.5 s (65 % of a core)")
        .contains("round 3: 10.0 s, JIT compiling 0.9 s (9 % of a core): quiet, warm-up done");
  }

  @Test
  void roundEnded_stillCompilingAtTheLastRound_isDoneAndSaysSo() {
    JitQuiet jit = jit(2);
    assertThat(round(jit, 10, 5)).isFalse();
    assertThat(round(jit, 10, 5)).isTrue();
    assertThat(bytes.toString(StandardCharsets.UTF_8))
        .contains("round 2: 10.0 s, JIT compiling 5.0 s (50 % of a core): still compiling after");
  }

  @Test
  void compileMillis_countsFromTheGivenSource() {
    JitQuiet jit = jit(1);
    compiled.set(1234);
    assertThat(jit.compileMillis()).isEqualTo(1234);
  }

  @Test
  void new_zeroRounds_failsNamingTheFlagAndValue() {
    assertThatThrownBy(() -> new JitQuiet(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("LoadScenario --warm-up-rounds must be at least 1, was 0");
  }
}
