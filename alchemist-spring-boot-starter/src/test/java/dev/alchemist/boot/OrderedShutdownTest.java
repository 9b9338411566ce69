package dev.alchemist.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.alchemist.cache.CacheManager;
import dev.alchemist.nats.EventBus;
import dev.alchemist.nats.EventConsumer;
import dev.alchemist.nats.JetStreamPublisher;
import dev.alchemist.store.AlchemistDatabase;
import dev.alchemist.store.BatchingWriter;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The close order of the ordered shutdown, on beans that record what is done to them. */
class OrderedShutdownTest {
  private static final List<String> CALLS = Collections.synchronizedList(new ArrayList<>());

  @Test
  void stop_closesWritersPublishersConsumersThenConnectionsAndPools() {
    CALLS.clear();
    Runners.alchemist().withUserConfiguration(Recorded.class).run(context -> {});
    // Destruction calls close() again afterwards; the first occurrence of each is the stop's.
    assertThat(new ArrayList<>(new LinkedHashSet<>(CALLS)))
        .containsExactly(
            "writer.flush",
            "publisher.close",
            "consumer.close",
            "writer.close",
            "bus.close",
            "cache.close",
            "database.close");
  }

  @SuppressWarnings("unchecked")
  private static <T> T recorded(Class<T> type, String name) {
    return (T)
        Proxy.newProxyInstance(
            type.getClassLoader(),
            new Class<?>[] {type},
            (proxy, method, args) ->
                switch (method.getName()) {
                  case "close" -> {
                    CALLS.add(name + ".close");
                    yield null;
                  }
                  case "flush" -> {
                    CALLS.add(name + ".flush");
                    yield CompletableFuture.completedFuture(null);
                  }
                  case "toString" -> name;
                  case "hashCode" -> System.identityHashCode(proxy);
                  case "equals" -> proxy == args[0];
                  default -> null;
                });
  }

  @Configuration(proxyBeanMethods = false)
  static class Recorded {
    // Declared in the order they must close: destruction alone, the reverse of creation,
    // would close the database first and never flush.
    @Bean
    BatchingWriter<?> writer() {
      return recorded(BatchingWriter.class, "writer");
    }

    @Bean
    JetStreamPublisher publisher() {
      return recorded(JetStreamPublisher.class, "publisher");
    }

    @Bean
    EventConsumer consumer() {
      return recorded(EventConsumer.class, "consumer");
    }

    @Bean
    EventBus bus() {
      return recorded(EventBus.class, "bus");
    }

    @Bean
    CacheManager cache() {
      return recorded(CacheManager.class, "cache");
    }

    @Bean
    AlchemistDatabase database() {
      return recorded(AlchemistDatabase.class, "database");
    }
  }
}
