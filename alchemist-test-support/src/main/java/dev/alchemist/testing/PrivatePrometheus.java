package dev.alchemist.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * A {@code prometheus} process of one test's own, on a free loopback port, scraping one metrics
 * endpoint and evaluating alert rule files, so a test can ask a real Prometheus what its queries
 * return and which alerts fire.
 *
 * <pre>{@code
 * try (PrivatePrometheus prometheus =
 *     PrivatePrometheus.builder().target(endpointUri).ruleFile(rules).start()) {
 *   String json = prometheus.query("up");   // the body of GET /api/v1/query
 * }
 * }</pre>
 *
 * <p>The generated configuration ({@link #config}) scrapes the target every {@link
 * Builder#scrapeInterval} (default 1 s) under the job {@value #JOB} and evaluates the rules every
 * {@link Builder#evaluationInterval} (default 1 s). The rule files are copied next to the
 * configuration and named by file name only, as a user's {@code rule_files:} would name them. The
 * binary comes from the Debian package {@code prometheus}; {@code scripts/services.sh prometheus}
 * installs it (the tests only, never the default embedded setup, need it).
 *
 * <p>{@link #close()} stops only the process this object started and deletes its directory (the
 * configuration, the copied rules, the TSDB and the log). A JVM shutdown hook kills a Prometheus
 * that was never closed. Thread-safe: {@link #close()} is synchronized, the rest is immutable or
 * stateless.
 */
public final class PrivatePrometheus implements AutoCloseable {

  /** The job name of the generated scrape config, so the {@code job} label of every series. */
  public static final String JOB = "alchemist";

  private static final String HOST = ServerFiles.HOST;
  private static final String INSTALL_HINT =
      "sudo apt-get install -y prometheus, or run " + TestServices.SCRIPT + " prometheus";
  private static final long START_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(30);
  private static final int PORT_ATTEMPTS = 5;
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final Path directory;
  private final URI uri;
  private final String config;
  private final ManagedProcess process;
  private boolean closed;

  private PrivatePrometheus(Path directory, URI uri, String config, ManagedProcess process) {
    this.directory = directory;
    this.uri = uri;
    this.config = config;
    this.process = process;
  }

  /** A builder; {@link Builder#target} is required. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The {@code promtool} binary that comes with the package, for {@code promtool check rules} and
   * {@code promtool check metrics}.
   *
   * @throws IllegalStateException if it is not installed, saying how to install it
   */
  public static Path promtool() {
    return ServerFiles.findExecutable("promtool", INSTALL_HINT);
  }

  /**
   * The configuration file this launcher writes, for a target and rule file names: the same text a
   * user's {@code prometheus.yml} needs to scrape an Alchemist endpoint and load its rules.
   *
   * @param target the metrics endpoint, such as {@code http://127.0.0.1:9464/metrics}
   * @param ruleFiles rule file names, resolved by Prometheus relative to the configuration file
   * @param scrapeInterval how often the target is scraped
   * @param evaluationInterval how often the rules are evaluated
   */
  public static String config(
      URI target, List<String> ruleFiles, Duration scrapeInterval, Duration evaluationInterval) {
    StringBuilder yaml = new StringBuilder();
    yaml.append("global:\n")
        .append("  scrape_interval: ")
        .append(promDuration(scrapeInterval))
        .append('\n')
        .append("  evaluation_interval: ")
        .append(promDuration(evaluationInterval))
        .append('\n');
    if (!ruleFiles.isEmpty()) {
      yaml.append("rule_files:\n");
      ruleFiles.forEach(f -> yaml.append("  - ").append(f).append('\n'));
    }
    String path =
        target.getRawPath() == null || target.getRawPath().isEmpty()
            ? "/metrics"
            : target.getRawPath();
    yaml.append("scrape_configs:\n")
        .append("  - job_name: ")
        .append(JOB)
        .append('\n')
        .append("    metrics_path: ")
        .append(path)
        .append('\n')
        .append("    static_configs:\n")
        .append("      - targets: [\"")
        .append(target.getHost())
        .append(':')
        .append(target.getPort())
        .append("\"]\n");
    return yaml.toString();
  }

  /** {@code http://127.0.0.1:<port>}, the web UI and HTTP API. */
  public URI uri() {
    return uri;
  }

  /** The configuration this Prometheus runs with (see {@link #config}). */
  public String config() {
    return config;
  }

  /** The file that receives Prometheus' log; deleted by {@link #close()}. */
  public Path logFile() {
    return directory.resolve("prometheus.log");
  }

  /**
   * An instant query at the current time.
   *
   * @return the JSON body of {@code GET /api/v1/query}
   * @throws IllegalStateException if Prometheus answers with a status other than 200 (a bad
   *     expression answers 400), with the body in the message
   */
  public String query(String promql) {
    return get("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
  }

  /**
   * GETs a path of the HTTP API, such as {@code /api/v1/alerts} or {@code /api/v1/targets}.
   *
   * @return the body
   * @throws IllegalStateException if the status is not 200, with the body in the message
   */
  public String get(String pathAndQuery) {
    HttpRequest request =
        HttpRequest.newBuilder(uri.resolve(pathAndQuery)).timeout(Duration.ofSeconds(10)).build();
    try {
      HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new IllegalStateException(
            "GET " + pathAndQuery + " answered " + response.statusCode() + ": " + response.body());
      }
      return response.body();
    } catch (IOException e) {
      throw new UncheckedIOException("GET " + uri.resolve(pathAndQuery) + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted during GET " + pathAndQuery, e);
    }
  }

  /** Kills the process this object started and deletes its directory. Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      process.stop();
    } finally {
      ManagedProcess.deleteNow(directory);
    }
  }

  @Override
  public String toString() {
    return "PrivatePrometheus[" + uri + (closed ? ", closed" : "") + "]";
  }

  /** Collects the target, rule files and intervals, then {@link #start()}s. Not thread-safe. */
  public static final class Builder {
    private @Nullable URI target;
    private final List<Path> ruleFiles = new ArrayList<>();
    private Duration scrapeInterval = Duration.ofSeconds(1);
    private Duration evaluationInterval = Duration.ofSeconds(1);

    private Builder() {}

    /** The metrics endpoint to scrape, such as {@code http://127.0.0.1:40123/metrics}. */
    public Builder target(URI value) {
      Objects.requireNonNull(value, "target");
      if (value.getHost() == null || value.getPort() < 0) {
        throw new IllegalArgumentException("target needs a host and a port: " + value);
      }
      this.target = value;
      return this;
    }

    /** A rule file to load; it is copied, so the test may delete it after {@link #start()}. */
    public Builder ruleFile(Path value) {
      ruleFiles.add(Objects.requireNonNull(value, "ruleFile"));
      return this;
    }

    /** How often the target is scraped; default 1 s, whole seconds. */
    public Builder scrapeInterval(Duration value) {
      this.scrapeInterval = wholeSeconds("scrapeInterval", value);
      return this;
    }

    /** How often the rules are evaluated; default 1 s, whole seconds. */
    public Builder evaluationInterval(Duration value) {
      this.evaluationInterval = wholeSeconds("evaluationInterval", value);
      return this;
    }

    /**
     * Writes the configuration, starts Prometheus on a free loopback port and waits until {@code
     * /-/ready} answers 200.
     *
     * @throws IllegalStateException if the binary is missing, the configuration or a rule file is
     *     refused, or Prometheus does not come up within 30 s; the message has the end of its log
     */
    public PrivatePrometheus start() {
      URI scraped = Objects.requireNonNull(target, "target is required");
      Path binary = ServerFiles.findExecutable("prometheus", INSTALL_HINT);
      Path directory = ServerFiles.temporaryDirectory("alchemist-prometheus-");
      ManagedProcess.deleteAtExit(directory);
      try {
        List<String> names = new ArrayList<>();
        for (Path rules : ruleFiles) {
          String name = rules.getFileName().toString();
          if (names.contains(name)) {
            throw new IllegalArgumentException("two rule files are named " + name);
          }
          Files.copy(rules, directory.resolve(name));
          names.add(name);
        }
        String config = config(scraped, names, scrapeInterval, evaluationInterval);
        Files.writeString(directory.resolve("prometheus.yml"), config);
        for (int attempt = 0; attempt < PORT_ATTEMPTS; attempt++) {
          PrivatePrometheus started = launch(binary, directory, config, ServerFiles.freePort());
          if (started != null) {
            return started;
          }
        }
        throw new IllegalStateException(
            "prometheus could not bind a free port in "
                + PORT_ATTEMPTS
                + " attempts"
                + ServerFiles.tail("prometheus", directory.resolve("prometheus.log")));
      } catch (IOException e) {
        ManagedProcess.deleteNow(directory);
        throw new UncheckedIOException("cannot prepare the prometheus directory", e);
      } catch (RuntimeException e) {
        ManagedProcess.deleteNow(directory);
        throw e;
      }
    }

    private static Duration wholeSeconds(String name, Duration value) {
      Objects.requireNonNull(value, name);
      if (value.isNegative() || value.isZero() || value.toNanos() % 1_000_000_000L != 0) {
        throw new IllegalArgumentException(name + " must be whole positive seconds: " + value);
      }
      return value;
    }
  }

  /** Starts once; null if the port was taken meanwhile, so the caller tries another. */
  private static @Nullable PrivatePrometheus launch(
      Path binary, Path directory, String config, int port) {
    Path log = directory.resolve("prometheus.log");
    ManagedProcess process =
        ManagedProcess.start(
            "prometheus",
            List.of(
                binary.toString(),
                "--config.file=" + directory.resolve("prometheus.yml"),
                "--storage.tsdb.path=" + directory.resolve("data"),
                "--web.listen-address=" + HOST + ":" + port,
                "--log.level=warn"),
            directory,
            log);
    URI uri = URI.create("http://" + HOST + ":" + port);
    PrivatePrometheus prometheus = new PrivatePrometheus(directory, uri, config, process);
    long deadline = System.nanoTime() + START_TIMEOUT_NANOS;
    while (process.isAlive() && System.nanoTime() - deadline < 0) {
      if (ready(uri)) {
        return prometheus;
      }
      ServerFiles.pauseBetweenProbes(50, "prometheus on " + uri);
    }
    process.stop();
    if (process.outputSinceStart().toLowerCase(Locale.ROOT).contains("address already in use")) {
      return null;
    }
    throw new IllegalStateException(
        "prometheus did not become ready on "
            + uri
            + " within 30 s"
            + ServerFiles.tail("prometheus", log));
  }

  private static boolean ready(URI uri) {
    HttpRequest request =
        HttpRequest.newBuilder(uri.resolve("/-/ready")).timeout(Duration.ofSeconds(1)).build();
    try {
      return HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for prometheus", e);
    }
  }

  /** Prometheus' duration syntax for whole seconds, such as {@code 1s} or {@code 15s}. */
  private static String promDuration(Duration value) {
    return value.toSeconds() + "s";
  }
}
