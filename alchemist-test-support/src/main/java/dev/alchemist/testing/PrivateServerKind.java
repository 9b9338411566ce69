package dev.alchemist.testing;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import org.jspecify.annotations.Nullable;

/** The servers {@link PrivateServer} launches: each one's command line and readiness probe. */
enum PrivateServerKind {
  REDIS("redis-server", "redis-server", "redis"),
  NATS("nats-server", "nats-server", "nats");

  private static final Duration PROBE_TIMEOUT = Duration.ofMillis(500);

  final String binary;
  final String debianPackage;
  final String scheme;

  PrivateServerKind(String binary, String debianPackage, String scheme) {
    this.binary = binary;
    this.debianPackage = debianPackage;
    this.scheme = scheme;
  }

  List<String> command(Path binary, int port, Path directory, boolean tls) {
    String p = Integer.toString(port);
    switch (this) {
      case REDIS:
        // With TLS the plain port is off (0) and the TLS port is the server's only port.
        List<String> redis =
            new ArrayList<>(
                List.of(
                    binary.toString(),
                    "--bind",
                    ServerFiles.HOST,
                    "--port",
                    tls ? "0" : p,
                    "--tls-port",
                    tls ? p : "0"));
        redis.addAll(redisWithoutPersistence(directory));
        return redis;
      case NATS:
        return List.of(
            binary.toString(),
            "-a",
            ServerFiles.HOST,
            "-p",
            p,
            "-js",
            "-sd",
            directory.resolve("jetstream").toString());
    }
    throw new AssertionError(this);
  }

  /**
   * The arguments of a Redis that keeps nothing ({@code --save "" --appendonly no}), runs in the
   * foreground and works in {@code directory}: a restarted private Redis is empty.
   */
  static List<String> redisWithoutPersistence(Path directory) {
    return List.of(
        "--save", "", "--appendonly", "no", "--daemonize", "no", "--dir", directory.toString());
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
