package dev.alchemist.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * A JetStream cluster of one test's own: three {@code nats-server} processes on free loopback
 * ports, joined by cluster routes, for tests of replicated streams, placement and node failure.
 *
 * <pre>{@code
 * try (PrivateNatsCluster cluster = PrivateNatsCluster.start()) {
 *   Connection nc = Nats.connect(Options.builder().servers(cluster.urls().toArray(String[]::new))...);
 *   cluster.kill(1);      // SIGKILL one node, as a crash would
 *   cluster.restart(1);   // same ports and store, waits until it is healthy again
 * }
 * }</pre>
 *
 * <p>Every node is configured by a file in its own temporary directory: {@code server_name} {@code
 * n1}..{@code n3}, {@code server_tags ["ssd", "fast"]} (the performance guide's placement tags),
 * {@code jetstream { store_dir }} in that directory, and {@code cluster { name: production }} with
 * routes to the two other nodes. A monitoring port per node serves {@code /jsz} and {@code
 * /healthz}; {@link #start()} returns once every node reports the same JetStream meta leader, and
 * {@link #restart(int)} once the restarted node reports a leader and is healthy. The store
 * directories survive {@link #kill(int)} and {@link #restart(int)}.
 *
 * <p>{@link #close()} kills only the processes this object started and deletes its temporary
 * directory; a JVM shutdown hook does the same for a cluster that was never closed.
 *
 * <p>Thread-safe: the lifecycle methods are serialized by a lock; the accessors never block.
 */
public final class PrivateNatsCluster implements AutoCloseable {

  /** The cluster name, as in the guide's stream placement. */
  public static final String CLUSTER_NAME = "production";

  /** The tags every node carries, as in the guide's stream placement. */
  public static final List<String> SERVER_TAGS = List.of("ssd", "fast");

  private static final String HOST = ServerFiles.HOST;
  private static final int NODES = 3;
  private static final long START_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(45);
  private static final long POLL_MILLIS = 50;

  private final Path directory;
  private final Path binary;
  private final List<Node> nodes;
  private final ReentrantLock lock = new ReentrantLock();
  private volatile boolean closed;

  private record Node(
      String name, int clientPort, int clusterPort, int monitorPort, Path directory, Holder held) {
    Path config() {
      return directory.resolve("server.conf");
    }

    Path log() {
      return directory.resolve("server.log");
    }
  }

  /** The node's current process; a holder because the record is immutable. */
  private static final class Holder {
    volatile @Nullable ManagedProcess process;
  }

  private PrivateNatsCluster(Path directory, Path binary, List<Node> nodes) {
    this.directory = directory;
    this.binary = binary;
    this.nodes = List.copyOf(nodes);
  }

  /**
   * Starts three nodes and waits until they have elected a JetStream meta leader.
   *
   * @throws IllegalStateException if {@code nats-server} is missing or the cluster does not form
   *     within 45 s; the message includes the end of every node's log
   */
  public static PrivateNatsCluster start() {
    Path binary = PrivateServer.natsBinary();
    Path directory = ServerFiles.temporaryDirectory("alchemist-nats-cluster-");
    ManagedProcess.deleteAtExit(directory);
    Set<Integer> taken = new HashSet<>();
    List<Node> nodes = new ArrayList<>();
    for (int i = 0; i < NODES; i++) {
      String name = "n" + (i + 1);
      nodes.add(
          new Node(
              name,
              ServerFiles.freePort(taken),
              ServerFiles.freePort(taken),
              ServerFiles.freePort(taken),
              directory.resolve(name),
              new Holder()));
    }
    PrivateNatsCluster cluster = new PrivateNatsCluster(directory, binary, nodes);
    try {
      cluster.launch();
      return cluster;
    } catch (RuntimeException e) {
      cluster.close();
      throw e;
    }
  }

  /** The number of nodes (3). */
  public int size() {
    return nodes.size();
  }

  /** The client URLs, {@code nats://127.0.0.1:<port>}, in node order. */
  public List<String> urls() {
    List<String> urls = new ArrayList<>();
    for (int i = 0; i < nodes.size(); i++) {
      urls.add(url(i));
    }
    return urls;
  }

  /** The client URL of node {@code index} (0-based). */
  public String url(int index) {
    return "nats://" + HOST + ":" + node(index).clientPort();
  }

  /** The {@code server_name} of node {@code index}: {@code n1}, {@code n2}, {@code n3}. */
  public String serverName(int index) {
    return node(index).name();
  }

  /**
   * The index of the node called {@code serverName} (as in a stream's {@code cluster.leader}).
   *
   * @throws IllegalArgumentException if no node has that name
   */
  public int indexOf(String serverName) {
    for (int i = 0; i < nodes.size(); i++) {
      if (nodes.get(i).name().equals(serverName)) {
        return i;
      }
    }
    throw new IllegalArgumentException(
        "no node is called '" + serverName + "'; the nodes are n1, n2 and n3");
  }

  /** Whether the process of node {@code index} is alive. */
  public boolean isRunning(int index) {
    ManagedProcess process = node(index).held().process;
    return process != null && process.isAlive();
  }

  /**
   * Kills node {@code index} with SIGKILL, as a crash would, and waits until it is gone. Does
   * nothing if it is not running.
   */
  public void kill(int index) {
    Node node = node(index);
    lock.lock();
    try {
      terminate(node);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Kills node {@code index} if it runs, starts it again with the same ports and store, and waits
   * until it reports the meta leader and its {@code /healthz} is ok.
   *
   * @throws IllegalStateException if the cluster is closed or the node does not come back in 45 s
   */
  public void restart(int index) {
    Node node = node(index);
    lock.lock();
    try {
      if (closed) {
        throw new IllegalStateException(
            "cannot restart " + node.name() + ": " + this + " is closed");
      }
      terminate(node);
      long deadline = System.nanoTime() + START_TIMEOUT_NANOS;
      startProcess(node);
      awaitReady(node, deadline);
    } finally {
      lock.unlock();
    }
  }

  /**
   * The server name of the current JetStream meta leader as reported by a running node, or {@code
   * null} if no running node knows one.
   */
  public @Nullable String metaLeader() {
    for (Node node : nodes) {
      ManagedProcess process = node.held().process;
      if (process != null && process.isAlive()) {
        String leader = leaderSeenBy(node);
        if (leader != null) {
          return leader;
        }
      }
    }
    return null;
  }

  /**
   * Kills every node this object started and deletes the temporary directory with the stores and
   * logs. Calling it again does nothing.
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
        nodes.forEach(this::terminate);
      } finally {
        ManagedProcess.deleteNow(directory);
      }
    } finally {
      lock.unlock();
    }
  }

  /** Node names, client URLs and state. */
  @Override
  public String toString() {
    StringBuilder out = new StringBuilder("PrivateNatsCluster[");
    for (int i = 0; i < nodes.size(); i++) {
      out.append(i == 0 ? "" : ", ")
          .append(serverName(i))
          .append('=')
          .append(url(i))
          .append(isRunning(i) ? "" : " (down)");
    }
    return out.append(closed ? ", closed]" : "]").toString();
  }

  private Node node(int index) {
    if (index < 0 || index >= nodes.size()) {
      throw new IllegalArgumentException(
          "node index must be in [0, " + (nodes.size() - 1) + "] but was " + index);
    }
    return nodes.get(index);
  }

  private void launch() {
    lock.lock();
    try {
      for (Node node : nodes) {
        writeConfig(node);
        startProcess(node);
      }
      long deadline = System.nanoTime() + START_TIMEOUT_NANOS;
      for (Node node : nodes) {
        awaitReady(node, deadline);
      }
    } finally {
      lock.unlock();
    }
  }

  private void writeConfig(Node node) {
    StringBuilder routes = new StringBuilder();
    for (Node other : nodes) {
      if (other != node) {
        routes.append(routes.length() == 0 ? "" : ", ");
        routes.append("nats-route://").append(HOST).append(':').append(other.clusterPort());
      }
    }
    String tags = String.join(", ", SERVER_TAGS.stream().map(t -> '"' + t + '"').toList());
    String config =
        """
        server_name: %s
        listen: %s:%d
        http: %s:%d
        server_tags: [%s]
        jetstream {
          store_dir: "%s"
        }
        cluster {
          name: %s
          listen: %s:%d
          routes: [%s]
        }
        """
            .formatted(
                node.name(),
                HOST,
                node.clientPort(),
                HOST,
                node.monitorPort(),
                tags,
                node.directory().resolve("jetstream"),
                CLUSTER_NAME,
                HOST,
                node.clusterPort(),
                routes);
    try {
      Files.createDirectories(node.directory());
      Files.writeString(node.config(), config, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + node.config(), e);
    }
  }

  private void startProcess(Node node) {
    node.held().process =
        ManagedProcess.start(
            "nats-server " + node.name(),
            List.of(binary.toString(), "-c", node.config().toString()),
            node.directory(),
            node.log());
  }

  /** Waits until the node answers, knows the meta leader and reports itself healthy. */
  private void awaitReady(Node node, long deadline) {
    String last = "no answer yet";
    while (true) {
      ManagedProcess process = node.held().process;
      if (process == null || !process.isAlive()) {
        throw new IllegalStateException(
            "nats-server "
                + node.name()
                + " exited"
                + (process == null ? "" : " with code " + process.exitValue())
                + " while starting"
                + logs());
      }
      String leader = leaderSeenBy(node);
      if (leader == null || leader.isEmpty()) {
        last = "no JetStream meta leader known";
      } else {
        int status = NatsMonitoring.health(node.name(), node.monitorPort());
        if (status == 200 || status == 404) { // 404: a server without /healthz
          return;
        }
        last = "meta leader " + leader + ", /healthz answered " + status;
      }
      if (System.nanoTime() - deadline > 0) {
        throw new IllegalStateException(
            "nats-server " + node.name() + " not ready within 45 s (" + last + ")" + logs());
      }
      ServerFiles.pauseBetweenProbes(POLL_MILLIS, "nats-server " + node.name());
    }
  }

  private @Nullable String leaderSeenBy(Node node) {
    return NatsMonitoring.metaLeader(node.name(), node.monitorPort());
  }

  private void terminate(Node node) {
    ManagedProcess process = node.held().process;
    if (process != null) {
      process.kill();
      node.held().process = null;
    }
  }

  private String logs() {
    StringBuilder out = new StringBuilder();
    for (Node node : nodes) {
      out.append(ServerFiles.tail(node.name(), node.log()));
    }
    return out.toString();
  }
}
