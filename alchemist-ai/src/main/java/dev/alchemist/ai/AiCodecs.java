package dev.alchemist.ai;

import dev.alchemist.core.codec.KryoCodecs;

/**
 * Registers the types of alchemist-ai that travel through a codec (cached answers) in the id range
 * reserved for Alchemist modules, so a host's own ids never collide with them.
 *
 * <pre>{@code
 * CodecRegistry codecs = AiCodecs.register(KryoCodecs.builder()).register(MyType.class, 200).build();
 * CacheManager caches = CacheManager.builder().redis(uri).codec(codecs).build();
 * ResponseStore store = ResponseStore.cache(caches);
 * }</pre>
 */
public final class AiCodecs {
  /** Wire id of {@link CachedResponse}. */
  public static final int CACHED_RESPONSE_ID = 96;

  private AiCodecs() {}

  /** Adds the alchemist-ai types to {@code builder} and returns it. */
  public static KryoCodecs.Builder register(KryoCodecs.Builder builder) {
    return builder.registerModuleType(CachedResponse.class, CACHED_RESPONSE_ID);
  }
}
