package dev.alchemist.examples.dialogserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.alchemist.core.DomainEvent;
import dev.alchemist.core.flow.FrameFanout;
import dev.alchemist.nats.EventBus;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.web.reactive.socket.WebSocketMessage;
import org.springframework.web.reactive.socket.client.ReactorNettyWebSocketClient;
import reactor.core.publisher.Mono;

/**
 * A dashboard client that subscribes and never reads: the server drops it after the stall timeout,
 * holding at most one frame for it meanwhile, and another client keeps receiving frames throughout.
 */
class DashboardStallTest {
  private static ServerFixture server;

  @BeforeAll
  static void start() {
    server = new ServerFixture("--dialog-server.dashboard.stall-timeout=2s");
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void dashboard_aClientThatNeverReads_isDroppedAndOthersKeepReceiving() throws Exception {
    @SuppressWarnings("unchecked")
    FrameFanout<String> fanout = server.context.getBean(FrameFanout.class);
    EventBus events = server.context.getBean(EventBus.class);
    // Events in 200 domains make the "all" frame ~10 KB, so the stalled socket's buffers fill in
    // seconds rather than minutes.
    ScheduledExecutorService load = Executors.newSingleThreadScheduledExecutor();
    load.scheduleAtFixedRate(
        () -> {
          for (int d = 0; d < 200; d++) {
            events.publish(DomainEvent.of("d" + d, "load", "tick", null, Instant.now(), ""));
          }
        },
        0,
        20,
        TimeUnit.MILLISECONDS);
    try (Socket stalled = new Socket()) {
      stalled.setReceiveBufferSize(2048);
      stalled.connect(new InetSocketAddress("127.0.0.1", server.port));
      subscribeWithoutReading(stalled);
      await().atMost(Duration.ofSeconds(10)).until(() -> fanout.stats().connections() == 1);

      // While it stalls, another subscriber still receives frame after frame.
      List<String> frames = frames(20);
      assertThat(frames).hasSize(20).allSatisfy(f -> assertThat(f).contains("\"type\":\"stats\""));

      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(() -> assertThat(fanout.stats().dropped()).isEqualTo(1));
      assertThat(frames(5)).hasSize(5);
    } finally {
      load.shutdownNow();
    }
  }

  /**
   * The WebSocket handshake, its 101 read (a frame sent before it is lost), one masked subscribe
   * frame, and then nothing is ever read.
   */
  private static void subscribeWithoutReading(Socket socket) throws Exception {
    OutputStream out = socket.getOutputStream();
    String handshake =
        "GET /dashboard HTTP/1.1\r\n"
            + "Host: 127.0.0.1:"
            + server.port
            + "\r\n"
            + "Upgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
    out.write(handshake.getBytes(StandardCharsets.US_ASCII));
    out.flush();
    InputStream in = socket.getInputStream();
    int matched = 0;
    byte[] end = {'\r', '\n', '\r', '\n'};
    while (matched < end.length) {
      int b = in.read();
      assertThat(b).as("the handshake's response").isNotNegative();
      matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
    }
    byte[] payload = "{\"type\":\"subscribe\",\"domain\":\"all\"}".getBytes(StandardCharsets.UTF_8);
    byte[] mask = {1, 2, 3, 4};
    byte[] frame = new byte[2 + mask.length + payload.length];
    frame[0] = (byte) 0x81; // FIN, text
    frame[1] = (byte) (0x80 | payload.length); // masked, length < 126
    System.arraycopy(mask, 0, frame, 2, mask.length);
    for (int i = 0; i < payload.length; i++) {
      frame[6 + i] = (byte) (payload[i] ^ mask[i % 4]);
    }
    out.write(frame);
    out.flush();
  }

  private static List<String> frames(int count) {
    return new ReactorNettyWebSocketClient()
        .execute(
            URI.create("ws://127.0.0.1:" + server.port + "/dashboard"),
            session ->
                session
                    .send(
                        Mono.just(
                            session.textMessage("{\"type\":\"subscribe\",\"domain\":\"all\"}")))
                    .thenMany(session.receive().map(WebSocketMessage::getPayloadAsText).take(count))
                    .collectList()
                    .doOnNext(received -> FRAMES.set(received))
                    .then())
        .then(Mono.fromSupplier(FRAMES::get))
        .block(Duration.ofSeconds(30));
  }

  private static final java.util.concurrent.atomic.AtomicReference<List<String>> FRAMES =
      new java.util.concurrent.atomic.AtomicReference<>(List.of());
}
