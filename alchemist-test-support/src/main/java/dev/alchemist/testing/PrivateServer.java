package dev.alchemist.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ProcessBuilder.Redirect;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import org.jspecify.annotations.Nullable;

/**
 * A {@code redis-server} or {@code nats-server} process of one test's own, on a free loopback port,
 * for tests that stop, crash or restart a server (outage, reconnect, failover) without disturbing
 * the shared services of {@link TestServices}.
 *
 * <pre>{@code
 * try (PrivateServer redis = PrivateServer.redis()) {
 *   client = connect(redis.uri());
 *   redis.kill();      // crash: SIGKILL, the port stops answering at once
 *   redis.restart();   // same port, so the client can reconnect
 * }
 * }</pre>
 *
 * <p>Redis runs without persistence ({@code --save "" --appendonly no}), so a restarted Redis is
 * empty. NATS runs with JetStream and a store directory that survives {@link #kill()} and {@link
 * #restart()}, as after a real crash. The server's stdout and stderr go to {@link #logFile()} in
 * the server's own temporary directory, and the end of that log is part of every startup failure
 * message.
 *
 * <p>{@link #close()} stops only the process this object started and deletes its temporary
 * directory. A JVM shutdown hook kills the processes of servers that were never closed, so an
 * aborted test run leaves no orphans (a JVM that is itself killed with SIGKILL cannot do that).
 *
 * <p>Thread-safe: the lifecycle methods are serialized by a lock; {@link #isRunning()} and the
 * accessors never block.
 */
public final class PrivateServer implements AutoCloseable {

  private static final String HOST = "127.0.0.1";
  private static final long START_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(20);
  private static final long STOP_TIMEOUT_SECONDS = 10;
  private static final Duration PROBE_TIMEOUT = Duration.ofMillis(500);
  private static final long POLL_MILLIS = 20;
  private static final long BIND_RETRY_MILLIS = 100;
  private static final int PORT_ATTEMPTS = 5;
  private static final int LOG_TAIL_LINES = 30;
  private static final List<String> EXTRA_DIRECTORIES =
      List.of("/usr/local/bin", "/usr/local/sbin", "/usr/bin", "/usr/sbin");

