package dev.alchemist.ai.internal;

import dev.alchemist.ai.AiException;
import dev.alchemist.ai.ChatModel;
import dev.alchemist.ai.ChatRequest;
import dev.alchemist.ai.HttpModelSettings;
import dev.alchemist.ai.TokenStream;
import dev.alchemist.core.TlsFailures;
import dev.alchemist.core.internal.SharedScheduler;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP model client: opens streams, maps HTTP failures to {@link AiException}s, and closes what
 * it owns; the provider's JSON bodies are written by {@link RequestBodies}. One subclass-free
 * instance per provider; the wire differences are a body writer, a path and a decoder factory.
 */
public final class HttpChatClient implements ChatModel {
  private static final Logger LOG = LoggerFactory.getLogger(HttpChatClient.class);

  final HttpModelSettings settings;
  final HttpClient http;
  final ScheduledExecutorService scheduler;
  final StreamMetrics metrics;
  final URI endpoint;
  final Function<WireListener, WireDecoder> decoders;
  private final boolean ollama;
  private final boolean ownsHttpClient;
  private final RequestBodies bodies;
  private final Set<HttpTokenStream> open = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicBoolean skipLogged = new AtomicBoolean();
  private final AtomicBoolean retryLogged = new AtomicBoolean();

  private HttpChatClient(HttpModelSettings settings, boolean ollama) {
    this.settings = settings;
    this.ollama = ollama;
    this.ownsHttpClient = settings.httpClient() == null;
    this.bodies = new RequestBodies(ollama, settings.keepAlive());
    HttpClient client = settings.httpClient();
    if (client == null) {
      HttpClient.Builder b =
          HttpClient.newBuilder()
              .connectTimeout(settings.connectTimeout())
              .followRedirects(HttpClient.Redirect.NEVER);
      if (settings.sslContext() != null) {
        b.sslContext(settings.sslContext());
      }
      client = b.build();
    }
    this.http = client;
    ScheduledExecutorService s = settings.scheduler();
    this.scheduler = s != null ? s : SharedScheduler.get();
    this.metrics = new StreamMetrics(settings.registry(), settings.provider());
    String base = settings.baseUri().toString().replaceAll("/+$", "");
    this.endpoint = URI.create(base + (ollama ? "/api/chat" : "/chat/completions"));
    this.decoders = ollama ? WireDecoder::ollama : WireDecoder::openAi;
  }

  public static ChatModel openAi(HttpModelSettings settings) {
    return new HttpChatClient(settings, false);
  }

  public static ChatModel ollama(HttpModelSettings settings) {
    return new HttpChatClient(settings, true);
  }

  @Override
  public TokenStream stream(ChatRequest request) {
    if (closed.get()) {
      throw new IllegalStateException(settings.provider() + " client is closed");
    }
    return new HttpTokenStream(this, request, bodies.chat(request, true));
  }

  @Override
  public String provider() {
    return settings.provider();
  }

  @Override
  public Optional<Duration> keepAlive() {
    return ollama ? Optional.ofNullable(settings.keepAlive()) : Optional.empty();
  }

