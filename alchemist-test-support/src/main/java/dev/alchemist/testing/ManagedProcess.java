package dev.alchemist.testing;

import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * One process a private launcher started: its output appended to a log file, stopped by its own pid
 * (never by name, so a shared service on the machine is never touched), with its children, and
 * killed by a JVM shutdown hook if nobody stopped it, so an aborted test run leaves no orphans (a
 * JVM that is itself killed with SIGKILL cannot do that).
 *
 * <p>{@link #run} is the same for a command that runs to completion ({@code redis-cli}, {@code
 * pg_ctl}): bounded in time, its output captured for the failure message.
 *
 * <p>Thread-safe; {@link PrivateServer}, {@link PrivateNatsCluster}, {@link PrivateRedisCluster},
 * {@link PrivatePrometheus} and {@link PrivatePostgres} are built on it.
 */
final class ManagedProcess {
  /** How long a stop waits for the exit after SIGTERM, and again after SIGKILL. */
  static final long STOP_TIMEOUT_SECONDS = 10;

  /** Started and not yet seen to exit: what the shutdown hook kills. */
  private static final Set<ManagedProcess> LIVE = ConcurrentHashMap.newKeySet();

  /** Launchers' temporary directories not yet deleted: the shutdown hook deletes them. */
  private static final Set<Path> DIRECTORIES = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime()
        .addShutdownHook(new Thread(ManagedProcess::killAllLive, "alchemist-private-cleanup"));
  }

  private final String name;
  private final Process process;
  private final Path log;
  private final long logStart;

  private ManagedProcess(String name, Process process, Path log, long logStart) {
    this.name = name;
    this.process = process;
    this.log = log;
    this.logStart = logStart;
  }

  /**
   * Starts {@code command} in {@code directory} (or the current one), stdout and stderr appended to
   * {@code log}, stdin closed.
   *
   * @param name names the process in messages, such as {@code nats-server n2}
   * @throws IllegalStateException naming the executable if it cannot be started
   */
  static ManagedProcess start(
      String name, List<String> command, @Nullable Path directory, Path log) {
    long logStart = ServerFiles.size(log);
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(Redirect.appendTo(log.toFile()));
    if (directory != null) {
      builder.directory(directory.toFile());
    }
    try {
      Process process = builder.start();
      process.getOutputStream().close();
      ManagedProcess started = new ManagedProcess(name, process, log, logStart);
      LIVE.add(started);
      return started;
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + command.get(0) + ": " + e.getMessage(), e);
    }
  }

  boolean isAlive() {
    return process.isAlive();
  }

  long pid() {
    return process.pid();
  }

  /** The exit code; the process must have exited. */
  int exitValue() {
    return process.exitValue();
  }

  /** What the process wrote to its log since it started (the log may hold earlier runs). */
  String outputSinceStart() {
    return ServerFiles.readFrom(log, logStart);
  }

  /** SIGTERM, then SIGKILL after {@value #STOP_TIMEOUT_SECONDS} s; returns once it is gone. */
  void stop() {
    end(false);
  }

  /** SIGKILL, as a crash would; returns once it is gone, so its ports no longer answer. */
  void kill() {
    end(true);
  }

  /** Waits for a process that ends by itself (it exited while starting). */
  void awaitExit() {
    awaitExit(process, Duration.ofSeconds(STOP_TIMEOUT_SECONDS));
    if (!process.isAlive()) {
      LIVE.remove(this);
    }
  }

  private void end(boolean forcibly) {
    List<ProcessHandle> children = process.descendants().toList();
    if (forcibly) {
      process.destroyForcibly();
    } else {
      process.destroy();
    }
    Duration wait = Duration.ofSeconds(STOP_TIMEOUT_SECONDS);
    if (!awaitExit(process, wait) && !forcibly) {
      process.destroyForcibly();
      awaitExit(process, wait);
    }
    children.forEach(ProcessHandle::destroyForcibly);
    if (process.isAlive()) {
      throw new IllegalStateException(name + " (pid " + process.pid() + ") survived SIGKILL");
    }
    LIVE.remove(this);
  }

  /**
   * Runs {@code command} to completion in {@code directory} (or the current one), its output in
   * {@code output}, and returns that output.
   *
   * @throws IllegalStateException naming the command if it cannot start, takes longer than {@code
   *     timeout} (it is then killed) or, when {@code checkExit}, exits with another code than 0;
   *     the message ends with the end of its output
   */
  static String run(
      List<String> command,
      @Nullable Path directory,
      Path output,
      Duration timeout,
      boolean checkExit) {
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
    if (directory != null) {
      builder.directory(directory.toFile());
    }
    String shown = String.join(" ", command);
    Process process;
    try {
      process = builder.start();
      process.getOutputStream().close();
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + command.get(0) + ": " + e.getMessage(), e);
    }
    if (!awaitExit(process, timeout)) {
      process.destroyForcibly();
      throw new IllegalStateException(
          shown
              + " did not finish within "
              + timeout.toSeconds()
              + " s"
              + ServerFiles.tail("its output", output));
    }
    if (checkExit && process.exitValue() != 0) {
      throw new IllegalStateException(
          shown + " exited with " + process.exitValue() + ServerFiles.tail("its output", output));
    }
    return ServerFiles.readFrom(output, 0);
  }

  private static boolean awaitExit(Process process, Duration timeout) {
    try {
      return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for pid " + process.pid(), e);
    }
  }

  /** Has the shutdown hook delete {@code directory} if the launcher never closes. */
  static void deleteAtExit(Path directory) {
    DIRECTORIES.add(directory);
  }

  /** Deletes {@code directory} now (the launcher closes); the hook no longer has to. */
  static void deleteNow(Path directory) {
    try {
      ServerFiles.deleteRecursively(directory);
    } finally {
      DIRECTORIES.remove(directory);
    }
  }

  /** Shutdown hook: no locks (a test thread may hold one), just SIGKILL by pid, then clean up. */
  private static void killAllLive() {
    List<ManagedProcess> live = List.copyOf(LIVE);
    for (ManagedProcess p : live) {
      p.process.descendants().forEach(ProcessHandle::destroyForcibly);
      p.process.destroyForcibly();
    }
    for (ManagedProcess p : live) {
      try {
        p.process.waitFor(2, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        return; // the JVM is exiting; nothing is left to report to
      }
    }
    for (Path directory : List.copyOf(DIRECTORIES)) {
      try {
        ServerFiles.deleteRecursively(directory);
      } catch (RuntimeException e) {
        // Best effort while the JVM exits.
      }
    }
  }

  @Override
  public String toString() {
    return name + " (pid " + process.pid() + (process.isAlive() ? ")" : ", exited)");
  }
}