  /** Servers not yet closed; the shutdown hook kills them. */
  private static final Set<PrivateServer> OPEN = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(PrivateServer::killAllOpen, "alchemist-private-server-cleanup"));
  }

  private enum Kind {
    REDIS("redis-server", "redis-server", "redis"),
    NATS("nats-server", "nats-server", "nats");

    final String binary;
    final String debianPackage;
    final String scheme;

    Kind(String binary, String debianPackage, String scheme) {
      this.binary = binary;
      this.debianPackage = debianPackage;
      this.scheme = scheme;
    }

    List<String> command(Path binary, int port, Path directory, boolean tls) {
      String p = Integer.toString(port);
      switch (this) {
        case REDIS:
          // With TLS the plain port is off (0) and the TLS port is the server's only port.
          return List.of(
              binary.toString(),
              "--bind",
              HOST,
              "--port",
              tls ? "0" : p,
              "--tls-port",
              tls ? p : "0",
              "--save",
              "",
              "--appendonly",
              "no",
              "--daemonize",
              "no",
              "--dir",
              directory.toString());
        case NATS:
          return List.of(
              binary.toString(),
              "-a",
              HOST,
              "-p",
              p,
              "-js",
              "-sd",
              directory.resolve("jetstream").toString());
      }
      throw new AssertionError(this);
    }

    void probe(ServiceAddress address, @Nullable SSLContext tls) throws IOException {
      switch (this) {
        case REDIS:
          Probes.redisPing(address, PROBE_TIMEOUT, tls);
          return;
        case NATS:
          // A NATS server sends its INFO line in the clear even when it requires TLS.
          Probes.natsJetStream(address, PROBE_TIMEOUT);
          return;
      }
      throw new AssertionError(this);
    }
  }

  private final Kind kind;
  private final List<String> extraArgs;
  private final Path binary;
  private final Path directory;
  private final Path log;
  private final ServiceAddress address;
  private final @Nullable SSLContext probeTls;
  private final ReentrantLock lock = new ReentrantLock();
  private volatile @Nullable Process process;
  private volatile boolean closed;

  private PrivateServer(
      Kind kind,
      List<String> extraArgs,
      @Nullable SSLContext probeTls,
      Path binary,
      Path directory,
      int port) {
    this.kind = kind;
    this.extraArgs = List.copyOf(extraArgs);
    this.probeTls = probeTls;
    this.binary = binary;
    this.directory = directory;
    this.log = directory.resolve("server.log");
    boolean redisTls = kind == Kind.REDIS && probeTls != null;
    this.address = new ServiceAddress(redisTls ? "rediss" : kind.scheme, HOST, port);
  }

  /**
   * Starts a private {@code redis-server} (no persistence) on a free loopback port and waits until
   * it answers {@code PING}.
   *
   * @throws IllegalStateException if the binary is missing or the server does not come up; the
   *     message includes the end of its log
   */
  public static PrivateServer redis() {
    return launch(Kind.REDIS, List.of(), null);
  }

  /**
   * Starts a private {@code redis-server} that speaks TLS only, on a free loopback port, with
   * {@code certificate} as its server certificate and the certificate's issuer as the CA it checks
   * client certificates against; {@link #uri()} is {@code rediss://127.0.0.1:<port>}.
   *
   * @param requireClientCertificate whether a client must present a certificate of that CA ({@code
   *     tls-auth-clients yes}) or may connect with none ({@code no})
   * @throws IllegalStateException as {@link #redis()}
   */
  public static PrivateServer redisTls(
      IssuedCertificate certificate, boolean requireClientCertificate, String... extraArgs) {
    TestCertificateAuthority ca = certificate.issuer();
    List<String> args = new ArrayList<>();
    args.addAll(
        List.of(
            "--tls-cert-file",
            certificate.certificateFile().toString(),
            "--tls-key-file",
            certificate.privateKeyFile().toString(),
            "--tls-ca-cert-file",
            ca.certificateFile().toString(),
            "--tls-auth-clients",
            requireClientCertificate ? "yes" : "no"));
    args.addAll(List.of(extraArgs));
    SSLContext probe =
        requireClientCertificate
            ? ca.issueClient("alchemist-probe").sslContext()
            : ca.trustingContext();
    return launch(Kind.REDIS, args, probe);
  }

  /**
   * Starts a private {@code nats-server} with JetStream and its own store directory on a free
   * loopback port and waits until it answers with JetStream on.
   *
   * @throws IllegalStateException if the binary is missing or the server does not come up; the
   *     message includes the end of its log
   */
  public static PrivateServer nats() {
    return launch(Kind.NATS, List.of(), null);
  }

  /**
   * Starts a private {@code nats-server} with JetStream that requires TLS ({@code --tls}), with
   * {@code certificate} as its server certificate, and further arguments such as {@code --user u
   * --pass p}, {@code --auth token} or {@code -c file.conf}.
   *
   * @param verifyClients whether every client must present a certificate issued by the
   *     certificate's issuer ({@code --tlsverify}, mutual TLS)
   * @throws IllegalStateException as {@link #nats()}
   */
  public static PrivateServer natsTls(
      IssuedCertificate certificate, boolean verifyClients, String... extraArgs) {
    List<String> args = new ArrayList<>();
    args.addAll(
        List.of(
            "--tls",
            "--tlscert",
            certificate.certificateFile().toString(),
            "--tlskey",
            certificate.privateKeyFile().toString(),
            "--tlscacert",
            certificate.issuer().certificateFile().toString()));
    if (verifyClients) {
      args.add("--tlsverify");
    }
    args.addAll(List.of(extraArgs));
    return launch(Kind.NATS, args, null);
  }

  /**
   * As {@link #nats()}, with further command-line arguments, such as {@code --user u --pass p} or
   * {@code --auth token} for a server that requires credentials. They are kept across {@link
   * #restart()}s and never printed by {@link #toString()}.
   *
   * @throws IllegalStateException as {@link #nats()}
   */
  public static PrivateServer nats(String... extraArgs) {
    return launch(Kind.NATS, List.of(extraArgs), null);
  }

  /** Always {@code 127.0.0.1}. */
  public String host() {
    return address.host();
  }

  /** The port, the same across {@link #restart()}s. */
  public int port() {
    return address.port();
  }

  /**
   * {@code redis://127.0.0.1:<port>} ({@code rediss://} for {@link #redisTls}) or {@code
   * nats://127.0.0.1:<port>}.
   */
  public String uri() {
    return address.uri();
  }

  /** Scheme, host and port as a {@link ServiceAddress}. */
  public ServiceAddress address() {
    return address;
  }

  /** The file that receives the server's stdout and stderr; deleted by {@link #close()}. */
  public Path logFile() {
    return log;
  }

  /** Whether the process this object started last is alive. */
  public boolean isRunning() {
    Process current = process;
    return current != null && current.isAlive();
  }

  /**
   * Kills the process with SIGKILL, as a crash would, and waits until it is gone, so the port no
   * longer answers when this returns. Does nothing if it is not running.
   */
  public void kill() {
    lock.lock();
    try {
      terminate(true);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Stops the process gracefully (SIGTERM, then SIGKILL after 10 s) and waits until it is gone.
   * Does nothing if it is not running.
   */
  public void stop() {
    lock.lock();
    try {
      terminate(false);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Stops the server if it runs, then starts it again on the same port and waits until it answers.
   * If the port is briefly still taken, binding is retried for up to 20 s.
   *
   * @throws IllegalStateException if this server is closed or does not come back up
   */
  public void restart() {
    lock.lock();
    try {
      if (closed) {
        throw new IllegalStateException("cannot restart " + this + ": it is closed");
      }
      terminate(false);
      long deadline = System.nanoTime() + START_TIMEOUT_NANOS;
      while (!startOnce(deadline)) {
        if (System.nanoTime() - deadline > 0) {
          throw new IllegalStateException(
              kind.binary
                  + " could not bind "
                  + address.hostAndPort()
                  + " again within 20 s"
                  + logTail());
        }
        pause(BIND_RETRY_MILLIS);
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * Stops the process this object started (gracefully, as {@link #stop()}) and deletes its
   * temporary directory with the log and any store. Calling it again does nothing.
   */
  @Override
  public void close() {
    lock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      try {
        terminate(false);
      } finally {
        OPEN.remove(this);
        deleteRecursively(directory);
      }
    } finally {
      lock.unlock();
    }
  }

  /** Kind, address and state, such as {@code PrivateServer[redis://127.0.0.1:40123, running]}. */
  @Override
  public String toString() {
    String state = closed ? "closed" : isRunning() ? "running" : "not running";
    return "PrivateServer[" + address + ", " + state + "]";
  }

  private static PrivateServer launch(
      Kind kind, List<String> extraArgs, @Nullable SSLContext probeTls) {
    Path binary = findBinary(kind);
    Path directory;
    try {
      directory = Files.createTempDirectory("alchemist-" + kind.scheme + "-");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a temporary directory for " + kind.binary, e);
    }
    try {
      // Another process can take the free port before the server binds it; then take another.
      List<Integer> tried = new ArrayList<>();
      for (int attempt = 0; attempt < PORT_ATTEMPTS; attempt++) {
        PrivateServer server =
            new PrivateServer(kind, extraArgs, probeTls, binary, directory, freePort());
        tried.add(server.port());
        if (server.startFirstTime()) {
          return server;
        }
      }
      throw new IllegalStateException(
          kind.binary
              + " could not bind any of the free ports "
              + tried
              + readTail(directory.resolve("server.log")));
    } catch (RuntimeException e) {
      deleteRecursively(directory);
      throw e;
    }
  }

  private boolean startFirstTime() {
    OPEN.add(this);
    boolean started = false;
    lock.lock();
    try {
      started = startOnce(System.nanoTime() + START_TIMEOUT_NANOS);
      return started;
    } finally {
      lock.unlock();
      if (!started) {
        OPEN.remove(this);
      }
    }
  }

  /**
   * Starts the process once and waits until it answers. Returns false if it exited because the port
   * is in use, so the caller can retry; throws for any other failure.
   */
  private boolean startOnce(long deadlineNanos) {
    long logStart = fileSize(log);
    Process started;
    try {
      started =
          new ProcessBuilder(command())
              .directory(directory.toFile())
              .redirectErrorStream(true)
              .redirectOutput(Redirect.appendTo(log.toFile()))
              .start();
      started.getOutputStream().close();
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + binary + ": " + e.getMessage(), e);
    }
    process = started;
    @Nullable IOException lastProbe = null;
    while (started.isAlive() && System.nanoTime() - deadlineNanos < 0) {
      try {
        kind.probe(address, probeTls);
        return true;
      } catch (IOException e) {
        lastProbe = e;
      }
      pause(POLL_MILLIS);
    }
    if (started.isAlive()) {
      terminate(true);
      throw new IllegalStateException(
          kind.binary
              + " did not answer on "
              + address.hostAndPort()
              + " within 20 s (last: "
              + (lastProbe == null ? "no attempt" : lastProbe.getMessage())
              + ")"
              + logTail());
    }
    awaitExit(started);
    process = null;
    String output = readFrom(log, logStart).toLowerCase(Locale.ROOT);
    if (output.contains("address already in use")) {
      return false;
    }
    throw new IllegalStateException(
        kind.binary
            + " exited with code "
            + started.exitValue()
            + " before answering on "
            + address.hostAndPort()
            + logTail());
  }

  private List<String> command() {
    List<String> command =
        new ArrayList<>(kind.command(binary, port(), directory, probeTls != null));
    command.addAll(extraArgs);
    return command;
  }

  /** Ends the current process, if any, and waits for it; the port is closed on return. */
  private void terminate(boolean forcibly) {
    Process current = process;
    if (current == null) {
      return;
    }
    List<ProcessHandle> children = current.descendants().toList();
    if (forcibly) {
      current.destroyForcibly();
    } else {
      current.destroy();
    }
    if (!awaitExit(current) && !forcibly) {
      current.destroyForcibly();
      awaitExit(current);
    }
    children.forEach(ProcessHandle::destroyForcibly);
    if (current.isAlive()) {
      throw new IllegalStateException(
          kind.binary
              + " (pid "
              + current.pid()
              + ") on "
              + address.hostAndPort()
              + " did not exit after SIGKILL");
    }
    process = null;
  }

  private static boolean awaitExit(Process process) {
    try {
      return process.waitFor(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for pid " + process.pid(), e);
    }
  }

  private String logTail() {
    return readTail(log);
  }

  private static String readTail(Path log) {
    List<String> lines;
    try {
      lines = Files.exists(log) ? Files.readAllLines(log, StandardCharsets.UTF_8) : List.of();
    } catch (IOException e) {
      return "; cannot read its log " + log + ": " + e.getMessage();
    }
    if (lines.isEmpty()) {
      return "; its log " + log + " is empty";
    }
    List<String> tail = lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size());
    return "; its log " + log + " ends with:\n  " + String.join("\n  ", tail);
  }

  private static String readFrom(Path file, long offset) {
    try {
      byte[] bytes = Files.readAllBytes(file);
      int from = (int) Math.min(offset, bytes.length);
      return new String(bytes, from, bytes.length - from, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  private static long fileSize(Path file) {
    try {
      return Files.exists(file) ? Files.size(file) : 0;
    } catch (IOException e) {
      return 0;
    }
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for a private server", e);
    }
  }

  /** A port nobody listens on right now; shared with the other private launchers. */
  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot find a free port on " + HOST, e);
    }
  }

  /** The nats-server binary, for the cluster launcher; fails as {@link #nats()} does. */
  static Path natsBinary() {
    return findBinary(Kind.NATS);
  }

  private static Path findBinary(Kind kind) {
    return findExecutable(
        kind.binary,
        "sudo apt-get install -y " + kind.debianPackage + ", or run " + TestServices.SCRIPT);
  }

  /**
   * The executable {@code binary} on the PATH or in the usual system directories; shared with the
   * other private launchers.
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

  /** Shutdown hook: no locks (a test thread may hold one), just SIGKILL and clean up. */
  private static void killAllOpen() {
    List<PrivateServer> servers = List.copyOf(OPEN);
    for (PrivateServer server : servers) {
      Process current = server.process;
      if (current != null) {
        current.descendants().forEach(ProcessHandle::destroyForcibly);
        current.destroyForcibly();
      }
    }
    for (PrivateServer server : servers) {
      Process current = server.process;
      try {
        if (current != null) {
          current.waitFor(2, TimeUnit.SECONDS);
        }
        deleteRecursively(server.directory);
      } catch (InterruptedException | RuntimeException e) {
        // Best effort while the JVM exits; nothing is left to report to.
      }
    }
  }
}
