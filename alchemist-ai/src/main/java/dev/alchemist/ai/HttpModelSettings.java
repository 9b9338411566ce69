package dev.alchemist.ai;

import dev.alchemist.core.Checks;
import dev.alchemist.core.Ticker;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Function;
import javax.net.ssl.SSLContext;
import org.jspecify.annotations.Nullable;

/**
 * Immutable settings of an HTTP model client ({@link OpenAiChatModel}, {@link OllamaChatModel}).
 * {@link #toString()} never shows the API key or header values.
 *
 * @param provider the provider tag ({@code openai}, {@code ollama})
 * @param baseUri the endpoint root; the client appends its path
 * @param apiKey the bearer token, or null for none (Ollama, local servers)
 * @param headers extra request headers (organization, project); values are treated as secrets
 * @param timeouts first-token, idle and total timeouts
 * @param connectTimeout the TCP/TLS connect timeout of a client this library creates
 * @param maxRetries retries before the first token (0 disables)
 * @param initialBackoff the first retry delay; doubles per retry, with jitter
 * @param maxRetryAfter the longest {@code retry-after} honoured; a longer hint fails at once
 * @param keepAlive Ollama's {@code keep_alive}: how long the server keeps the model loaded
 * @param httpClient the host's client (its executor, proxy, TLS); null creates one
 * @param sslContext TLS for a client this library creates; null means the JDK default
 * @param scheduler timers (timeouts, retry delays); null means one shared daemon thread
 * @param registry where stream metrics go
 * @param ticker time source for metrics and timeouts
 * @param listener background failures
 */
