package dev.alchemist.boot;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code alchemist.ai.*}: the {@link dev.alchemist.ai.ChatModel}, the {@link
 * dev.alchemist.ai.ChatStreamer} in front of it, the warm-up list and the answer cache. {@code
 * toString()} is {@link Object}'s, so the API key and header values never show.
 *
 * <p>A little over 400 lines on purpose: it is only fields with their getters and setters, and the
 * nested groups stay in this one class because Boot's configuration metadata (the descriptions IDEs
 * show) comes from the field comments of the bound class and its nested ones.
 */
@ConfigurationProperties("alchemist.ai")
public class AlchemistAiProperties {
  /** Which model client: openai, ollama or simulated (deterministic, in-process). */
  private Provider provider = Provider.SIMULATED;

  /** An OpenAI-compatible server (OpenAI, vLLM, llama.cpp, LM Studio, Ollama's /v1). */
  private final Http openai = new Http();

  /** An Ollama server. */
  private final Ollama ollama = new Ollama();

  /** The simulated model (provider=simulated). */
  private final Simulated simulated = new Simulated();

  /** The three deadlines of a model stream. */
  private final Timeouts timeouts = new Timeouts();

  /** When buffered tokens become a chunk. */
  private final Chunk chunk = new Chunk();

  /** Models loaded at startup and kept loaded. */
  private final WarmUp warmUp = new WarmUp();

  /** Answers to deterministic requests kept and replayed. */
  private final AnswerCache answerCache = new AnswerCache();

  public Provider getProvider() {
    return provider;
  }

  public void setProvider(Provider provider) {
    this.provider = provider;
  }

  public Http getOpenai() {
    return openai;
  }

  public Ollama getOllama() {
    return ollama;
  }

  public Simulated getSimulated() {
    return simulated;
  }

  public Timeouts getTimeouts() {
    return timeouts;
  }

  public Chunk getChunk() {
    return chunk;
  }

  public WarmUp getWarmUp() {
    return warmUp;
  }

  public AnswerCache getAnswerCache() {
    return answerCache;
  }

  /** The model client to configure. */
  public enum Provider {
    /** OpenAI-compatible chat completions over SSE, from alchemist.ai.openai.*. */
    OPENAI,
    /** Ollama's /api/chat over NDJSON, from alchemist.ai.ollama.*. */
    OLLAMA,
    /** The deterministic in-process model, the embedded default. */
    SIMULATED
  }

  /** {@code alchemist.ai.openai.*}. */
  public static class Http {
    /** The endpoint root; default https://api.openai.com/v1 (OpenAI) or http://127.0.0.1:11434. */
    private @Nullable String baseUri;

    /** The bearer token; never logged or shown. */
    private @Nullable String apiKey;

    /** Extra request headers (organization, project); values are treated as secrets. */
    private Map<String, String> headers = new LinkedHashMap<>();

    /** TCP and TLS connect timeout. */
    private Duration connectTimeout = Duration.ofSeconds(10);

    /** Retries before the first token; 0 disables them. */
    private int maxRetries = 2;

    /** The first retry delay; doubles per retry, with jitter. */
    private Duration initialBackoff = Duration.ofMillis(200);

    /** The longest retry-after hint honoured; a longer one fails at once. */
    private Duration maxRetryAfter = Duration.ofSeconds(30);

    public @Nullable String getBaseUri() {
      return baseUri;
    }

    public void setBaseUri(@Nullable String baseUri) {
      this.baseUri = baseUri;
    }

    public @Nullable String getApiKey() {
      return apiKey;
    }

    public void setApiKey(@Nullable String apiKey) {
      this.apiKey = apiKey;
    }

    public Map<String, String> getHeaders() {
      return headers;
    }

    public void setHeaders(Map<String, String> headers) {
      this.headers = headers;
    }

    public Duration getConnectTimeout() {
      return connectTimeout;
    }

    public void setConnectTimeout(Duration connectTimeout) {
      this.connectTimeout = connectTimeout;
    }

    public int getMaxRetries() {
      return maxRetries;
    }

    public void setMaxRetries(int maxRetries) {
      this.maxRetries = maxRetries;
    }

    public Duration getInitialBackoff() {
      return initialBackoff;
    }

    public void setInitialBackoff(Duration initialBackoff) {
      this.initialBackoff = initialBackoff;
    }

    public Duration getMaxRetryAfter() {
      return maxRetryAfter;
    }

    public void setMaxRetryAfter(Duration maxRetryAfter) {
      this.maxRetryAfter = maxRetryAfter;
    }
  }

  /** {@code alchemist.ai.ollama.*}. */
  public static class Ollama extends Http {
    /** Ollama's keep_alive: how long the server keeps a model loaded after a request. */
    private Duration keepAlive = Duration.ofMinutes(5);

    public Duration getKeepAlive() {
      return keepAlive;
    }

    public void setKeepAlive(Duration keepAlive) {
      this.keepAlive = keepAlive;
    }
  }

  /** {@code alchemist.ai.simulated.*}: the deterministic in-process model's pace. */
  public static class Simulated {
    /** Delay before the first token. */
    private Duration firstTokenLatency = Duration.ofMillis(150);

    /** Tokens per second after the first. */
    private double tokensPerSecond = 50;

