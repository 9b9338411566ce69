package dev.alchemist.ai.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.alchemist.ai.AiException;
import dev.alchemist.ai.ChatModel;
import dev.alchemist.ai.ChatRequest;
import dev.alchemist.ai.ChatStreamer;
import dev.alchemist.ai.ChunkPolicy;
import dev.alchemist.ai.ChunkStream;
import dev.alchemist.ai.OpenAiChatModel;
import dev.alchemist.ai.StreamTimeouts;
import dev.alchemist.ai.TokenStream;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Back-pressure over a real loopback socket: a server that can stream 200,000 tokens as fast as the
 * socket takes them, and subscribers that take one item every 50 ms. What the server managed to
 * write (what the client read plus both kernels' socket buffers) must stay within the configured
 * bound plus that slack, the heap must stay flat, and the text must be exact.
 */
class HttpBackPressureTest {
  private static final int TOKENS = 200_000;

  /**
   * The slack nobody but the kernel controls, in bytes: the server's send buffer (set small), the
   * client's receive buffer (fixed at 64 KiB, which Linux doubles, by {@code
   * jdk.httpclient.receiveBufferSize} in this module's surefire settings: left unset, loopback
   * autotunes it to several MiB) and the HttpClient's read buffers (16 KiB each, a few in flight).
   * 1 MiB is generous for all of it and a small part of the 15 MB body.
   */
  private static final long SOCKET_SLACK_BYTES = 1 << 20;

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final ScheduledExecutorService pacer = Executors.newSingleThreadScheduledExecutor();
  private @Nullable CountingSseServer server;
  private @Nullable ChatModel model;

  @AfterEach
  void stop() throws Exception {
    pacer.shutdownNow();
    if (model != null) {
      model.close();
    }
    if (server != null) {
      server.close();
    }
  }

  private ChatModel model(StreamTimeouts timeouts) throws Exception {
    server = new CountingSseServer(TOKENS);
    model =
        OpenAiChatModel.builder()
            .baseUri(server.baseUri())
            .apiKey("sk-test")
            .timeouts(timeouts)
            .maxRetries(0)
            .meterRegistry(registry)
            .build();
    return model;
  }

  private static long slackTokens() {
    return SOCKET_SLACK_BYTES / CountingSseServer.wireBytesPerToken();
  }

  @Test
  void receiveBufferIsFixed_soTheKernelCannotReadAheadForTheSdk() {
    assertThat(System.getProperty("jdk.httpclient.receiveBufferSize")).isEqualTo("65536");
  }

  @Test
  void tokenStream_slowSubscriber_socketReadsOnlyWhatDemandAllows_andIdleWaitsForDemand()
      throws Exception {
    // Idle 1 s, and the subscriber holds no demand for 1.5 s: only a pause of the model counts.
    StreamTimeouts timeouts =
        new StreamTimeouts(Duration.ofSeconds(30), Duration.ofSeconds(1), Duration.ofMinutes(5));
    TokenStream stream = model(timeouts).stream(ChatRequest.of("gpt-test", "count"));
    long heapBefore = usedHeapAfterGc();
    Paced s = new Paced(pacer, 20, Duration.ofMillis(50));
    stream.subscribe(s);
    await().atMost(Duration.ofSeconds(30)).until(() -> s.items.size() >= 20 || s.failed());
    assertThat(s.error).isNull();
    Thread.sleep(1500); // no demand; a reader that ignored demand would have read everything
    long written = server.tokensWritten();
    long heapGrowth = usedHeapAfterGc() - heapBefore;
    assertThat(s.error).as("idle timeout while the subscriber held no demand").isNull();
    s.take(5);
    await().atMost(Duration.ofSeconds(30)).until(() -> s.items.size() >= 25 || s.failed());
    s.subscription.cancel();

    System.out.printf(
        "measured: raw stream, 20 tokens taken: server wrote %d of %d tokens (%d B each), heap"
            + " growth %d KiB%n",
        written, TOKENS, CountingSseServer.wireBytesPerToken(), heapGrowth >> 10);
    assertThat(s.error).isNull();
    assertThat(String.join("", s.items)).isEqualTo(CountingSseServer.text(25));
    // 20 tokens taken; two socket reads (16 KiB each) and the socket slack may be read.
    long twoReads = 2 * (16 * 1024 / CountingSseServer.wireBytesPerToken() + 1);
    assertThat(written)
        .as("tokens the server could write (of %d) after the subscriber took 20", TOKENS)
        .isLessThanOrEqualTo(20 + twoReads + slackTokens());
    assertThat(heapGrowth).as("heap growth after GC, bytes").isLessThan(8 << 20);
  }

  @Test
  void chunkStream_slowSubscriber_readsWithinMaxPendingBytes_andTheTextIsExact() throws Exception {
    int maxPending = 64 * 1024;
    ChatModel m = model(StreamTimeouts.DEFAULTS);
    try (ChatStreamer chat =
        ChatStreamer.builder()
            .model(m)
            .chunkPolicy(ChunkPolicy.builder().maxPendingBytes(maxPending).build())
            .meterRegistry(registry)
            .build()) {
      ChunkStream answer = chat.stream(ChatRequest.of("gpt-test", "count"));
      long heapBefore = usedHeapAfterGc();
      Paced s = new Paced(pacer, 20, Duration.ofMillis(50));
      answer.subscribe(s);
      await().atMost(Duration.ofSeconds(60)).until(() -> s.items.size() >= 20 || s.failed());
      // Measure the heap only once nothing moves: the subscriber holds no demand and the server
      // has stopped writing. A sample taken while the stream runs also counts what the reader,
      // the server thread and the pacer allocated since the GC, which is garbage, not growth.
      awaitServerStalled();
      long heldByTest = s.deliveredBytes() + 1024L * s.items.size();
      long heapGrowth = usedHeapAfterGc() - heapBefore - heldByTest;
      s.take(Integer.MAX_VALUE - 20);
      await().atMost(Duration.ofSeconds(120)).until(() -> s.done.isDone());

      assertThat(s.error).isNull();
      assertThat(String.join("", s.items)).isEqualTo(CountingSseServer.text(TOKENS));
      // At each chunk: written <= delivered + maxPendingBytes (+ one token) + socket slack.
      long pendingTokens = maxPending / CountingSseServer.TOKEN_BYTES + 1;
      long worst = 0;
      for (long[] at : s.samples) {
        worst = Math.max(worst, at[1] - at[0] / CountingSseServer.TOKEN_BYTES);
      }
      System.out.printf(
          "measured: chunk stream, %d chunks: written - delivered at most %d tokens (bound %d +"
              + " slack %d), heap growth %d KiB%n",
          s.items.size(), worst, pendingTokens, slackTokens(), heapGrowth >> 10);
      for (long[] at : s.samples) {
        long delivered = at[0] / CountingSseServer.TOKEN_BYTES;
        assertThat(at[1])
            .as("tokens written when %d had been delivered", delivered)
            .isLessThanOrEqualTo(delivered + pendingTokens + slackTokens());
      }
      // Chunks merge up to maxPendingBytes while the subscriber waits: few, large chunks.
      assertThat(s.items.size()).isLessThan(TOKENS / 100);
      assertThat(heapGrowth)
          .as(
              "heap growth after GC with the stream stalled, beyond the %d B the test holds",
              heldByTest)
          .isLessThan(8 << 20);
    }
  }

  @Test
  void lateSubscriber_afterTheAnswerOutgrewTheReplayBound_failsWithOverflow_noHistoryKept()
      throws Exception {
    int maxPending = 16 * 1024;
    ChatModel m = model(StreamTimeouts.DEFAULTS);
    try (ChatStreamer chat =
        ChatStreamer.builder()
            .model(m)
            .chunkPolicy(ChunkPolicy.builder().maxPendingBytes(maxPending).build())
            .meterRegistry(registry)
            .build()) {
      StreamHub answer = (StreamHub) chat.stream(ChatRequest.of("gpt-test", "count"));
      Paced first = new Paced(pacer, Integer.MAX_VALUE, Duration.ofMillis(50));
      answer.subscribe(first);
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> first.deliveredBytes() > 4L * maxPending || first.failed());
      assertThat(answer.replayBytes()).as("text kept for late subscribers").isZero();

      RecordingSubscriber late = RecordingSubscriber.unbounded();
      answer.subscribe(late);
      assertThat(late.error)
          .as("a late subscriber that cannot be given the whole answer")
          .isInstanceOf(AiException.class)
          .hasMessageContaining("maxPendingBytes (16384)");
      assertThat(((AiException) late.error).reason()).isEqualTo(AiException.Reason.OVERFLOW);
      assertThat(late.items).isEmpty();

      // The first subscriber is unaffected and still gets the exact text.
      await().atMost(Duration.ofSeconds(30)).until(() -> first.items.size() >= 40);
      first.subscription.cancel();
      assertThat(first.error).isNull();
      String text = String.join("", first.items);
      assertThat(text).isEqualTo(CountingSseServer.text(text.length() / 20));
    }
  }

  /** Waits until the server has written nothing new for half a second. */
  private void awaitServerStalled() {
    long[] last = {-1};
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(500))
        .until(
            () -> {
              long now = server.tokensWritten();
              boolean still = now == last[0];
              last[0] = now;
              return still;
            });
  }

  private static long usedHeapAfterGc() throws InterruptedException {
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(50);
      used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
    }
    return used;
  }

  /**
   * Takes one item, then requests the next {@code interval} later, up to {@code limit} items; then
   * holds no demand until {@link #take(int)}. Records (delivered bytes, tokens written) per item.
   */
  private final class Paced implements Flow.Subscriber<String> {
    final List<String> items = new CopyOnWriteArrayList<>();
    final List<long[]> samples = new CopyOnWriteArrayList<>();
    final CompletableFuture<Void> done = new CompletableFuture<>();
    private final ScheduledExecutorService pacer;
    private final Duration interval;
    private volatile int limit;
    private volatile long delivered;
    volatile Flow.@Nullable Subscription subscription;
    volatile @Nullable Throwable error;

    Paced(ScheduledExecutorService pacer, int limit, Duration interval) {
      this.pacer = pacer;
      this.limit = limit;
      this.interval = interval;
    }

    boolean failed() {
      return error != null;
    }

    long deliveredBytes() {
      return delivered;
    }

    void take(int more) {
      limit += more;
      subscription.request(1);
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
      s.request(1);
    }

    @Override
    public void onNext(String item) {
      items.add(item);
      delivered += item.length();
      samples.add(new long[] {delivered, server.tokensWritten()});
      if (items.size() < limit) {
        pacer.schedule(() -> subscription.request(1), interval.toMillis(), TimeUnit.MILLISECONDS);
      }
    }

    @Override
    public void onError(Throwable t) {
      error = t;
      done.completeExceptionally(t);
    }

    @Override
    public void onComplete() {
      done.complete(null);
    }
  }
}
