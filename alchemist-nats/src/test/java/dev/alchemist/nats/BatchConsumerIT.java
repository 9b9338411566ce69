package dev.alchemist.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.alchemist.core.DomainEvent;
import dev.alchemist.core.codec.Codec;
import dev.alchemist.core.codec.KryoCodecs;
import dev.alchemist.testing.PrivateServer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nats.client.Message;
import io.nats.client.api.ConsumerInfo;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * {@link NatsEvents#consumeBatches}: batches form from what is buffered, every event is handled
 * once, acks follow the handler's return, a failed batch comes back with the backoff, undecodable
 * messages are dead-lettered without stopping the rest, and a killed server loses nothing.
 */
class BatchConsumerIT extends Fixtures.OnOwnStream {

  BatchConsumerIT() {
    super("batches");
  }

  @Test
  void consumeBatches_slowHandlerBehindABacklog_handlesEveryEventOnceInBatches() throws Exception {
    int total = 20_000;
    publish(events, space, total);
    ConsumerSettings settings =
        ConsumerSettings.builder(space.stream(), "slow").filter(space.subjects().all()).build();
    Map<String, AtomicInteger> handled = new ConcurrentHashMap<>();
    AtomicLong redelivered = new AtomicLong();
    AtomicInteger largestBatch = new AtomicInteger();
    AtomicLong maxBuffered = new AtomicLong(-1);
    try (EventConsumer consumer =
        events.consumeBatches(
            settings,
            batch -> {
              largestBatch.accumulateAndGet(batch.size(), Math::max);
              for (ReceivedEvent e : batch) {
                handled
                    .computeIfAbsent(e.event().id().toString(), k -> new AtomicInteger())
                    .incrementAndGet();
                if (e.deliveries() > 1) {
                  redelivered.incrementAndGet();
                }
              }
              Thread.sleep(20); // a commit per batch
            })) {
      await()
          .atMost(Duration.ofMinutes(5))
          .pollInterval(Duration.ofMillis(50))
          .until(
              () -> {
                Gauge buffered = registry.find("alchemist.nats.consumer.buffered").gauge();
                if (buffered != null) {
                  maxBuffered.accumulateAndGet((long) buffered.value(), Math::max);
                }
                return consumer.acknowledged() >= total;
              });
      ConsumerInfo info =
          events.connection().jetStreamManagement().getConsumerInfo(space.stream(), "slow");
      assertThat(handled).as("distinct events handled").hasSize(total);
      assertThat(handled.values().stream().filter(n -> n.get() > 1).count())
          .as("events handled twice")
          .isZero();
      assertThat(redelivered).as("redeliveries seen by the handler").hasValue(0);
      assertThat(info.getRedelivered()).as("redelivered on the server").isZero();
      assertThat(largestBatch.get())
          .as("batches form from the backlog, never above batchSize")
          .isBetween(2, settings.batchSize());
      assertThat(maxBuffered.get()).isBetween(0L, (long) settings.batchSize());
    }
  }

  @Test
  void consumeBatches_handlerStillRunning_acknowledgesNothingUntilItReturns() throws Exception {
    publish(events, space, 10);
    ConsumerSettings settings =
        ConsumerSettings.builder(space.stream(), "held")
            .filter(space.subjects().all())
            .batchSize(10)
            .build();
    CountDownLatch release = new CountDownLatch(1);
    List<Integer> sizes = new CopyOnWriteArrayList<>();
    AtomicInteger seen = new AtomicInteger();
    try (EventConsumer consumer =
        events.consumeBatches(
            settings,
            batch -> {
              sizes.add(batch.size());
              seen.addAndGet(batch.size());
              release.await();
            })) {
      await().atMost(Duration.ofSeconds(30)).until(() -> seen.get() >= 1);
      Thread.sleep(500); // acks sent before the return would reach the server meanwhile
      ConsumerInfo blocked =
          events.connection().jetStreamManagement().getConsumerInfo(space.stream(), "held");
      assertThat(consumer.acknowledged()).isZero();
      assertThat(blocked.getNumAckPending()).as("ack pending while the handler runs").isEqualTo(10);
      release.countDown();
      await().atMost(Duration.ofSeconds(30)).until(() -> consumer.acknowledged() >= 10);
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () ->
                  events
                          .connection()
                          .jetStreamManagement()
                          .getConsumerInfo(space.stream(), "held")
                          .getNumAckPending()
                      == 0);
      assertThat(sizes.stream().mapToInt(Integer::intValue).sum()).isEqualTo(10);
    }
  }

  @Test
  void consumeBatches_batchThrows_everyEventComesBackAfterTheBackoffAndIsHandled()
      throws Exception {
    publish(events, space, 5);
    ConsumerSettings settings =
        ConsumerSettings.builder(space.stream(), "retry")
            .filter(space.subjects().all())
            .backoff(Duration.ofMillis(200))
            .build();
    AtomicInteger calls = new AtomicInteger();
    Set<String> committed = ConcurrentHashMap.newKeySet();
    List<Long> deliveriesAtCommit = new CopyOnWriteArrayList<>();
    AtomicInteger listenerFailures = new AtomicInteger();
    try (EventConsumer consumer =
        events.consumeBatches(
            settings,
            batch -> {
              if (calls.incrementAndGet() == 1) {
                listenerFailures.addAndGet(batch.size());
                throw new IllegalStateException("the database is down");
              }
              for (ReceivedEvent e : batch) {
                committed.add(e.event().id().toString());
                deliveriesAtCommit.add(e.deliveries());
              }
            })) {
      await().atMost(Duration.ofSeconds(30)).until(() -> consumer.acknowledged() >= 5);
      assertThat(committed).hasSize(5);
      int failedFirst = listenerFailures.get();
      assertThat(failedFirst).isBetween(1, 5);
      assertThat(deliveriesAtCommit.stream().filter(d -> d == 2).count())
          .as("the events of the failed batch came back as second deliveries")
          .isEqualTo(failedFirst);
      assertThat(registry.get("alchemist.nats.consumer.handler.failed").counter().count())
          .isEqualTo(failedFirst);
    }
  }

  @Test
  void consumeBatches_malformedAndUnregisteredPayloads_deadLetteredAndTheRestHandled()
      throws Exception {
    String dlq = space.subjects().root() + "_dead.batches";
    ConsumerSettings settings =
        ConsumerSettings.builder(space.stream(), "poison")
            .filter(space.subjects().all())
            .deadLetterSubject(dlq)
            .build();
    List<Message> deadLetters = new CopyOnWriteArrayList<>();
    var dispatcher = events.connection().createDispatcher(deadLetters::add);
    dispatcher.subscribe(dlq);
    events.connection().flush(Duration.ofSeconds(5));
    String subject = space.subjects().subject("dialog", "message", "created").toString();
    Headers kryo = new Headers().put(EventHeaders.CONTENT_TYPE, EventHeaders.DOMAIN_EVENT_KRYO);
    // Bytes that are no Kryo at all, and a well-formed Kryo payload of a class we never registered.
    Codec<Unregistered> foreign =
        KryoCodecs.builder().register(Unregistered.class, 901).build().codec(Unregistered.class);
    var js = events.connection().jetStream();
    js.publish(
        NatsMessage.builder().subject(subject).headers(kryo).data(new byte[] {7, 7, 7}).build());
    publish(events, space, 3);
    js.publish(
        NatsMessage.builder()
            .subject(subject)
            .headers(kryo)
            .data(foreign.encode(new Unregistered("x")))
            .build());
    publish(events, space, 3);
    List<String> handled = new CopyOnWriteArrayList<>();
    try (EventConsumer consumer =
        events.consumeBatches(
            settings, batch -> batch.forEach(e -> handled.add(e.event().id().toString())))) {
      await().atMost(Duration.ofSeconds(30)).until(() -> consumer.acknowledged() >= 6);
      await().atMost(Duration.ofSeconds(10)).until(() -> deadLetters.size() >= 2);
      assertThat(handled).hasSize(6).doesNotHaveDuplicates();
      assertThat(consumer.deadLettered()).isEqualTo(2);
      assertThat(registry.get("alchemist.nats.consumer.handler.failed").counter().count())
          .isEqualTo(2);
    } finally {
      events.connection().closeDispatcher(dispatcher);
    }
  }

  @Test
  void consumeBatches_nullArguments_clearErrors() {
    ConsumerSettings settings =
        ConsumerSettings.builder(space.stream(), "nulls").filter(space.subjects().all()).build();
    assertThatThrownBy(() -> events.consumeBatches(settings, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("handler");
    assertThatThrownBy(() -> events.consumeBatches(null, batch -> {}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("settings");
  }

  @Test
  void consumeBatches_serverKilledAndRestartedMidStream_noEventMissing() throws Exception {
    try (PrivateServer server = PrivateServer.nats()) {
      Fixtures.Space own = Fixtures.space("batchkill");
      try (NatsEvents bus =
          Fixtures.connect(server.uri(), own.subjects(), new SimpleMeterRegistry())) {
        bus.provisioner().provision(own.spec());
        Set<String> seen = ConcurrentHashMap.newKeySet();
        ConsumerSettings settings =
            ConsumerSettings.builder(own.stream(), "killed").filter(own.subjects().all()).build();
        try (EventConsumer consumer =
            bus.consumeBatches(
                settings,
                batch -> {
                  batch.forEach(e -> seen.add(e.event().id().toString()));
                  Thread.sleep(5);
                })) {
          List<String> before = publish(bus, own, 2_000);
          await().atMost(Duration.ofSeconds(60)).until(() -> !seen.isEmpty());
          server.kill();
          server.restart();
          List<String> after = publish(bus, own, 2_000);
          await()
              .atMost(Duration.ofMinutes(2))
              .until(
                  () ->
                      seen.containsAll(before)
                          && seen.containsAll(after)
                          && consumer.acknowledged() >= 4_000);
          assertThat(seen).hasSize(4_000);
        }
      }
    }
  }

  /** A type the consumer's codec does not know. */
  record Unregistered(String name) {}

  /** Publishes {@code count} events to {@code space}'s stream and returns their ids. */
  static List<String> publish(NatsEvents bus, Fixtures.Space space, int count) throws Exception {
    List<String> ids = new ArrayList<>(count);
    try (JetStreamPublisher publisher =
        bus.jetStreamPublisher(JetStreamPublisherSettings.builder().stream(space.spec()).build())) {
      List<CompletableFuture<PublishReceipt>> window = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        DomainEvent e = Fixtures.event("created", "{\"i\":" + i + "}");
        ids.add(e.id().toString());
        window.add(publisher.publish(space.subjects().subject(e), e));
        if (window.size() == 500 || i == count - 1) {
          CompletableFuture.allOf(window.toArray(new CompletableFuture<?>[0]))
              .get(60, TimeUnit.SECONDS);
          window.clear();
        }
      }
    }
    return ids;
  }
}
