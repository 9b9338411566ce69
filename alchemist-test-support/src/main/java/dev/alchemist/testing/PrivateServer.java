package dev.alchemist.testing;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
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

  private static final String HOST = ServerFiles.HOST;
  private static final long START_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(20);
  private static final long POLL_MILLIS = 20;
  private static final long BIND_RETRY_MILLIS = 100;
  private static final int PORT_ATTEMPTS = 5;

  private final PrivateServerKind kind;
  private final List<String> extraArgs;
  private final Path binary;
  private final Path directory;
  private final Path log;
  private final ServiceAddress address;
  private final @Nullable SSLContext probeTls;
  private final ReentrantLock lock = new ReentrantLock();
  private volatile @Nullable ManagedProcess process;
  private volatile boolean closed;

  private PrivateServer(
      PrivateServerKind kind,
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
    boolean redisTls = kind == PrivateServerKind.REDIS && probeTls != null;
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
    return launch(PrivateServerKind.REDIS, List.of(), null);
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
    return launch(PrivateServerKind.REDIS, args, probe);
  }

  /**
   * Starts a private {@code nats-server} with JetStream and its own store directory on a free
   * loopback port and waits until it answers with JetStream on.
   *
   * @throws IllegalStateException if the binary is missing or the server does not come up; the
   *     message includes the end of its log
   */
  public static PrivateServer nats() {
    return launch(PrivateServerKind.NATS, List.of(), null);
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
    return launch(PrivateServerKind.NATS, args, null);
  }

  /**
   * As {@link #nats()}, with further command-line arguments, such as {@code --user u --pass p} or
   * {@code --auth token} for a server that requires credentials. They are kept across {@link
   * #restart()}s and never printed by {@link #toString()}.
   *
   * @throws IllegalStateException as {@link #nats()}
   */
  public static PrivateServer nats(String... extraArgs) {
    return launch(PrivateServerKind.NATS, List.of(extraArgs), null);
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
    ManagedProcess current = process;
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
        ServerFiles.pauseBetweenProbes(BIND_RETRY_MILLIS, "port " + address.hostAndPort());
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
        ManagedProcess.deleteNow(directory);
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
      PrivateServerKind kind, List<String> extraArgs, @Nullable SSLContext probeTls) {
    Path binary = findBinary(kind);
    Path directory = ServerFiles.temporaryDirectory("alchemist-" + kind.scheme + "-");
    ManagedProcess.deleteAtExit(directory);
    try {
      // Another process can take the free port before the server binds it; then take another.
      List<Integer> tried = new ArrayList<>();
      for (int attempt = 0; attempt < PORT_ATTEMPTS; attempt++) {
        PrivateServer server =
            new PrivateServer(kind, extraArgs, probeTls, binary, directory, ServerFiles.freePort());
        tried.add(server.port());
        if (server.startFirstTime()) {
          return server;
        }
      }
      throw new IllegalStateException(
          kind.binary
              + " could not bind any of the free ports "
              + tried
              + ServerFiles.tail(kind.binary, directory.resolve("server.log")));
    } catch (RuntimeException e) {
      ManagedProcess.deleteNow(directory);
      throw e;
    }
  }

  private boolean startFirstTime() {
    lock.lock();
    try {
      return startOnce(System.nanoTime() + START_TIMEOUT_NANOS);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Starts the process once and waits until it answers. Returns false if it exited because the port
   * is in use, so the caller can retry; throws for any other failure.
   */
  private boolean startOnce(long deadlineNanos) {
    List<String> command =
        new ArrayList<>(kind.command(binary, port(), directory, probeTls != null));
    command.addAll(extraArgs);
    ManagedProcess started = ManagedProcess.start(kind.binary, command, directory, log);
    process = started;
    @Nullable IOException lastProbe = null;
    while (started.isAlive() && System.nanoTime() - deadlineNanos < 0) {
      try {
        kind.probe(address, probeTls);
        return true;
      } catch (IOException e) {
        lastProbe = e;
      }
      ServerFiles.pauseBetweenProbes(POLL_MILLIS, kind.binary + " on " + address.hostAndPort());
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
    started.awaitExit();
    process = null;
    if (started.outputSinceStart().toLowerCase(Locale.ROOT).contains("address already in use")) {
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

  /** Ends the current process, if any, and waits for it; the port is closed on return. */
  private void terminate(boolean forcibly) {
    ManagedProcess current = process;
    if (current == null) {
      return;
    }
    if (forcibly) {
      current.kill();
    } else {
      current.stop();
    }
    process = null;
  }

  private String logTail() {
    return ServerFiles.tail(kind.binary, log);
  }

  /** The nats-server binary, for the cluster launcher; fails as {@link #nats()} does. */
  static Path natsBinary() {
    return findBinary(PrivateServerKind.NATS);
  }

  private static Path findBinary(PrivateServerKind kind) {
    return ServerFiles.findExecutable(
        kind.binary,
        "sudo apt-get install -y " + kind.debianPackage + ", or run " + TestServices.SCRIPT);
  }
}
