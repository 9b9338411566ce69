package dev.alchemist.nats.internal;

import dev.alchemist.core.DomainEvent;
import dev.alchemist.core.codec.Codec;
import dev.alchemist.core.codec.KryoCodecs;
import dev.alchemist.core.flow.FakeScheduler;
import dev.alchemist.nats.EventBusListener;
import dev.alchemist.nats.JetStreamPublisherSettings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.api.PublishAck;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;

/**
 * Test doubles for {@link BoundedJetStreamPublisher}: a JetStream whose ack futures the test
 * completes (or that acks at once), and a connection that is always connected. Thread-safe, so race
 * tests can publish from several threads.
 */
final class FakeJetStream {
  private static final Codec<DomainEvent> CODEC =
      KryoCodecs.builder().build().codec(DomainEvent.class);

  /** One publishAsync call as the fake JetStream saw it. */
  record Sent(String subject, Headers headers, CompletableFuture<PublishAck> ack) {}

  final List<Sent> sent = new CopyOnWriteArrayList<>();
  private final boolean ackAtOnce;
  private long seq;

  /** With {@code ackAtOnce}, publishAsync returns an acked future (completed on the caller). */
  FakeJetStream(boolean ackAtOnce) {
    this.ackAtOnce = ackAtOnce;
  }

  BoundedJetStreamPublisher publisher(
      JetStreamPublisherSettings.Builder settings, FakeScheduler scheduler, Executor executor) {
    JetStream jetStream =
        (JetStream)
            Proxy.newProxyInstance(
                JetStream.class.getClassLoader(),
                new Class<?>[] {JetStream.class},
                (proxy, method, args) -> {
                  if (method.getName().equals("publishAsync") && args.length == 3) {
                    CompletableFuture<PublishAck> ack = new CompletableFuture<>();
                    sent.add(new Sent((String) args[0], (Headers) args[1], ack));
                    if (ackAtOnce) {
                      ack.complete(ack(nextSeq()));
                    }
                    return ack;
                  }
                  throw new UnsupportedOperationException(method.getName());
                });
    Connection connection =
        (Connection)
            Proxy.newProxyInstance(
                Connection.class.getClassLoader(),
                new Class<?>[] {Connection.class},
                (proxy, method, args) -> {
                  if (method.getName().equals("getStatus")) {
                    return Connection.Status.CONNECTED;
                  }
                  throw new UnsupportedOperationException(method.getName());
                });
    return new BoundedJetStreamPublisher(
        settings.ticker(scheduler.ticker()).scheduler(scheduler).build(),
        connection,
        jetStream,
        CODEC,
        executor,
        scheduler,
        new SimpleMeterRegistry(),
        new Reporter(new EventBusListener() {}),
        () -> {});
  }

  private synchronized long nextSeq() {
    return ++seq;
  }

  static PublishAck ack(long seq) {
    String json = "{\"stream\":\"S\",\"seq\":" + seq + ",\"duplicate\":false}";
    try {
      return new PublishAck(new NatsMessage("reply", null, json.getBytes(StandardCharsets.UTF_8)));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
