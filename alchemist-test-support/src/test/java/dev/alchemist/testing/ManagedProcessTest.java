package dev.alchemist.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManagedProcessTest {
  @TempDir Path directory;

  @Test
  void stop_runningProcess_isGoneWhenItReturns() {
    Path log = directory.resolve("out.log");
    ManagedProcess process =
        ManagedProcess.start(
            "sleeper", List.of("sh", "-c", "echo started; exec sleep 600"), directory, log);

    process.stop();

    assertThat(process.isAlive()).isFalse();
  }

  @Test
  void kill_processWithAChild_killsTheChildToo() throws Exception {
    Path log = directory.resolve("out.log");
    ManagedProcess process =
        ManagedProcess.start(
            "parent", List.of("sh", "-c", "sleep 600 & echo $! ; wait"), directory, log);
    long child = awaitChildPid(log);

    process.kill();

    assertThat(process.isAlive()).isFalse();
    assertThat(awaitGone(child)).as("child pid %d after kill()", child).isTrue();
  }

  @Test
  void outputSinceStart_logWithAnEarlierRun_showsOnlyThisRun() throws Exception {
    Path log = directory.resolve("out.log");
    Files.writeString(log, "earlier run\n");
    ManagedProcess process =
        ManagedProcess.start("echo", List.of("sh", "-c", "echo this run"), directory, log);

    process.awaitExit();

    assertThat(process.outputSinceStart()).isEqualTo("this run\n");
    assertThat(process.exitValue()).isZero();
  }

  @Test
  void start_missingExecutable_failsNamingIt() {
    assertThatThrownBy(
            () ->
                ManagedProcess.start(
                    "ghost",
                    List.of("/nonexistent/alchemist-ghost"),
                    directory,
                    directory.resolve("out.log")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("cannot run /nonexistent/alchemist-ghost");
  }

  @Test
  void run_commandExitsNonZero_failsWithItsOutput() {
    assertThatThrownBy(
            () ->
                ManagedProcess.run(
                    List.of("sh", "-c", "echo broken config; exit 3"),
                    directory,
                    directory.resolve("cmd.log"),
                    Duration.ofSeconds(30),
                    true))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("exited with 3")
        .hasMessageContaining("broken config");
  }

  @Test
  void run_commandOutlivesTheTimeout_isKilledAndNamed() {
    assertThatThrownBy(
            () ->
                ManagedProcess.run(
                    List.of("sleep", "600"),
                    directory,
                    directory.resolve("cmd.log"),
                    Duration.ofMillis(200),
                    true))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("sleep 600 did not finish");
  }

  @Test
  void run_exitCodeNotChecked_returnsTheOutput() {
    String output =
        ManagedProcess.run(
            List.of("sh", "-c", "echo cluster_state:fail; exit 1"),
            null,
            directory.resolve("cmd.log"),
            Duration.ofSeconds(30),
            false);

    assertThat(output).isEqualTo("cluster_state:fail\n");
  }

  @Test
  void tail_emptyLog_saysSo() throws Exception {
    Path log = Files.createFile(directory.resolve("empty.log"));

    assertThat(ServerFiles.tail("node n1", log)).contains("node n1").contains("(empty)");
  }

  /** Whether {@code pid} is gone (or a zombie nobody reaped yet) within 30 s. */
  private static boolean awaitGone(long pid) throws Exception {
    for (int i = 0; i < 3000; i++) {
      String text;
      try {
        text = Files.readString(Path.of("/proc/" + pid + "/stat"));
      } catch (NoSuchFileException e) {
        return true;
      }
      if (text.substring(text.lastIndexOf(')') + 2).startsWith("Z")) {
        return true;
      }
      Thread.sleep(10);
    }
    return false;
  }

  private static long awaitChildPid(Path log) throws Exception {
    for (int i = 0; i < 3000; i++) {
      String text = Files.exists(log) ? Files.readString(log).trim() : "";
      if (!text.isEmpty()) {
        return Long.parseLong(text);
      }
      Thread.sleep(10);
    }
    throw new AssertionError("the child's pid never reached " + log);
  }
}