public record HttpModelSettings(
    String provider,
    URI baseUri,
    @Nullable String apiKey,
    Map<String, String> headers,
    StreamTimeouts timeouts,
    Duration connectTimeout,
    int maxRetries,
    Duration initialBackoff,
    Duration maxRetryAfter,
    @Nullable Duration keepAlive,
    @Nullable HttpClient httpClient,
    @Nullable SSLContext sslContext,
    @Nullable ScheduledExecutorService scheduler,
    MeterRegistry registry,
    Ticker ticker,
    AiListener listener) {

  public HttpModelSettings {
    Checks.token("provider", provider);
    Checks.notNull("baseUri", baseUri);
    if (!"http".equals(baseUri.getScheme()) && !"https".equals(baseUri.getScheme())) {
      throw new IllegalArgumentException(
          "baseUri must be http or https but was " + baseUri.getScheme());
    }
    headers = Map.copyOf(Checks.notNull("headers", headers));
    Checks.notNull("timeouts", timeouts);
    Checks.positive("connectTimeout", connectTimeout, Duration.ofMinutes(10));
    Checks.inRange("maxRetries", maxRetries, 0, 10);
    Checks.positive("initialBackoff", initialBackoff, Duration.ofMinutes(1));
    Checks.positive("maxRetryAfter", maxRetryAfter, Duration.ofHours(1));
    if (keepAlive != null) {
      Checks.positive("keepAlive", keepAlive, Duration.ofDays(1));
    }
    if (httpClient != null && sslContext != null) {
      throw new IllegalStateException(
          "sslContext applies to a client this library creates; configure TLS on the httpClient");
    }
    Objects.requireNonNull(registry, "registry");
    Objects.requireNonNull(ticker, "ticker");
    Objects.requireNonNull(listener, "listener");
  }

  /** Replaces every occurrence of the API key or a header value in {@code text} by {@code ***}. */
  public String redact(String text) {
    String out = text;
    if (apiKey != null && !apiKey.isEmpty()) {
      out = out.replace(apiKey, "***");
    }
    for (String v : headers.values()) {
      if (v.length() >= 4) {
        out = out.replace(v, "***");
      }
    }
    return out;
  }

  @Override
  public String toString() {
    return "HttpModelSettings[provider="
        + provider
        + ", baseUri="
        + baseUri
        + ", apiKey="
        + (apiKey == null ? "none" : "***")
        + ", headers="
        + headers.keySet()
        + ", timeouts="
        + timeouts
        + ", maxRetries="
        + maxRetries
        + ", keepAlive="
        + keepAlive
        + "]";
  }

  /**
   * Builds the settings of one client and then the client. Setters validate their argument ({@link
   * IllegalArgumentException} naming field, value and limit); {@link #build()} checks combinations
   * ({@link IllegalStateException}). Not thread-safe; reusable.
   */
  public static final class Builder {
    private final String provider;
    private final Function<HttpModelSettings, ChatModel> factory;
    private URI baseUri;
    private @Nullable String apiKey;
    private final Map<String, String> headers = new LinkedHashMap<>();
    private StreamTimeouts timeouts = StreamTimeouts.DEFAULTS;
    private Duration connectTimeout = Duration.ofSeconds(10);
    private int maxRetries = 2;
    private Duration initialBackoff = Duration.ofMillis(200);
    private Duration maxRetryAfter = Duration.ofSeconds(30);
    private @Nullable Duration keepAlive;
    private @Nullable HttpClient httpClient;
    private @Nullable SSLContext sslContext;
    private @Nullable ScheduledExecutorService scheduler;
    private MeterRegistry registry = Metrics.globalRegistry;
    private Ticker ticker = Ticker.system();
    private AiListener listener = AiListener.NONE;

    Builder(
        String provider,
        URI defaultBaseUri,
        @Nullable Duration keepAlive,
        Function<HttpModelSettings, ChatModel> factory) {
      this.provider = provider;
      this.baseUri = defaultBaseUri;
      this.keepAlive = keepAlive;
      this.factory = factory;
    }

    public Builder baseUri(String baseUri) {
      this.baseUri = URI.create(Checks.notBlank("baseUri", baseUri));
      return this;
    }

    /** The bearer token; never logged, never in {@code toString()} or exception messages. */
    public Builder apiKey(String apiKey) {
      this.apiKey = Checks.notBlank("apiKey", apiKey);
      return this;
    }

    public Builder header(String name, String value) {
      headers.put(Checks.notBlank("header name", name), Checks.notNull("header value", value));
      return this;
    }

    public Builder timeouts(StreamTimeouts timeouts) {
      this.timeouts = Checks.notNull("timeouts", timeouts);
      return this;
    }

    public Builder connectTimeout(Duration connectTimeout) {
      this.connectTimeout =
          Checks.positive("connectTimeout", connectTimeout, Duration.ofMinutes(10));
      return this;
    }

    public Builder maxRetries(int maxRetries) {
      this.maxRetries = (int) Checks.inRange("maxRetries", maxRetries, 0, 10);
      return this;
    }

    public Builder initialBackoff(Duration initialBackoff) {
      this.initialBackoff =
          Checks.positive("initialBackoff", initialBackoff, Duration.ofMinutes(1));
      return this;
    }

    public Builder maxRetryAfter(Duration maxRetryAfter) {
      this.maxRetryAfter = Checks.positive("maxRetryAfter", maxRetryAfter, Duration.ofHours(1));
      return this;
    }

    /** Ollama's {@code keep_alive}, sent with every request; ignored by OpenAI. */
    public Builder keepAlive(Duration keepAlive) {
      this.keepAlive = Checks.positive("keepAlive", keepAlive, Duration.ofDays(1));
      return this;
    }

    public Builder httpClient(HttpClient httpClient) {
      this.httpClient = Checks.notNull("httpClient", httpClient);
      return this;
    }

    public Builder sslContext(SSLContext sslContext) {
      this.sslContext = Checks.notNull("sslContext", sslContext);
      return this;
    }

    public Builder scheduler(ScheduledExecutorService scheduler) {
      this.scheduler = Checks.notNull("scheduler", scheduler);
      return this;
    }

    /**
     * Where the stream meters go; default {@code Metrics.globalRegistry}. {@link ChatModel#close()}
     * removes the meters it registered. Counters and timers with equal tags add up across live
     * instances; {@code alchemist.ai.streams.active} is a total per provider, the sum of the live
     * clients' open streams, so a closed client's streams never stay in it.
     */
    public Builder meterRegistry(MeterRegistry registry) {
      this.registry = Checks.notNull("registry", registry);
      return this;
    }

    public Builder ticker(Ticker ticker) {
      this.ticker = Checks.notNull("ticker", ticker);
      return this;
    }

    public Builder listener(AiListener listener) {
      this.listener = Checks.notNull("listener", listener);
      return this;
    }

    /** The immutable settings this builder holds now. */
    public HttpModelSettings settings() {
      return new HttpModelSettings(
          provider,
          baseUri,
          apiKey,
          headers,
          timeouts,
          connectTimeout,
          maxRetries,
          initialBackoff,
          maxRetryAfter,
          keepAlive,
          httpClient,
          sslContext,
          scheduler,
          registry,
          ticker,
          listener);
    }

    /** Builds the client. */
    public ChatModel build() {
      return factory.apply(settings());
    }
  }
}
