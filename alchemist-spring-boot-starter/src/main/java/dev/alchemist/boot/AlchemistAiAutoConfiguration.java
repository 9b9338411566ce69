package dev.alchemist.boot;

import static dev.alchemist.boot.internal.PropertyChecks.build;
import static dev.alchemist.boot.internal.PropertyChecks.set;
import static dev.alchemist.boot.internal.PropertyChecks.setSecret;

import dev.alchemist.ai.ChatModel;
import dev.alchemist.ai.ChatStreamer;
import dev.alchemist.ai.ChunkPolicy;
import dev.alchemist.ai.HttpModelSettings;
import dev.alchemist.ai.ModelWarmer;
import dev.alchemist.ai.OllamaChatModel;
import dev.alchemist.ai.OpenAiChatModel;
import dev.alchemist.ai.ResponseCache;
import dev.alchemist.ai.ResponseStore;
import dev.alchemist.ai.SimulatedChatModel;
import dev.alchemist.ai.StreamTimeouts;
import dev.alchemist.cache.CacheManager;
import dev.alchemist.cache.CachePolicy;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.ConfigurableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.util.ClassUtils;

/**
 * The {@link ChatModel} from {@code alchemist.ai.openai.*}, {@code alchemist.ai.ollama.*} or the
 * simulated model, a {@link ChatStreamer} in front of it with the chunk policy of {@code
 * alchemist.ai.chunk.*}, a {@link ModelWarmer} for {@code alchemist.ai.warm-up.models} and the
 * answer cache of {@code alchemist.ai.answer-cache.*}. Active when alchemist-ai is on the
 * classpath; each bean backs off when the host defines one.
 */
@AutoConfiguration(
    after = AlchemistCacheAutoConfiguration.class,
    afterName = AlchemistCoreAutoConfiguration.METRICS_AUTO_CONFIGURATION)
@ConditionalOnClass(ChatStreamer.class)
@EnableConfigurationProperties(AlchemistAiProperties.class)
public class AlchemistAiAutoConfiguration {
  private static final String PREFIX = "alchemist.ai.";

  /** The model client of {@code alchemist.ai.provider}; closed after the streamer. */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  public ChatModel alchemistChatModel(
      AlchemistAiProperties properties, ObjectProvider<MeterRegistry> registry) {
    StreamTimeouts timeouts = timeouts(properties.getTimeouts());
    switch (properties.getProvider()) {
      case OPENAI -> {
        HttpModelSettings.Builder b = OpenAiChatModel.builder();
        http(PREFIX + "openai.", properties.getOpenai(), b, timeouts);
        registry.ifAvailable(b::meterRegistry);
        return build("alchemist.ai.openai", b::build);
      }
      case OLLAMA -> {
        HttpModelSettings.Builder b = OllamaChatModel.builder();
        AlchemistAiProperties.Ollama ollama = properties.getOllama();
        http(PREFIX + "ollama.", ollama, b, timeouts);
        set(PREFIX + "ollama.keep-alive", ollama.getKeepAlive(), b::keepAlive);
        registry.ifAvailable(b::meterRegistry);
        return build("alchemist.ai.ollama", b::build);
      }
      default -> {
        SimulatedChatModel.Builder b = SimulatedChatModel.builder().timeouts(timeouts);
        AlchemistAiProperties.Simulated sim = properties.getSimulated();
        String prefix = PREFIX + "simulated.";
        set(prefix + "first-token-latency", sim.getFirstTokenLatency(), b::firstTokenLatency);
        set(prefix + "tokens-per-second", sim.getTokensPerSecond(), b::tokensPerSecond);
        set(prefix + "tokens-per-answer", sim.getTokensPerAnswer(), b::tokensPerAnswer);
        registry.ifAvailable(b::meterRegistry);
        return build("alchemist.ai", b::build);
      }
    }
  }

  /** Streams buffered answers; closed before the model. */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  public ChatStreamer alchemistChatStreamer(
      AlchemistAiProperties properties,
      ChatModel model,
      ObjectProvider<ResponseCache> answers,
      ObjectProvider<MeterRegistry> registry) {
    ChatStreamer.Builder b = ChatStreamer.builder().model(model);
    b.chunkPolicy(chunkPolicy(properties.getChunk()));
    answers.ifAvailable(b::cache);
    registry.ifAvailable(b::meterRegistry);
    return build("alchemist.ai", b::build);
  }

  /** Loads the warm-up models at startup (in the background) and pings them. */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  @ConditionalOnProperty(prefix = "alchemist.ai.warm-up", name = "models")
  public ModelWarmer alchemistModelWarmer(
      AlchemistAiProperties properties, ChatModel model, ObjectProvider<MeterRegistry> registry) {
    ModelWarmer.Builder b = ModelWarmer.builder(model);
    AlchemistAiProperties.WarmUp warmUp = properties.getWarmUp();
    set(PREFIX + "warm-up.models", warmUp.getModels(), m -> b.preload(m.toArray(String[]::new)));
    set(PREFIX + "warm-up.ping-interval", warmUp.getPingInterval(), b::pingInterval);
    registry.ifAvailable(b::meterRegistry);
    ModelWarmer warmer = build("alchemist.ai.warm-up", b::build);
    // Failures go to the listener and the next ping retries: startup never waits for a model.
    warmer.start();
    return warmer;
  }