  @Override
  public CompletableFuture<Duration> warmUp(String model) {
    if (!ollama) {
      // An OpenAI-compatible server has no load step we can trigger without paying for tokens.
      return CompletableFuture.completedFuture(Duration.ZERO);
    }
    long start = settings.ticker().read();
    byte[] body = bodies.warmUp(model);
    return http.sendAsync(request(body), HttpResponse.BodyHandlers.ofString())
        .handle(
            (resp, ex) -> {
              if (ex != null) {
                throw mapThrowable(ex, model);
              }
              if (resp.statusCode() != 200) {
                throw mapStatus(resp.statusCode(), resp.headers(), resp.body(), model);
              }
              if (resp.body().contains("\"error\"")) {
                throw new AiException(
                    AiException.Reason.SERVER,
                    "ollama could not load model "
                        + model
                        + ": "
                        + redact(abbreviate(resp.body())));
              }
              return Duration.ofNanos(settings.ticker().read() - start);
            });
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      for (HttpTokenStream s : List.copyOf(open)) {
        s.closeFromOwner();
      }
      metrics.close(); // after the closed streams counted their end
      if (ownsHttpClient) {
        // HttpClient became AutoCloseable in JDK 21; on 17 its threads end when it is unreachable.
        if (http instanceof AutoCloseable c) {
          try {
            c.close();
          } catch (Exception e) {
            LOG.debug("closing the HTTP client failed", e);
          }
        }
      }
    }
  }

  @Override
  public String toString() {
    return "HttpChatClient[" + settings + "]";
  }

  boolean expectsSse() {
    return !ollama;
  }

  /**
   * Whether a 200 response with this {@code Content-Type} is read as the provider's stream: for SSE
   * the media type must be {@code text/event-stream}, compared case-insensitively and without its
   * parameters (RFC 9110, 8.3.1); NDJSON and a missing header are read as they come.
   */
  boolean readableContentType(String contentType) {
    if (!expectsSse() || contentType.isEmpty()) {
      return true;
    }
    int semicolon = contentType.indexOf(';');
    String mediaType = semicolon < 0 ? contentType : contentType.substring(0, semicolon);
    return mediaType.strip().equalsIgnoreCase("text/event-stream");
  }

  void opened(HttpTokenStream s) {
    open.add(s);
  }

  void closed(HttpTokenStream s) {
    open.remove(s);
  }

  String redact(String text) {
    return settings.redact(text);
  }

  void skipped(String model, String why) {
    metrics.skipped();
    if (skipLogged.compareAndSet(false, true)) {
      LOG.warn(
          "{} stream: skipped an unreadable event ({}); further skips are only counted",
          settings.provider(),
          redact(why));
    }
    try {
      settings.listener().onSkipped(settings.provider(), model, redact(why));
    } catch (RuntimeException e) {
      LOG.debug("listener threw", e);
    }
  }

  void retrying(String model, int attempt, AiException failure, long delayMillis) {
    metrics.retries(failure.reason().name().toLowerCase(Locale.ROOT)).increment();
    if (retryLogged.compareAndSet(false, true)) {
      LOG.warn(
          "{} model {}: retrying after {} ({} ms); further retries are only counted",
          settings.provider(),
          model,
          failure.getMessage(),
          delayMillis);
    }
    try {
      settings.listener().onRetry(settings.provider(), model, attempt, failure, delayMillis);
    } catch (RuntimeException e) {
      LOG.debug("listener threw", e);
    }
  }

  HttpRequest request(byte[] body) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(endpoint)
            .header("Content-Type", "application/json")
            .header("Accept", ollama ? "application/x-ndjson" : "text/event-stream")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (settings.apiKey() != null) {
      b.header("Authorization", "Bearer " + settings.apiKey());
    }
    settings.headers().forEach(b::header);
    return b.build();
  }

  /** Maps a non-200 response to the failure family; the body is redacted and shortened. */
  AiException mapStatus(int status, java.net.http.HttpHeaders headers, String body, String model) {
    String where = settings.provider() + " model " + model + ": HTTP " + status;
    String detail = redact(abbreviate(body));
    Duration retryAfter = retryAfter(headers, Instant.now());
    AiException.Reason reason;
    if (status == 401 || status == 403) {
      reason = AiException.Reason.AUTH;
    } else if (status == 429) {
      reason = AiException.Reason.RATE_LIMITED;
    } else if (status >= 500) {
      reason = AiException.Reason.SERVER;
    } else {
      reason = AiException.Reason.BAD_REQUEST;
    }
    return new AiException(
        reason, where + (detail.isEmpty() ? "" : " " + detail), status, retryAfter, null, 0, null);
  }

  AiException mapThrowable(Throwable t, String model) {
    Throwable c = t;
    while ((c instanceof java.util.concurrent.CompletionException
            || c instanceof java.util.concurrent.ExecutionException)
        && c.getCause() != null) {
      c = c.getCause();
    }
    if (c instanceof AiException a) {
      return a;
    }
    String msg = redact(String.valueOf(c.getMessage()));
    String where = settings.provider() + " model " + model + " at " + endpoint;
    String tls = TlsFailures.reason(c);
    if (tls == null && "https".equals(endpoint.getScheme()) && closedBeforeAnswering(c)) {
      // Under TLS 1.3 a server checks the client certificate after the client's handshake is done,
      // so a refusal reaches the JDK client as a connection closed before any response byte.
      tls =
          "TLS: the server closed the connection before answering; a server that requires a"
              + " client certificate does so when none is given or it does not trust it";
    }
    if (tls != null) {
      // The JDK's TLS messages name its internals ("PKIX path building failed"); say what is wrong.
      return new AiException(AiException.Reason.CONNECT, where + ": " + tls + " (" + msg + ")", c);
    }
    if (c instanceof java.net.http.HttpConnectTimeoutException
        || c instanceof java.net.ConnectException) {
      return new AiException(
          AiException.Reason.CONNECT, where + ": cannot connect (" + msg + ")", c);
    }
    return new AiException(
        AiException.Reason.CONNECT,
        where + ": " + c.getClass().getSimpleName() + " (" + msg + ")",
        c);
  }

  private static boolean closedBeforeAnswering(Throwable t) {
    return t instanceof java.io.EOFException
        || (t instanceof IOException
            && String.valueOf(t.getMessage()).contains("header parser received no bytes"));
  }

  static @Nullable Duration retryAfter(java.net.http.HttpHeaders headers, Instant now) {
    Optional<String> v = headers.firstValue("retry-after");
    if (v.isEmpty()) {
      return null;
    }
    String s = v.get().trim();
    try {
      double seconds = Double.parseDouble(s);
      return seconds < 0 ? null : Duration.ofMillis((long) (seconds * 1000));
    } catch (NumberFormatException e) {
      try {
        Instant at = ZonedDateTime.parse(s, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        Duration d = Duration.between(now, at);
        return d.isNegative() ? Duration.ZERO : d;
      } catch (RuntimeException e2) {
        return null;
      }
    }
  }

  static String abbreviate(String s) {
    String t = s.strip().replaceAll("\\s+", " ");
    return t.length() <= 200 ? t : t.substring(0, 197) + "...";
  }
}
