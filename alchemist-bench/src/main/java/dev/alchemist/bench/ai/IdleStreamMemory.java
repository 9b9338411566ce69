package dev.alchemist.bench.ai;

import dev.alchemist.ai.ChatModel;
import dev.alchemist.ai.ChatRequest;
import dev.alchemist.ai.ChatStreamer;
import dev.alchemist.ai.ChunkStream;
import dev.alchemist.ai.OpenAiChatModel;
import dev.alchemist.ai.SimulatedChatModel;
import dev.alchemist.ai.StreamTimeouts;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Memory per idle open stream, in three cases, each measured as retained heap growth after GC
 * divided by N:
 *
 * <ul>
 *   <li>{@code simulated}: N chunked streams over the simulated model whose first token is an hour
 *       away (each holds its subscription, chunker, token stream and watchdog timer). This is the
 *       README's "memory per idle open stream" figure.
 *   <li>{@code http}: N chunked streams over {@code OpenAiChatModel} against a loopback server that
 *       sends the response headers and then nothing: the SDK's objects plus the JDK HttpClient's
 *       connection state (socket channel, tube, exchange, read buffer) per stream.
 *   <li>{@code http-raw}: the same N idle exchanges through the bare JDK HttpClient with a body
 *       subscriber that requests one buffer: the floor the {@code http} case is measured against.
 * </ul>
 *
 * <p>Run: {@code java -cp benchmarks.jar dev.alchemist.bench.ai.IdleStreamMemory [N] [case...]}; N
 * defaults to 20,000; every case runs when none is named. The HTTP cases open at most 2,000 streams
 * unless named explicitly, since each stream holds a socket here and one in the server's child JVM
 * (mind {@code ulimit -n}).
 */
public final class IdleStreamMemory {
  private static final StreamTimeouts IDLE_FOR_AN_HOUR =
      new StreamTimeouts(Duration.ofHours(1), Duration.ofHours(1), Duration.ofHours(2));

  private static final String SERVE = "--silent-server";

  private IdleStreamMemory() {}

  public static void main(String[] args) throws Exception {
    if (args.length == 1 && args[0].equals(SERVE)) {
      SilentServer.serve();
      return;
    }
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
    boolean named = args.length > 1;
    int sockets = named ? n : Math.min(n, 2_000);
    List<String> cases =
        named ? List.of(args).subList(1, args.length) : List.of("simulated", "http", "http-raw");
    for (String c : cases) {
      switch (c) {
        case "simulated" -> simulated(n);
        case "http" -> http(sockets);
        case "http-raw" -> httpRaw(sockets);
        default -> throw new IllegalArgumentException("unknown case " + c);
      }
    }
  }

