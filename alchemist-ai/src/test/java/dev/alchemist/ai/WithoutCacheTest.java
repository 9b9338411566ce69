package dev.alchemist.ai;

import static org.assertj.core.api.Assertions.assertThat;

import dev.alchemist.testing.ChildJvm;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * alchemist-cache is an optional dependency of alchemist-ai: streaming and the in-memory answer
 * cache must run without it and without the Redis client stack it brings.
 */
class WithoutCacheTest {
  @Test
  void streamingAndInMemoryAnswers_runWithoutAlchemistCacheOrLettuce() throws Exception {
    ChildJvm.Result child =
        ChildJvm.run(
            WithoutCacheMain.class,
            List.of(
                "/alchemist-cache/",
                "/io/lettuce/",
                "/io/netty/",
                "/io/projectreactor/",
                "/org/reactivestreams/",
                "/com/github/ben-manes/caffeine/",
                "/redis/clients/"));

    assertThat(child.classPath())
        .noneMatch(entry -> entry.contains("alchemist-cache") || entry.contains("lettuce"));
    assertThat(child.output()).contains("ok");
    assertThat(child.exitCode()).as(child.output()).isZero();
  }
}
