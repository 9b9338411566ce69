package dev.alchemist.ai;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * What a host on alchemist-ai alone does, run by {@link WithoutCacheTest} in a child JVM whose
 * class path has neither alchemist-cache nor Lettuce, Netty, Reactor or Caffeine: a simulated model
 * streamed twice through a streamer with an in-memory answer cache. Prints {@code ok} and exits 0;
 * exits 2 if alchemist-cache or Lettuce is there after all (the test would prove nothing), 1 if a
 * result is wrong.
 */
public final class WithoutCacheMain {
  private WithoutCacheMain() {}

  public static void main(String[] args) throws Exception {
    for (String absent :
        new String[] {"dev.alchemist.cache.CacheManager", "io.lettuce.core.RedisClient"}) {
      try {
        Class.forName(absent);
        System.out.println(absent + " is on the class path");
        System.exit(2);
      } catch (ClassNotFoundException expected) {
        // the point: none of what follows may need it
      }
    }

    ChatModel model =
        SimulatedChatModel.builder()
            .firstTokenLatency(Duration.ofMillis(1))
            .tokensPerSecond(1000)
            .tokensPerAnswer(5)
            .build();
    ChatRequest request = ChatRequest.of("simulated", "Why is the sky blue?");
    try (ChatStreamer chat =
        ChatStreamer.builder()
            .model(model)
            .cache(ResponseCache.builder(ResponseStore.inMemory(10)).build())
            .build()) {
      StreamSummary first = chat.stream(request).summary().get(30, TimeUnit.SECONDS);
      StreamSummary second = chat.stream(request).summary().get(30, TimeUnit.SECONDS);
      if (first.tokens() != 5 || second.tokens() != 5) {
        System.out.println("wrong: " + first + " / " + second);
        System.exit(1);
      }
      if (ResponseCache.deterministic(request) && !second.cached()) {
        System.out.println("wrong: the second answer was not cached: " + second);
        System.exit(1);
      }
    }
    System.out.println("ok");
  }
}