    /** Tokens per answer. */
    private int tokensPerAnswer = 60;

    public Duration getFirstTokenLatency() {
      return firstTokenLatency;
    }

    public void setFirstTokenLatency(Duration firstTokenLatency) {
      this.firstTokenLatency = firstTokenLatency;
    }

    public double getTokensPerSecond() {
      return tokensPerSecond;
    }

    public void setTokensPerSecond(double tokensPerSecond) {
      this.tokensPerSecond = tokensPerSecond;
    }

    public int getTokensPerAnswer() {
      return tokensPerAnswer;
    }

    public void setTokensPerAnswer(int tokensPerAnswer) {
      this.tokensPerAnswer = tokensPerAnswer;
    }
  }

  /** {@code alchemist.ai.timeouts.*}. */
  public static class Timeouts {
    /** From the request (retries included) to the first token. */
    private Duration firstToken = Duration.ofSeconds(30);

    /** The longest gap between two tokens. */
    private Duration idle = Duration.ofSeconds(30);

    /** From the request to the end of the stream. */
    private Duration total = Duration.ofMinutes(10);

    public Duration getFirstToken() {
      return firstToken;
    }

    public void setFirstToken(Duration firstToken) {
      this.firstToken = firstToken;
    }

    public Duration getIdle() {
      return idle;
    }

    public void setIdle(Duration idle) {
      this.idle = idle;
    }

    public Duration getTotal() {
      return total;
    }

    public void setTotal(Duration total) {
      this.total = total;
    }
  }

  /** {@code alchemist.ai.chunk.*}. */
  public static class Chunk {
    /** Tokens per chunk, 1 to 4096. */
    private int maxTokens = 5;

    /** Whether a newline ends a chunk. */
    private boolean flushOnNewline = true;

    /** The longest a token waits for company, 1 ms to 10 s. */
    private Duration maxDelay = Duration.ofMillis(50);

    /** Whether the first token is its own chunk (no buffering before the first token). */
    private boolean firstTokenImmediate = true;

    /** Most UTF-8 bytes held for a subscriber without demand, 1 KiB to 64 MiB. */
    private int maxPendingBytes = 1_048_576;

    public int getMaxTokens() {
      return maxTokens;
    }

    public void setMaxTokens(int maxTokens) {
      this.maxTokens = maxTokens;
    }

    public boolean isFlushOnNewline() {
      return flushOnNewline;
    }

    public void setFlushOnNewline(boolean flushOnNewline) {
      this.flushOnNewline = flushOnNewline;
    }

    public Duration getMaxDelay() {
      return maxDelay;
    }

    public void setMaxDelay(Duration maxDelay) {
      this.maxDelay = maxDelay;
    }

    public boolean isFirstTokenImmediate() {
      return firstTokenImmediate;
    }

    public void setFirstTokenImmediate(boolean firstTokenImmediate) {
      this.firstTokenImmediate = firstTokenImmediate;
    }

    public int getMaxPendingBytes() {
      return maxPendingBytes;
    }

    public void setMaxPendingBytes(int maxPendingBytes) {
      this.maxPendingBytes = maxPendingBytes;
    }
  }

  /** {@code alchemist.ai.warm-up.*}. */
  public static class WarmUp {
    /** Models to load at startup and ping so that the server keeps them loaded. */
    private List<String> models = new ArrayList<>();

    /** How often each model is pinged; default half the keep-alive. */
    private @Nullable Duration pingInterval;

    public List<String> getModels() {
      return models;
    }

    public void setModels(List<String> models) {
      this.models = models;
    }

    public @Nullable Duration getPingInterval() {
      return pingInterval;
    }

    public void setPingInterval(@Nullable Duration pingInterval) {
      this.pingInterval = pingInterval;
    }
  }

  /** {@code alchemist.ai.answer-cache.*}. */
  public static class AnswerCache {
    /** Whether to keep and replay answers to deterministic requests (temperature 0 or a seed). */
    private boolean enabled = false;

    /**
     * Where answers live: cache (the CacheManager's ai_responses region, shared by instances) or
     * memory (this instance only). Default cache when a CacheManager exists, else memory.
     */
    private @Nullable Store store;

    /** How long an answer is kept; with store=cache it must equal the ai-responses region's ttl. */
    private Duration ttl = Duration.ofHours(1);

    /** Most answers of the memory store. */
    private int maxEntries = 10_000;

    /** Prefix of every cache key, to separate applications that share a store. */
    private String keyPrefix = "";

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    public @Nullable Store getStore() {
      return store;
    }

    public void setStore(@Nullable Store store) {
      this.store = store;
    }

    public Duration getTtl() {
      return ttl;
    }

    public void setTtl(Duration ttl) {
      this.ttl = ttl;
    }

    public int getMaxEntries() {
      return maxEntries;
    }

    public void setMaxEntries(int maxEntries) {
      this.maxEntries = maxEntries;
    }

    public String getKeyPrefix() {
      return keyPrefix;
    }

    public void setKeyPrefix(String keyPrefix) {
      this.keyPrefix = keyPrefix;
    }
  }

  /** Where the answer cache keeps answers. */
  public enum Store {
    /** The CacheManager's ai_responses region. */
    CACHE,
    /** An in-process LRU of this instance. */
    MEMORY
  }
}
