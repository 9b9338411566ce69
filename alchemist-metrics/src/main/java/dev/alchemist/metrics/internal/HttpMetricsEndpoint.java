package dev.alchemist.metrics.internal;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.alchemist.metrics.MetricsEndpoint;
import dev.alchemist.metrics.MetricsEndpointException;
import dev.alchemist.metrics.MetricsEndpointSettings;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.zip.GZIPOutputStream;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@link MetricsEndpoint} on the JDK HTTP server. */
public final class HttpMetricsEndpoint implements MetricsEndpoint {
  private static final Logger LOG = LoggerFactory.getLogger(MetricsEndpoint.class);

  /**
   * Content type of OpenMetrics 1.0 text, answered when the client asks for OpenMetrics. The
   * registry picks its writer from this value, so it is the Prometheus client's own constant.
   */
  public static final String OPENMETRICS_CONTENT_TYPE =
      "application/openmetrics-text; version=1.0.0; charset=utf-8";

  /** Content type of the Prometheus text format 0.0.4, answered otherwise. */
  public static final String TEXT_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private final PrometheusMeterRegistry registry;
  private final MetricsEndpointSettings settings;
  private final ReentrantLock lock = new ReentrantLock();
  private final AtomicBoolean failureLogged = new AtomicBoolean();
  private @Nullable HttpServer server;

  /** Creates a stopped endpoint. */
  public HttpMetricsEndpoint(PrometheusMeterRegistry registry, MetricsEndpointSettings settings) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.settings = Objects.requireNonNull(settings, "settings");
  }

  @Override
  public MetricsEndpoint start() {
    lock.lock();
    try {
      if (server != null) {
        return this;
      }
      InetSocketAddress bind = new InetSocketAddress(settings.address(), settings.port());
      HttpServer created;
      try {
        created = HttpServer.create(bind, 0);
      } catch (IOException | RuntimeException e) {
        throw new MetricsEndpointException(bind, e);
      }
      // One context at the root, so every other path gets a clear 404 from the same handler.
      created.createContext("/", this::handle);
      if (settings.executor() != null) {
        created.setExecutor(settings.executor());
      }
      created.start();
      server = created;
      LOG.debug("metrics endpoint serving {}", uri());
      return this;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void stop() {
    lock.lock();
    try {
      if (server != null) {
        server.stop(0);
        server = null;
      }
    } finally {
      lock.unlock();
    }
  }

  @Override
  public boolean isRunning() {
    lock.lock();
    try {
      return server != null;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public int port() {
    return address().getPort();
  }

  @Override
  public InetSocketAddress address() {
    lock.lock();
    try {
      if (server == null) {
        throw new IllegalStateException("metrics endpoint is not running");
      }
      return server.getAddress();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public URI uri() {
    InetSocketAddress address = address();
    String host = address.getAddress().getHostAddress();
    if (host.contains(":")) {
      host = "[" + host + "]";
    }
    return URI.create("http://" + host + ":" + address.getPort() + settings.path());
  }

  @Override
  public MetricsEndpointSettings settings() {
    return settings;
  }

  @Override
  public void close() {
    stop();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      if (!settings.path().equals(exchange.getRequestURI().getPath())) {
        sendText(exchange, 404, "Not found; metrics are at " + settings.path() + "\n");
        return;
      }
      String method = exchange.getRequestMethod();
      boolean head = "HEAD".equals(method);
      if (!head && !"GET".equals(method)) {
        exchange.getResponseHeaders().set("Allow", "GET, HEAD");
        sendText(exchange, 405, "Method " + method + " not allowed\n");
        return;
      }
      String contentType =
          wantsOpenMetrics(exchange.getRequestHeaders().get("Accept"))
              ? OPENMETRICS_CONTENT_TYPE
              : TEXT_CONTENT_TYPE;
      byte[] body;
      try {
        // Scrape fully before sending headers, so a failure can still answer 500.
        ByteArrayOutputStream buffer = new ByteArrayOutputStream(16 * 1024);
        registry.scrape(buffer, contentType);
        body = buffer.toByteArray();
      } catch (IOException | RuntimeException e) {
        if (failureLogged.compareAndSet(false, true)) {
          LOG.warn("metrics scrape failed (logged once; later failures at debug)", e);
        } else {
          LOG.debug("metrics scrape failed", e);
        }
        sendText(exchange, 500, "Scrape failed: " + e.getClass().getSimpleName() + "\n");
        return;
      }
      exchange.getResponseHeaders().set("Content-Type", contentType);
      boolean gzip = acceptsGzip(exchange.getRequestHeaders().get("Accept-Encoding"));
      if (gzip) {
        exchange.getResponseHeaders().set("Content-Encoding", "gzip");
      }
      if (head) {
        exchange.sendResponseHeaders(200, -1);
        return;
      }
      if (gzip) {
        exchange.sendResponseHeaders(200, 0); // chunked
        try (OutputStream out = new GZIPOutputStream(exchange.getResponseBody())) {
          out.write(body);
        }
      } else {
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(body);
        }
      }
    }
  }

  /** True when any Accept value lists OpenMetrics (Prometheus sends it first, with a q-value). */
  static boolean wantsOpenMetrics(@Nullable List<String> accept) {
    if (accept == null) {
      return false;
    }
    for (String header : accept) {
      for (String range : header.split(",")) {
        String media = range.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        if (media.equals("application/openmetrics-text") && !refused(range)) {
          return true;
        }
      }
    }
    return false;
  }

  static boolean acceptsGzip(@Nullable List<String> acceptEncoding) {
    if (acceptEncoding == null) {
      return false;
    }
    for (String header : acceptEncoding) {
      for (String coding : header.split(",")) {
        String name = coding.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        if (name.equals("gzip") && !refused(coding)) {
          return true;
        }
      }
    }
    return false;
  }

  /** True for a media range or coding with {@code q=0}, which means "not acceptable". */
  private static boolean refused(String range) {
    for (String param : range.split(";")) {
      String p = param.trim().toLowerCase(Locale.ROOT);
      if (p.startsWith("q=")) {
        try {
          return Double.parseDouble(p.substring(2)) <= 0.0;
        } catch (NumberFormatException e) {
          return false;
        }
      }
    }
    return false;
  }

  private static void sendText(HttpExchange exchange, int status, String text) throws IOException {
    byte[] body = text.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
    if ("HEAD".equals(exchange.getRequestMethod())) {
      exchange.sendResponseHeaders(status, -1);
      return;
    }
    exchange.sendResponseHeaders(status, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }
}
