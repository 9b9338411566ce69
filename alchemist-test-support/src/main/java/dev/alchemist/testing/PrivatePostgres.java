package dev.alchemist.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * A PostgreSQL server of one test's own, in a temporary data directory on a free loopback port, for
 * tests that stop or restart the database, or need a password-protected one, without touching the
 * shared server of {@link TestServices}.
 *
 * <pre>{@code
 * try (PrivatePostgres pg = PrivatePostgres.start()) {
 *   db = AlchemistDatabase.builder().jdbcUrl(pg.jdbcUrl()).user(pg.user()).build();
 *   pg.stopImmediately();   // like a crash: backends are killed, clients see broken connections
 *   pg.startAgain();        // same port and data
 * }
 * }</pre>
 *
 * <p>{@code initdb} and {@code pg_ctl} come from the newest {@code
 * /usr/lib/postgresql/<version>/bin} (Debian's layout; {@code apt-get install postgresql}).
 * PostgreSQL refuses to run as root, so when the JVM runs as root they run as the {@code postgres}
 * user through {@code runuser}. Every {@code pg_ctl} call names this instance's data directory, so
 * only this instance is ever stopped.
 *
 * <p>{@link #withPassword(String, String)} makes a server whose TCP logins need that password
 * (scram-sha-256 in its {@code pg_hba.conf}); {@link #start()} trusts every local login as user
 * {@code postgres}.
 *
 * <p>{@link #close()} stops the server (fast shutdown) and deletes its directory; a JVM shutdown
 * hook stops servers that were never closed. Thread-safe: lifecycle methods are serialized.
 */
public final class PrivatePostgres implements AutoCloseable {
  private static final String HOST = ServerFiles.HOST;
  private static final long COMMAND_TIMEOUT_SECONDS = 60;
  private static final Set<PrivatePostgres> OPEN = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime()
        .addShutdownHook(new Thread(PrivatePostgres::stopAllOpen, "alchemist-private-postgres"));
  }

  private final Path bin;
  private final Path directory;
  private final Path data;
  private final Path log;
  private final int port;
  private final String user;
  private final String password;
  private final @Nullable IssuedCertificate tls;
  private final boolean requireClientCertificate;
  private final ReentrantLock lock = new ReentrantLock();
  private boolean running;
  private boolean closed;

  private PrivatePostgres(
      Path bin,
      Path directory,
      int port,
      String user,
      String password,
      @Nullable IssuedCertificate tls,
      boolean requireClientCertificate) {
    this.bin = bin;
    this.directory = directory;
    this.data = directory.resolve("data");
    this.log = directory.resolve("server.log");
    this.port = port;
    this.user = user;
    this.password = password;
    this.tls = tls;
    this.requireClientCertificate = requireClientCertificate;
  }

  /** Starts a server that trusts local logins as {@code postgres}, with no password. */
  public static PrivatePostgres start() {
    return launch(PostgresInstall.OS_USER, "", null, false);
  }

  /**
   * Starts a server whose superuser is {@code user} and whose TCP logins need {@code password}
   * (scram-sha-256).
   */
  public static PrivatePostgres withPassword(String user, String password) {
    if (password.isEmpty()) {
      throw new IllegalArgumentException("password must not be empty");
    }
    return launch(user, password, null, false);
  }

  /**
   * Starts a server that accepts TCP logins over TLS only ({@code ssl = on}, a {@code hostnossl ...
   * reject} line), with {@code certificate} as its server certificate, and {@code password}
   * (scram-sha-256) for {@code user}.
   *
   * @param requireClientCertificate whether a login must also present a client certificate issued
   *     by the certificate's issuer whose common name is the user ({@code clientcert=verify-full})
   */
  public static PrivatePostgres withTls(
      String user,
      String password,
      IssuedCertificate certificate,
      boolean requireClientCertificate) {
    if (password.isEmpty()) {
      throw new IllegalArgumentException("password must not be empty");
    }
    return launch(user, password, certificate, requireClientCertificate);
  }

  /** {@code jdbc:postgresql://127.0.0.1:<port>/postgres}, without credentials or TLS settings. */
  public String jdbcUrl() {
    return "jdbc:postgresql://" + HOST + ":" + port + "/postgres";
  }

  /** The port, the same across restarts. */
  public int port() {
    return port;
  }

  /** The superuser to log in as. */
  public String user() {
    return user;
  }

  /** The password, empty for a server made by {@link #start()}. */
  public String password() {
    return password;
  }

  /** The server's log; deleted by {@link #close()}. */
  public Path logFile() {
    return log;
  }

  /**
   * Stops the server in immediate mode ({@code pg_ctl -m immediate}), as a crash would: backends
   * are killed and clients keep connections that no longer work. Returns once it is down.
   */
  public void stopImmediately() {
    stop("immediate");
  }

  /** Starts the stopped server again on the same port and data; returns when it accepts logins. */
  public void startAgain() {
    lock.lock();
    try {
      if (closed) {
        throw new IllegalStateException("cannot start " + this + ": it is closed");
      }
      if (!running) {
        pgCtlStart();
      }
    } finally {
      lock.unlock();
    }
  }

  /** Stops the server (fast shutdown) and deletes its directory. Calling it again does nothing. */
  @Override
  public void close() {
    lock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      try {
        stop("fast");
      } finally {
        OPEN.remove(this);
        ServerFiles.deleteRecursively(directory);
      }
    } finally {
      lock.unlock();
    }
  }

  @Override
  public String toString() {
    return "PrivatePostgres["
        + HOST
        + ":"
        + port
        + ", "
        + (closed ? "closed" : running ? "running" : "stopped")
        + "]";
  }

  private void stop(String mode) {
    lock.lock();
    try {
      if (running) {
        run(pgCtl("-D", data.toString(), "-m", mode, "-w", "stop"));
        running = false;
      }
    } finally {
      lock.unlock();
    }
  }

  private static PrivatePostgres launch(
      String user,
      String password,
      @Nullable IssuedCertificate tls,
      boolean requireClientCertificate) {
    Path bin = PostgresInstall.findBin();
    Path directory = ServerFiles.temporaryDirectory("alchemist-postgres-");
    try {
      PrivatePostgres server =
          new PrivatePostgres(
              bin,
              directory,
              ServerFiles.freePort(),
              user,
              password,
              tls,
              requireClientCertificate);
      server.init();
      OPEN.add(server);
      server.lock.lock();
      try {
        server.pgCtlStart();
      } finally {
        server.lock.unlock();
      }
      return server;
    } catch (RuntimeException e) {
      ServerFiles.deleteRecursively(directory);
      throw e;
    }
  }

  private void init() {
    PostgresInstall.giveToOsUser(directory);
    List<String> command =
        new ArrayList<>(
            List.of(
                bin.resolve("initdb").toString(),
                "-D",
                data.toString(),
                "-U",
                user,
                "-E",
                "UTF8",
                "--auth-local=trust"));
    if (password.isEmpty()) {
      command.add("--auth-host=trust");
    } else {
      Path pwfile = directory.resolve("pwfile");
      write(pwfile, password + "\n");
      PostgresInstall.giveToOsUser(pwfile);
      command.add("--auth-host=scram-sha-256");
      command.add("--pwfile=" + pwfile);
    }
    run(PostgresInstall.asOsUser(command));
    try {
      Files.deleteIfExists(directory.resolve("pwfile"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (tls != null) {
      configureTls(tls);
    }
  }

  /**
   * Copies the certificate, key and CA into the data directory (PostgreSQL wants its key owned by
   * itself and unreadable to others), turns ssl on and lets TCP logins in over TLS only.
   */
  private void configureTls(IssuedCertificate certificate) {
    try {
      Path cert = data.resolve("server.crt");
      Path key = data.resolve("server.key");
      Path ca = data.resolve("root.crt");
      Files.copy(certificate.certificateFile(), cert);
      Files.copy(certificate.privateKeyFile(), key);
      Files.copy(certificate.issuer().certificateFile(), ca);
      Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
      for (Path file : List.of(cert, key, ca)) {
        PostgresInstall.giveToOsUser(file);
      }
      Files.writeString(
          data.resolve("postgresql.conf"),
          "\nssl = on\nssl_cert_file = 'server.crt'\nssl_key_file = 'server.key'\n"
              + "ssl_ca_file = 'root.crt'\n",
          StandardCharsets.UTF_8,
          StandardOpenOption.APPEND);
      String hostssl =
          "hostssl all all 127.0.0.1/32 scram-sha-256"
              + (requireClientCertificate ? " clientcert=verify-full" : "");
      Files.writeString(
          data.resolve("pg_hba.conf"),
          "local all all trust\nhostnossl all all all reject\n" + hostssl + "\n",
          StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot configure TLS for " + this, e);
    }
  }

  /** Holding the lock. */
  private void pgCtlStart() {
    String options =
        "-p " + port + " -k " + directory + " -c listen_addresses=" + HOST + " -c fsync=off";
    run(pgCtl("-D", data.toString(), "-o", options, "-l", log.toString(), "-w", "start"));
    running = true;
  }

  private List<String> pgCtl(String... args) {
    List<String> command = new ArrayList<>();
    command.add(bin.resolve("pg_ctl").toString());
    command.addAll(List.of(args));
    return PostgresInstall.asOsUser(command);
  }

  /** Runs a PostgreSQL tool to completion; a failure shows its output and the server log. */
  private void run(List<String> command) {
    try {
      ManagedProcess.run(
          command,
          directory,
          directory.resolve("command.log"),
          Duration.ofSeconds(COMMAND_TIMEOUT_SECONDS),
          true);
    } catch (IllegalStateException e) {
      throw new IllegalStateException(e.getMessage() + ServerFiles.tail("server log", log), e);
    }
  }

  private static void write(Path file, String text) {
    try {
      Files.writeString(file, text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Shutdown hook: immediate stop of servers never closed, then their directories. */
  private static void stopAllOpen() {
    for (PrivatePostgres server : List.copyOf(OPEN)) {
      try {
        if (server.running) {
          server.run(server.pgCtl("-D", server.data.toString(), "-m", "immediate", "stop"));
        }
        ServerFiles.deleteRecursively(server.directory);
      } catch (RuntimeException e) {
        // Best effort while the JVM exits; nothing is left to report to.
      }
    }
  }
}