  static StreamTimeouts timeouts(AlchemistAiProperties.Timeouts t) {
    return build(
        "alchemist.ai.timeouts",
        () -> new StreamTimeouts(t.getFirstToken(), t.getIdle(), t.getTotal()));
  }

  static ChunkPolicy chunkPolicy(AlchemistAiProperties.Chunk c) {
    String prefix = PREFIX + "chunk.";
    ChunkPolicy.Builder b = ChunkPolicy.builder();
    set(prefix + "max-tokens", c.getMaxTokens(), b::maxTokens);
    set(prefix + "flush-on-newline", c.isFlushOnNewline(), b::flushOnNewline);
    set(prefix + "max-delay", c.getMaxDelay(), b::maxDelay);
    set(prefix + "first-token-immediate", c.isFirstTokenImmediate(), b::firstTokenImmediate);
    set(prefix + "max-pending-bytes", c.getMaxPendingBytes(), b::maxPendingBytes);
    return build("alchemist.ai.chunk", b::build);
  }

  private static void http(
      String prefix,
      AlchemistAiProperties.Http p,
      HttpModelSettings.Builder b,
      StreamTimeouts timeouts) {
    set(prefix + "base-uri", p.getBaseUri(), b::baseUri);
    setSecret(prefix + "api-key", p.getApiKey(), b::apiKey);
    for (Map.Entry<String, String> h : p.getHeaders().entrySet()) {
      setSecret(prefix + "headers." + h.getKey(), h.getValue(), v -> b.header(h.getKey(), v));
    }
    b.timeouts(timeouts);
    set(prefix + "connect-timeout", p.getConnectTimeout(), b::connectTimeout);
    set(prefix + "max-retries", p.getMaxRetries(), b::maxRetries);
    set(prefix + "initial-backoff", p.getInitialBackoff(), b::initialBackoff);
    set(prefix + "max-retry-after", p.getMaxRetryAfter(), b::maxRetryAfter);
  }

  static ResponseCache responseCache(AlchemistAiProperties.AnswerCache p, ResponseStore store) {
    String prefix = PREFIX + "answer-cache.";
    ResponseCache.Builder b = ResponseCache.builder(store);
    set(prefix + "ttl", p.getTtl(), b::ttl);
    set(prefix + "key-prefix", p.getKeyPrefix(), b::keyPrefix);
    return build("alchemist.ai.answer-cache", b::build);
  }

  /**
   * The answer cache: in the cache manager's {@code ai_responses} region (shared by every instance)
   * when there is a cache manager, else in this instance's memory; {@code
   * alchemist.ai.answer-cache.store} chooses explicitly.
   */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  @ConditionalOnProperty(prefix = "alchemist.ai.answer-cache", name = "enabled")
  public ResponseCache alchemistResponseCache(
      AlchemistAiProperties properties, ListableBeanFactory beans) {
    AlchemistAiProperties.AnswerCache p = properties.getAnswerCache();
    AlchemistAiProperties.Store choice = p.getStore();
    boolean cacheModule = cacheModulePresent(beans);
    ResponseStore store =
        choice != AlchemistAiProperties.Store.MEMORY && cacheModule ? CacheStore.find(beans) : null;
    if (store == null) {
      if (choice == AlchemistAiProperties.Store.CACHE) {
        throw new IllegalStateException(
            cacheModule
                ? PREFIX
                    + "answer-cache.store=cache needs a CacheManager (alchemist-cache), and there is"
                    + " none"
                : PREFIX
                    + "answer-cache.store=cache needs alchemist-cache on the classpath, an optional"
                    + " dependency of alchemist-ai: add dev.alchemist:alchemist-cache");
      }
      store =
          build(
              PREFIX + "answer-cache.max-entries", () -> ResponseStore.inMemory(p.getMaxEntries()));
    }
    return responseCache(p, store);
  }

  /**
   * Whether alchemist-cache, an optional dependency of alchemist-ai, is on the application's
   * classpath; {@link CacheStore} is loaded only then.
   */
  private static boolean cacheModulePresent(ListableBeanFactory beans) {
    ClassLoader loader =
        beans instanceof ConfigurableBeanFactory configurable
            ? configurable.getBeanClassLoader()
            : AlchemistAiAutoConfiguration.class.getClassLoader();
    return ClassUtils.isPresent("dev.alchemist.cache.CacheManager", loader);
  }

  /** Loaded only when alchemist-cache is present. */
  private static final class CacheStore {
    static @Nullable ResponseStore find(ListableBeanFactory beans) {
      CacheManager caches = beans.getBeanProvider(CacheManager.class).getIfAvailable();
      if (caches == null) {
        return null;
      }
      CachePolicies policies = beans.getBeanProvider(CachePolicies.class).getIfAvailable();
      CachePolicy region =
          policies != null ? policies.get("ai_responses") : CachePolicy.AI_RESPONSES;
      return build(PREFIX + "answer-cache", () -> ResponseStore.cache(caches, region));
    }
  }
}
