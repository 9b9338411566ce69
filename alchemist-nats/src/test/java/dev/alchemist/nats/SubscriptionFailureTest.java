package dev.alchemist.nats;

import static org.assertj.core.api.Assertions.assertThat;

import dev.alchemist.core.DomainEvent;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.Test;

/** A handler failure of any kind is reported and the subscription keeps delivering. */
class SubscriptionFailureTest {
  private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");
  private static final Executor DIRECT = Runnable::run;

  @Test
  void subscribe_handlerThrowsStackOverflowError_reportsAndKeepsDelivering() {
    List<String> handled = new CopyOnWriteArrayList<>();
    List<Throwable> reported = new CopyOnWriteArrayList<>();
    EventBusListener listener =
        new EventBusListener() {
          @Override
          public void onHandlerFailed(String subject, Throwable cause) {
            reported.add(cause);
          }
        };
    try (EventBus bus =
        InProcessEventBus.builder()
            .executor(DIRECT)
            .listener(listener)
            .meterRegistry(new SimpleMeterRegistry())
            .build()) {
      bus.subscribe(
          bus.subjects().all(),
          e -> {
            if (e.event().type().equals("deep")) {
              throw new StackOverflowError();
            }
            handled.add(e.event().type());
          });
      bus.publish(DomainEvent.of("a", "b", "deep", null, T0, "{}"));
      bus.publish(DomainEvent.of("a", "b", "after", null, T0, "{}"));
    }
    assertThat(handled).containsExactly("after");
    assertThat(reported).singleElement().isInstanceOf(StackOverflowError.class);
  }
}
