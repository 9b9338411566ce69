package dev.alchemist.ai;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.alchemist.core.Checks;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * Exact-match caching of complete model answers, plugged into {@link ChatStreamer.Builder#cache}.
 * The key is a SHA-256 of the canonical request: model, every message (role and content, so the
 * system prompt too), every sampling option and the tools' JSON text. Only cacheable requests are
 * looked up: by default those with temperature exactly 0; {@link Builder#cacheWhen} opts other
 * requests in. Failed, cancelled and truncated ({@code finish_reason = length}) answers are never
 * stored. Identical concurrent requests share one model call (single-flight), and so does one that
 * arrives after the answer ended but before the store's write has landed. The answer's {@link
 * ChunkStream#summary() summary} completes once that write has landed (or failed), so a repeat
 * asked after it is a hit on every instance sharing the store. A hit replays through the same
 * chunker and reports {@link StreamSummary#cached()}.
 *
 * <p>Immutable and thread-safe. {@link #close()} closes the store.
 */
public final class ResponseCache implements AutoCloseable {
  /** The guide's AI-response TTL: one hour. */
  public static final Duration DEFAULT_TTL = Duration.ofHours(1);

  private static final JsonFactory JSON = new JsonFactory();

  private final ResponseStore store;
  private final Duration ttl;
  private final Predicate<ChatRequest> cacheable;
  private final String keyPrefix;

  private ResponseCache(Builder b) {
    this.store = b.store;
    this.ttl = b.ttl;
    this.cacheable = b.cacheable;
    this.keyPrefix = b.keyPrefix;
  }

  public static Builder builder(ResponseStore store) {
    return new Builder(store);
  }

  public ResponseStore store() {
    return store;
  }

  public Duration ttl() {
    return ttl;
  }

  /** Whether {@code request} may be served from and stored in the cache. */
  public boolean cacheable(ChatRequest request) {
    return cacheable.test(request);
  }

  /**
   * The store key of {@code request}: the key prefix (none by default) + the lowercase hex SHA-256
   * of the canonical request. In Redis through {@link ResponseStore#cache} an answer lives under
   * {@code <manager prefix>:ai_responses:v1:<64 hex digits>}.
   */
  public String key(ChatRequest request) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("model", request.model());
      g.writeArrayFieldStart("messages");
      for (ChatMessage m : request.messages()) {
        g.writeStartArray();
        g.writeString(m.role().name().toLowerCase(Locale.ROOT));
        g.writeString(m.content());
        g.writeEndArray();
      }
      g.writeEndArray();
      ChatOptions o = request.options();
      g.writeStringField("temperature", Objects.toString(o.temperature()));
      g.writeStringField("top_p", Objects.toString(o.topP()));
      g.writeStringField("max_tokens", Objects.toString(o.maxTokens()));
      g.writeStringField("seed", Objects.toString(o.seed()));
      g.writeArrayFieldStart("stop");
      for (String s : o.stop()) {
        g.writeString(s);
      }
      g.writeEndArray();
      g.writeArrayFieldStart("tools");
      for (String t : o.tools()) {
        g.writeString(t);
      }
      g.writeEndArray();
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(out.toByteArray());
      return keyPrefix + HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JVM", e);
    }
  }

  @Override
  public void close() {
    store.close();
  }

  @Override
  public String toString() {
    return "ResponseCache[ttl=" + ttl + ", keyPrefix=" + keyPrefix + ", store=" + store + "]";
  }

  /** Builds a {@link ResponseCache}; setters validate; not thread-safe; reusable. */
  public static final class Builder {
    private final ResponseStore store;
    private Duration ttl = DEFAULT_TTL;
    private Predicate<ChatRequest> cacheable = ResponseCache::deterministic;
    private String keyPrefix = "";

    private Builder(ResponseStore store) {
      this.store = Checks.notNull("store", store);
    }

    /** How long an answer is kept; default one hour. */
    public Builder ttl(Duration ttl) {
      this.ttl = Checks.positive("ttl", ttl, Duration.ofDays(30));
      return this;
    }

    /**
     * Which requests are cacheable; default: temperature exactly 0. Opting in sampled requests
     * means users get the same answer for the same prompt for the TTL.
     */
    public Builder cacheWhen(Predicate<ChatRequest> cacheable) {
      this.cacheable = Checks.notNull("cacheable", cacheable);
      return this;
    }

    /**
     * Prefix of every store key; default none. The stores of this module need none: the
     * alchemist-cache region already places the key under {@code
     * <prefix>:ai_responses:v<version>:}, and the in-memory store holds nothing else. Set one for a
     * store of your own that shares its key space.
     */
    public Builder keyPrefix(String keyPrefix) {
      this.keyPrefix = Checks.notNull("keyPrefix", keyPrefix);
      return this;
    }

    public ResponseCache build() {
      return new ResponseCache(this);
    }
  }

  /** The default rule: only requests that explicitly ask for temperature 0. */
  public static boolean deterministic(ChatRequest request) {
    Double t = request.options().temperature();
    return t != null && t == 0.0;
  }
}
