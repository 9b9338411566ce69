package dev.alchemist.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.jspecify.annotations.Nullable;

/**
 * A Redis Cluster of one test's own: three masters without replicas on free loopback ports, joined
 * with {@code redis-cli --cluster create}, for tests of cluster routing (slots, cross-slot MGET).
 *
 * <pre>{@code
 * try (PrivateRedisCluster cluster = PrivateRedisCluster.start()) {
 *   client = RedisClusterClient.create(cluster.uris().get(0));
 * }
 * }</pre>
 *
 * <p>Each node runs without persistence in a temporary directory. Ports are chosen below 55535,
 * because Redis also binds the port plus 10000 for the cluster bus. {@link #close()} kills every
 * node and deletes the directory; a JVM shutdown hook kills nodes that were never closed.
 *
 * <p>Thread-safe: the accessors are immutable, {@link #close()} is idempotent and synchronized.
 */
public final class PrivateRedisCluster implements AutoCloseable {

  private static final String HOST = ServerFiles.HOST;
  private static final int MASTERS = 3;
  private static final long START_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(30);
  private static final Duration PROBE_TIMEOUT = Duration.ofMillis(500);

  private final Path directory;
  private final List<Integer> ports;
  private final @Nullable IssuedCertificate tls;
  private final List<ManagedProcess> processes = new ArrayList<>();
  private boolean closed;

  private PrivateRedisCluster(
      Path directory, List<Integer> ports, @Nullable IssuedCertificate tls) {
    this.directory = directory;
    this.ports = List.copyOf(ports);
    this.tls = tls;
  }

  /**
   * Starts three masters, creates the cluster and waits until every node reports {@code
   * cluster_state:ok}.
   *
   * @throws IllegalStateException if {@code redis-server} or {@code redis-cli} is missing or the
   *     cluster does not form within 30 s; the message includes the end of the logs
   */
  public static PrivateRedisCluster start() {
    return start(null);
  }

  /**
   * As {@link #start()}, with nodes that speak TLS only, clients and cluster bus alike ({@code
   * tls-cluster yes}), with {@code certificate} as every node's certificate and its issuer as the
   * CA; {@link #uris()} are {@code rediss://}. Clients need no certificate of their own.
   */
  public static PrivateRedisCluster startTls(IssuedCertificate certificate) {
    return start(certificate);
  }

  private static PrivateRedisCluster start(@Nullable IssuedCertificate tls) {
    Path directory = ServerFiles.temporaryDirectory("alchemist-redis-cluster-");
    ManagedProcess.deleteAtExit(directory);
    List<Integer> ports = new ArrayList<>();
    while (ports.size() < MASTERS) {
      int port = freeClusterPort();
      if (!ports.contains(port)) {
        ports.add(port);
      }
    }
    PrivateRedisCluster cluster = new PrivateRedisCluster(directory, ports, tls);
    try {
      cluster.launch();
      return cluster;
    } catch (RuntimeException e) {
      cluster.close();
      throw e;
    }
  }

  /**
   * The node URIs, {@code redis://127.0.0.1:<port>} ({@code rediss://} with TLS), one per master.
   */
  public List<String> uris() {
    List<String> uris = new ArrayList<>();
    for (int port : ports) {
      uris.add((tls == null ? "redis://" : "rediss://") + HOST + ":" + port);
    }
    return uris;
  }

  /** The node ports. */
  public List<Integer> ports() {
    return ports;
  }