  private static void simulated(int n) throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (ChatStreamer chat =
        ChatStreamer.builder()
            .model(
                SimulatedChatModel.builder()
                    .firstTokenLatency(Duration.ofHours(1))
                    .meterRegistry(registry)
                    .build())
            .meterRegistry(registry)
            .build()) {
      // Warm the classes and meters so they do not count as per-stream memory.
      open(chat, 100).forEach(ChunkStream::cancel);
      long before = usedAfterGc();
      List<ChunkStream> streams = open(chat, n);
      report("simulated", n, before, usedAfterGc());
      streams.forEach(ChunkStream::cancel);
    }
  }

  private static void http(int n) throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (SilentServer server = new SilentServer();
        ChatModel model =
            OpenAiChatModel.builder()
                .baseUri(server.baseUri())
                .apiKey("sk-bench")
                .timeouts(IDLE_FOR_AN_HOUR)
                .meterRegistry(registry)
                .build();
        ChatStreamer chat = ChatStreamer.builder().model(model).meterRegistry(registry).build()) {
      List<ChunkStream> warm = open(chat, 50);
      awaitCount(() -> registry.get("alchemist.ai.first.byte").timer().count(), 50);
      warm.forEach(ChunkStream::cancel);
      long before = usedAfterGc();
      List<ChunkStream> streams = open(chat, n);
      // Every stream has its response headers and a parked body subscriber.
      awaitCount(() -> registry.get("alchemist.ai.first.byte").timer().count(), 50 + n);
      report("http (SDK chunk stream)", n, before, usedAfterGc());
      streams.forEach(ChunkStream::cancel);
    }
  }

  private static void httpRaw(int n) throws Exception {
    try (SilentServer server = new SilentServer()) {
      HttpClient client = HttpClient.newHttpClient();
      HttpRequest request =
          HttpRequest.newBuilder(URI.create(server.baseUri() + "/chat/completions"))
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"m\",\"stream\":true}"))
              .build();
      List<IdleBody> warm = sendRaw(client, request, 50);
      awaitCount(IdleBody.SUBSCRIBED::get, 50);
      warm.forEach(IdleBody::cancel);
      long before = usedAfterGc();
      List<IdleBody> bodies = sendRaw(client, request, n);
      awaitCount(IdleBody.SUBSCRIBED::get, 50 + n);
      report("http-raw (bare JDK HttpClient)", n, before, usedAfterGc());
      bodies.forEach(IdleBody::cancel);
    }
  }

  private static List<IdleBody> sendRaw(HttpClient client, HttpRequest request, int n) {
    List<IdleBody> bodies = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      IdleBody body = new IdleBody();
      client.sendAsync(request, info -> body);
      bodies.add(body);
    }
    return bodies;
  }

  private static void awaitCount(LongSupplier count, long n) throws InterruptedException {
    long until = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    while (count.getAsLong() < n) {
      if (System.nanoTime() > until) {
        throw new IllegalStateException("only " + count.getAsLong() + " of " + n + " streams open");
      }
      Thread.sleep(20);
    }
  }

  private static void report(String what, int n, long before, long after) {
    System.out.printf(
        "%s: idle open streams: %d, retained heap: %d KiB, per stream: %d bytes%n",
        what, n, (after - before) / 1024, (after - before) / n);
  }

  private static List<ChunkStream> open(ChatStreamer chat, int n) {
    List<ChunkStream> streams = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      ChunkStream s = chat.stream(ChatRequest.of("sim", "question " + (i % 10)));
      s.subscribe(
          new Flow.Subscriber<String>() {
            @Override
            public void onSubscribe(Flow.Subscription sub) {
              sub.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(String item) {}

            @Override
            public void onError(Throwable t) {}

            @Override
            public void onComplete() {}
          });
      streams.add(s);
    }
    return streams;
  }

  private static long usedAfterGc() throws InterruptedException {
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 5; i++) {
      System.gc();
      Thread.sleep(100);
      Runtime rt = Runtime.getRuntime();
      used = Math.min(used, rt.totalMemory() - rt.freeMemory());
    }
    return used;
  }

  /** A body subscriber that asks for one buffer and waits: the bare client's idle stream. */
  private static final class IdleBody implements HttpResponse.BodySubscriber<Void> {
    static final AtomicLong SUBSCRIBED = new AtomicLong();
    private volatile Flow.Subscription subscription;

    @Override
    public CompletionStage<Void> getBody() {
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
      SUBSCRIBED.incrementAndGet();
      s.request(1);
    }

    @Override
    public void onNext(List<ByteBuffer> item) {
      subscription.request(1);
    }

    @Override
    public void onError(Throwable t) {}

    @Override
    public void onComplete() {}

    void cancel() {
      Flow.Subscription s = subscription;
      if (s != null) {
        s.cancel();
      }
    }
  }

  /**
   * A child JVM that accepts connections, answers each with SSE response headers (chunked, no body
   * yet) and then says nothing, on one thread; its sockets live in its own heap, not the measured
   * one. It prints its port, and exits when its stdin closes.
   */
  private static final class SilentServer implements AutoCloseable {
    private static final byte[] HEADERS =
        ("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII);

    private final Process process;
    private final int port;

    SilentServer() throws IOException {
      process =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-cp",
                  System.getProperty("java.class.path"),
                  IdleStreamMemory.class.getName(),
                  SERVE)
              .redirectError(ProcessBuilder.Redirect.INHERIT)
              .start();
      String line =
          new BufferedReader(
                  new InputStreamReader(process.getInputStream(), StandardCharsets.US_ASCII))
              .readLine();
      if (line == null) {
        throw new IOException("the silent server did not start");
      }
      port = Integer.parseInt(line.trim());
    }

    String baseUri() {
      return "http://127.0.0.1:" + port + "/v1";
    }

    static void serve() throws IOException {
      List<Socket> open = new ArrayList<>();
      try (ServerSocket server = new ServerSocket(0, 4096, InetAddress.getLoopbackAddress())) {
        System.out.println(server.getLocalPort());
        System.out.flush();
        Thread acceptor =
            new Thread(
                () -> {
                  while (!server.isClosed()) {
                    try {
                      Socket s = server.accept();
                      OutputStream out = s.getOutputStream();
                      out.write(HEADERS);
                      out.flush();
                      open.add(s);
                    } catch (IOException e) {
                      return;
                    }
                  }
                });
        acceptor.setDaemon(true);
        acceptor.start();
        while (System.in.read() >= 0) {
          // wait for the parent to close stdin (or die)
        }
      }
    }

    @Override
    public void close() throws IOException {
      process.getOutputStream().close();
      try {
        if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
          process.destroy();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        process.destroy();
      }
    }
  }
}
