package dev.alchemist.boot;

import dev.alchemist.ai.AiCodecs;
import dev.alchemist.core.codec.CodecRegistry;
import dev.alchemist.core.codec.KryoCodecs;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.util.ClassUtils;

/**
 * The {@link CodecRegistry} that the cache and the event bus share: the model types, plus the AI
 * module's cached answers when alchemist-ai is on the classpath (so the answer cache can live in
 * the cache manager). A host that registers its own types defines its own {@code CodecRegistry}
 * bean.
 */
@AutoConfiguration
@ConditionalOnClass(CodecRegistry.class)
public class AlchemistCoreAutoConfiguration {
  /** Where Boot makes the host's {@code MeterRegistry}; every Alchemist bean is made after it. */
  static final String METRICS_AUTO_CONFIGURATION =
      "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration";

  private static final boolean AI_PRESENT =
      ClassUtils.isPresent(
          "dev.alchemist.ai.AiCodecs", AlchemistCoreAutoConfiguration.class.getClassLoader());

  /** The model types, and {@code CachedResponse} when alchemist-ai is present. */
  @Bean
  @ConditionalOnMissingBean
  public CodecRegistry alchemistCodecs() {
    KryoCodecs.Builder b = KryoCodecs.builder();
    if (AI_PRESENT) {
      AiTypes.register(b);
    }
    return b.build();
  }

  /** Loaded only when alchemist-ai is present. */
  private static final class AiTypes {
    static void register(KryoCodecs.Builder b) {
      AiCodecs.register(b);
    }
  }
}