  private void launch() {
    for (int port : ports) {
      Path nodeDir = directory.resolve(Integer.toString(port));
      try {
        Files.createDirectories(nodeDir);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot create " + nodeDir, e);
      }
      List<String> command =
          new ArrayList<>(
              List.of(
                  "redis-server",
                  "--bind",
                  HOST,
                  "--port",
                  tls == null ? Integer.toString(port) : "0",
                  "--cluster-enabled",
                  "yes",
                  "--cluster-config-file",
                  nodeDir.resolve("nodes.conf").toString(),
                  "--cluster-node-timeout",
                  "2000"));
      command.addAll(PrivateServerKind.redisWithoutPersistence(nodeDir));
      if (tls != null) {
        command.addAll(
            List.of(
                "--tls-port",
                Integer.toString(port),
                "--tls-cluster",
                "yes",
                "--tls-cert-file",
                tls.certificateFile().toString(),
                "--tls-key-file",
                tls.privateKeyFile().toString(),
                "--tls-ca-cert-file",
                tls.issuer().certificateFile().toString(),
                "--tls-auth-clients",
                "no"));
      }
      processes.add(
          ManagedProcess.start(
              "redis-server " + port, command, null, nodeDir.resolve("server.log")));
    }
    long deadline = System.nanoTime() + START_TIMEOUT_NANOS;
    for (int port : ports) {
      awaitPing(port, deadline);
    }
    List<String> create = new ArrayList<>(redisCli());
    create.addAll(List.of("--cluster", "create"));
    for (int port : ports) {
      create.add(HOST + ":" + port);
    }
    create.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
    String output = run(create);
    for (int port : ports) {
      List<String> info = new ArrayList<>(redisCli());
      info.addAll(List.of("-h", HOST, "-p", Integer.toString(port), "cluster", "info"));
      while (!run(info).contains("cluster_state:ok")) {
        if (System.nanoTime() - deadline > 0) {
          throw new IllegalStateException(
              "cluster did not reach cluster_state:ok within 30 s; redis-cli said:\n"
                  + output
                  + logs());
        }
        ServerFiles.pauseBetweenProbes(50, "cluster_state:ok on " + port);
      }
    }
  }

  /** {@code redis-cli}, with the CA when the nodes speak TLS. */
  private List<String> redisCli() {
    return tls == null
        ? List.of("redis-cli")
        : List.of("redis-cli", "--tls", "--cacert", tls.issuer().certificateFile().toString());
  }

  private void awaitPing(int port, long deadline) {
    ServiceAddress address = new ServiceAddress(tls == null ? "redis" : "rediss", HOST, port);
    @Nullable SSLContext probeTls = tls == null ? null : tls.issuer().trustingContext();
    while (true) {
      try {
        Probes.redisPing(address, PROBE_TIMEOUT, probeTls);
        return;
      } catch (IOException e) {
        if (System.nanoTime() - deadline > 0) {
          throw new IllegalStateException(
              "cluster node " + address + " did not answer PING: " + e.getMessage() + logs(), e);
        }
        ServerFiles.pauseBetweenProbes(20, "cluster node " + address);
      }
    }
  }

  private String run(List<String> command) {
    return ManagedProcess.run(
        command, null, directory.resolve("redis-cli.log"), Duration.ofSeconds(30), false);
  }

  private String logs() {
    StringBuilder out = new StringBuilder();
    for (int port : ports) {
      out.append(
          ServerFiles.tail(
              "node " + port, directory.resolve(Integer.toString(port)).resolve("server.log")));
    }
    return out.toString();
  }

  /** Kills every node and deletes the temporary directory. Calling it again does nothing. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      processes.forEach(ManagedProcess::kill);
    } finally {
      ManagedProcess.deleteNow(directory);
    }
  }

  /** A port that is free, and whose cluster bus port (+10000) is free too. */
  private static int freeClusterPort() {
    for (int attempt = 0; attempt < 200; attempt++) {
      int port = ThreadLocalRandom.current().nextInt(20_000, 30_000);
      if (ServerFiles.isFree(port) && ServerFiles.isFree(port + 10_000)) {
        return port;
      }
    }
    throw new IllegalStateException("no free port pair (p, p+10000) found between 20000 and 40000");
  }

  @Override
  public String toString() {
    return "PrivateRedisCluster" + uris();
  }
}
