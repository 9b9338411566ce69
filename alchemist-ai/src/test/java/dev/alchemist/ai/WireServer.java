package dev.alchemist.ai;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A loopback JDK HttpServer that answers each request with the next scripted response, writing real
 * SSE or NDJSON bytes in chunked encoding, flushing after every step so the client sees them as
 * they come. Steps can pause (a slow drip) or drop the connection (a disconnect).
 */
final class WireServer implements AutoCloseable {
  /** One step of a response body. */
  sealed interface Step permits Write, Bytes, Pause, Disconnect, DripUntilGone, HoldOpen {}

  record Write(String text) implements Step {}

  /** Writes these exact bytes (a byte order mark, a split UTF-8 sequence). */
  record Bytes(byte[] bytes) implements Step {}

  /**
   * Keeps the connection open without writing, as a server does that sends its end marker but not
   * the end of the body; ends when the server is closed (or after a minute).
   */
  record HoldOpen() implements Step {}

  record Pause(Duration duration) implements Step {}

  /** Drops the connection without the final chunk. */
  record Disconnect() implements Step {}

  /** Writes {@code text} every {@code interval} until the client is gone, then counts down. */
  record DripUntilGone(String text, Duration interval) implements Step {}

  record Response(int status, Map<String, String> headers, List<Step> steps) {}

  record Received(String method, String path, Map<String, List<String>> headers, String body) {}

  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final BlockingQueue<Response> script = new LinkedBlockingQueue<>();
  final ConcurrentLinkedQueue<Received> received = new ConcurrentLinkedQueue<>();
  final CountDownLatch clientGone = new CountDownLatch(1);

  /** Counted down when a response reaches a {@link HoldOpen} step. */
  final CountDownLatch held = new CountDownLatch(1);

  private final CountDownLatch closed = new CountDownLatch(1);

  WireServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", this::handle);
    server.setExecutor(executor);
    server.start();
  }

  String baseUri() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  WireServer respond(int status, Map<String, String> headers, Step... steps) {
    script.add(new Response(status, headers, List.of(steps)));
    return this;
  }

  WireServer sse(Step... steps) {
    return respond(200, Map.of("Content-Type", "text/event-stream"), steps);
  }

  WireServer ndjson(Step... steps) {
    return respond(200, Map.of("Content-Type", "application/x-ndjson"), steps);
  }

  static Write write(String text) {
    return new Write(text);
  }

  static Pause pause(long millis) {
    return new Pause(Duration.ofMillis(millis));
  }

  /** An OpenAI chunk event with one content delta. */
  static Write delta(String content) {
    return write(
        "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,"
            + "\"delta\":{\"content\":"
            + json(content)
            + "},\"finish_reason\":null}]}\n\n");
  }

  /** An Ollama NDJSON line with one content fragment. */
  static Write line(String content) {
    return write(
        "{\"model\":\"llama\",\"message\":{\"role\":\"assistant\",\"content\":"
            + json(content)
            + "},\"done\":false}\n");
  }

  static String json(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
  }

  private void handle(HttpExchange ex) throws IOException {
    String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    received.add(
        new Received(
            ex.getRequestMethod(),
            ex.getRequestURI().getPath(),
            Map.copyOf(ex.getRequestHeaders()),
            body));
    Response r;
    try {
      r = script.poll(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    if (r == null) {
      r = new Response(500, Map.of(), List.of(write("{\"error\":\"no scripted response\"}")));
    }
    r.headers().forEach((k, v) -> ex.getResponseHeaders().add(k, v));
    ex.sendResponseHeaders(r.status(), 0);
    OutputStream out = ex.getResponseBody();
    List<Step> steps = new ArrayList<>(r.steps());
    try {
      for (Step step : steps) {
        if (step instanceof Write w) {
          out.write(w.text().getBytes(StandardCharsets.UTF_8));
          out.flush();
        } else if (step instanceof Bytes b) {
          out.write(b.bytes());
          out.flush();
        } else if (step instanceof HoldOpen) {
          held.countDown();
          closed.await(1, TimeUnit.MINUTES);
        } else if (step instanceof Pause p) {
          Thread.sleep(p.duration().toMillis());
        } else if (step instanceof Disconnect) {
          // An exception out of the handler makes the server drop the connection mid-body.
          throw new IOException("scripted disconnect");
        } else if (step instanceof DripUntilGone d) {
          long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
          try {
            while (System.nanoTime() < until) {
              out.write(d.text().getBytes(StandardCharsets.UTF_8));
              out.flush();
              Thread.sleep(d.interval().toMillis());
            }
          } catch (IOException gone) {
            clientGone.countDown();
            throw gone;
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    out.close();
  }

  @Override
  public void close() {
    closed.countDown();
    server.stop(0);
    executor.shutdownNow();
  }
}
