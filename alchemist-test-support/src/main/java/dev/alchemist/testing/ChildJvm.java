package dev.alchemist.testing;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a main class in a child JVM on this test JVM's class path less some entries, to show that a
 * module works for a host that lacks an optional dependency (alchemist-core without Micrometer,
 * alchemist-ai without alchemist-cache and Lettuce).
 *
 * <pre>{@code
 * ChildJvm.Result r = ChildJvm.run(NoMicrometerMain.class, List.of("/io/micrometer/"));
 * assertThat(r.exitCode()).as(r.output()).isZero();
 * }</pre>
 */
public final class ChildJvm {
  private static final long TIMEOUT_SECONDS = 120;

  private ChildJvm() {}

  /** What the child did: its exit code and everything it printed (out and err, interleaved). */
  public record Result(int exitCode, String output, List<String> classPath) {}

  /**
   * Runs {@code mainClass} with {@code args} on this JVM's test class path without the entries
   * whose path contains any of {@code leftOut} (such as {@code "/io/micrometer/"} for the jars of
   * the local repository, or {@code "/alchemist-cache/"} for a reactor module).
   *
   * @throws IllegalStateException if the child runs longer than two minutes
   */
  public static Result run(Class<?> mainClass, List<String> leftOut, String... args)
      throws IOException, InterruptedException {
    List<String> classPath = new ArrayList<>();
    for (String entry : testClassPath().split(File.pathSeparator)) {
      String normalized = entry.replace(File.separatorChar, '/');
      if (!entry.isEmpty() && leftOut.stream().noneMatch(normalized::contains)) {
        classPath.add(entry);
      }
    }
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-cp");
    command.add(String.join(File.pathSeparator, classPath));
    command.add(mainClass.getName());
    command.addAll(Arrays.asList(args));
    Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
    child.getOutputStream().close();
    StringBuilder output = new StringBuilder();
    Thread reader =
        new Thread(
            () -> {
              try (InputStream in = child.getInputStream()) {
                output.append(new String(in.readAllBytes(), StandardCharsets.UTF_8));
              } catch (IOException e) {
                output.append("reading the child's output failed: ").append(e);
              }
            },
            "child-jvm-output");
    reader.setDaemon(true);
    reader.start();
    if (!child.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      child.destroyForcibly();
      throw new IllegalStateException(
          mainClass.getName() + " did not end within " + TIMEOUT_SECONDS + " s");
    }
    reader.join(TimeUnit.SECONDS.toMillis(10));
    return new Result(child.exitValue(), output.toString(), List.copyOf(classPath));
  }

  /**
   * The test class path: Surefire's manifest-only jar leaves the real one in {@code
   * surefire.test.class.path}; otherwise {@code java.class.path}.
   */
  private static String testClassPath() {
    String surefire = System.getProperty("surefire.test.class.path");
    return surefire != null && !surefire.isBlank()
        ? surefire
        : System.getProperty("java.class.path");
  }
}
