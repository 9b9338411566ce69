package dev.alchemist.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.alchemist.core.DomainEvent;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class InProcessEventBusTest {
  private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");

  private static DomainEvent event(String domain, String entity, String type) {
    return DomainEvent.of(domain, entity, type, null, T0, "{}");
  }

  @Test
  void publish_matchingPatterns_deliverInOrder() {
    List<String> creations = new CopyOnWriteArrayList<>();
    List<String> dialog = new CopyOnWriteArrayList<>();
    Executor direct = Runnable::run;
    try (EventBus bus =
        InProcessEventBus.builder()
            .executor(direct)
            .meterRegistry(new SimpleMeterRegistry())
            .build()) {
      bus.subscribe(bus.subjects().pattern("*.*.created"), e -> creations.add(e.subject()));
      bus.subscribe(bus.subjects().pattern("dialog.>"), e -> dialog.add(e.subject()));
      bus.publish(event("dialog", "message", "created"));
      bus.publish(event("workflow", "execution", "created"));
      bus.publish(event("dialog", "message", "deleted"));
    }
    assertThat(creations)
        .containsExactly("cim.dialog.message.created", "cim.workflow.execution.created");
    assertThat(dialog).containsExactly("cim.dialog.message.created", "cim.dialog.message.deleted");
  }

  @Test
  void close_pendingEvents_handledBeforeReturn() throws Exception {
    AtomicInteger handled = new AtomicInteger();
    CountDownLatch release = new CountDownLatch(1);
    EventBus bus = InProcessEventBus.builder().meterRegistry(new SimpleMeterRegistry()).build();
    bus.subscribe(
        bus.subjects().all(),
        e -> {
          release.await(5, TimeUnit.SECONDS);
          handled.incrementAndGet();
        });
    for (int i = 0; i < 100; i++) {
      bus.publish(event("a", "b", "c"));
    }
    release.countDown();
    bus.close();
    assertThat(handled).hasValue(100);
  }

  @Test
  void publish_handlerThrows_listenerHearsAndOthersContinue() {
    List<String> failures = new CopyOnWriteArrayList<>();
    AtomicInteger handled = new AtomicInteger();
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (EventBus bus =
        InProcessEventBus.builder()
            .executor(Runnable::run)
            .meterRegistry(registry)
            .listener(
                new EventBusListener() {
                  @Override
                  public void onHandlerFailed(String subject, Throwable cause) {
                    failures.add(subject + ":" + cause.getMessage());
                  }
                })
            .build()) {
      bus.subscribe(
          bus.subjects().all(),
          e -> {
            if (e.event().type().equals("bad")) {
              throw new IllegalStateException("boom");
            }
            handled.incrementAndGet();
          });
      bus.publish(event("a", "b", "bad"));
      bus.publish(event("a", "b", "good"));
      // handlers ran on the calling thread; read before close, which removes the bus's meters
      assertThat(registry.get("alchemist.nats.handler.failed").counter().count()).isEqualTo(1.0);
    }
    assertThat(failures).containsExactly("cim.a.b.bad:boom");
    assertThat(handled).hasValue(1);
  }

  @Test
  void publish_queueFull_dropsAndCounts() {
    List<Runnable> parked = new CopyOnWriteArrayList<>();
    try (EventBus bus =
        InProcessEventBus.builder()
            .executor(parked::add) // never runs: every event stays queued
            .maxPendingPerSubscription(2)
            .meterRegistry(new SimpleMeterRegistry())
            .closeTimeout(java.time.Duration.ofMillis(10))
            .build()) {
      EventSubscription sub = bus.subscribe(bus.subjects().all(), e -> {});
      for (int i = 0; i < 5; i++) {
        bus.publish(event("a", "b", "c"));
      }
      assertThat(sub.dropped()).isEqualTo(3);
    }
  }

  @Test
  void publish_afterClose_throws() {
    EventBus bus = InProcessEventBus.builder().meterRegistry(new SimpleMeterRegistry()).build();
    bus.close();
    assertThatThrownBy(() -> bus.publish(event("a", "b", "c")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
  }

  @Test
  void subscription_closed_receivesNothingMore() {
    List<String> seen = new CopyOnWriteArrayList<>();
    try (EventBus bus =
        InProcessEventBus.builder()
            .executor(Runnable::run)
            .meterRegistry(new SimpleMeterRegistry())
            .build()) {
      EventSubscription sub = bus.subscribe(bus.subjects().all(), e -> seen.add(e.subject()));
      bus.publish(event("a", "b", "one"));
      sub.close();
      bus.publish(event("a", "b", "two"));
    }
    assertThat(seen).containsExactly("cim.a.b.one");
  }
}
