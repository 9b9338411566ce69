package dev.alchemist.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * What the private launchers share besides the process itself: their temporary directories, the
 * ends of their logs in failure messages, free loopback ports, finding an executable, and the pause
 * between two readiness probes.
 */
final class ServerFiles {
  static final String HOST = "127.0.0.1";

  /** Lines of a log that a failure message shows. */
  static final int TAIL_LINES = 30;

  private static final List<String> EXTRA_DIRECTORIES =
      List.of("/usr/local/bin", "/usr/local/sbin", "/usr/bin", "/usr/sbin");

  private ServerFiles() {}

  /** A new temporary directory {@code prefix...}; the launcher deletes it when it closes. */
  static Path temporaryDirectory(String prefix) {
    try {
      return Files.createTempDirectory(prefix);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a temporary directory " + prefix + "*", e);
    }
  }

  /** Deletes {@code root} and everything under it; nothing if it does not exist. */
  static void deleteRecursively(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + root, e);
    }
  }

  /**
   * The end of {@code log} for a failure message: {@code "\n--- label (path) ---\n line..."}, or a
   * line saying it is missing, empty or unreadable.
   */
  static String tail(String label, Path log) {
    String head = "\n--- " + label + " (" + log + ") ---";
    List<String> lines;
    try {
      lines = Files.exists(log) ? Files.readAllLines(log, StandardCharsets.UTF_8) : List.of();
    } catch (IOException e) {
      return head + "\n  cannot read it: " + e.getMessage();
    }
    if (lines.isEmpty()) {
      return head + "\n  (empty)";
    }
    List<String> tail = lines.subList(Math.max(0, lines.size() - TAIL_LINES), lines.size());
    return head + "\n  " + String.join("\n  ", tail);
  }

  /** The text of {@code file} from byte {@code offset} on; empty if it cannot be read. */
  static String readFrom(Path file, long offset) {
    try {
      byte[] bytes = Files.readAllBytes(file);
      int from = (int) Math.min(offset, bytes.length);
      return new String(bytes, from, bytes.length - from, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  /** The size of {@code file}, 0 if it does not exist or cannot be read. */
  static long size(Path file) {
    try {
      return Files.exists(file) ? Files.size(file) : 0;
    } catch (IOException e) {
      return 0;
    }
  }

  /** A port nobody listens on right now. */
  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot find a free port on " + HOST, e);
    }
  }

  /** A free port that is not in {@code taken}, which it is added to. */
  static int freePort(Set<Integer> taken) {
    for (int attempt = 0; attempt < 100; attempt++) {
      int port = freePort();
      if (taken.add(port)) {
        return port;
      }
    }
    throw new IllegalStateException("no free port found on " + HOST + " in 100 attempts");
  }

  /** Whether nobody listens on {@code port} right now. */
  static boolean isFree(int port) {
    try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getByName(HOST))) {
      return socket.getLocalPort() == port;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * The executable {@code binary} on the PATH or in the usual system directories.
   *
   * @param installHint how to install it, such as {@code sudo apt-get install -y redis-server}
   * @throws IllegalStateException naming the directories searched and the hint if it is missing
   */
  static Path findExecutable(String binary, String installHint) {
    Set<Path> directories = new LinkedHashSet<>();
    String path = System.getenv("PATH");
    if (path != null) {
      for (String entry : path.split(File.pathSeparator)) {
        if (!entry.isBlank()) {
          directories.add(Path.of(entry));
        }
      }
    }
    EXTRA_DIRECTORIES.forEach(d -> directories.add(Path.of(d)));
    for (Path directory : directories) {
      Path candidate = directory.resolve(binary);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    throw new IllegalStateException(
        binary
            + " is not installed: not found in "
            + directories
            + "; install it (Debian/Ubuntu: "
            + installHint
            + " as root)");
  }

  /**
   * Sleeps between two probes of a starting server: it is another process, so there is no condition
   * in this JVM to wait on.
   *
   * @throws IllegalStateException if interrupted (the interrupt status stays set)
   */
  static void pauseBetweenProbes(long millis, String waitingFor) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for " + waitingFor, e);
    }
  }
}
