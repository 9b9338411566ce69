package dev.alchemist.bench.ai;

import dev.alchemist.ai.ChatRequest;
import dev.alchemist.ai.ChatStreamer;
import dev.alchemist.ai.ChunkPolicy;
import dev.alchemist.ai.ChunkStream;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Cost per token of the chunked path (stream set-up, hub, per-subscriber chunker with lock, UTF-8
 * accounting, chunk metrics, delivery, completion) against the guide's raw loop (append to a
 * StringBuilder, flush every 5 tokens or on a newline, no back-pressure, no metrics). Each
 * invocation is one whole answer of {@value #TOKENS} tokens that completes, as a real answer does,
 * so the score per token includes the stream's share of its set-up and end and no ever-growing
 * history; the raw loop does the same answer with a fresh buffer.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
@State(Scope.Thread)
public class ChunkingBenchmark {
  /** Tokens per answer: a long chat answer (about 375 words). */
  static final int TOKENS = 500;

  private String[] answer;
  private ChatStreamer streamer;
  private PushModel model;

  @Setup(Level.Trial)
  public void setUp() {
    answer = new String[TOKENS];
    for (int i = 0; i < TOKENS; i++) {
      answer[i] = (i % 40 == 39) ? " word\n" : " word";
    }
    model = new PushModel();
    streamer =
        ChatStreamer.builder()
            .model(model)
            .chunkPolicy(ChunkPolicy.DEFAULTS.toBuilder().maxDelay(Duration.ofMillis(50)).build())
            .meterRegistry(new SimpleMeterRegistry())
            .build();
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    streamer.close();
  }

  /** One whole answer through a new chunked stream, from subscribe to completion. */
  @Benchmark
  @OperationsPerInvocation(TOKENS)
  public long chunked(Blackhole bh) {
    ChunkStream stream = streamer.stream(ChatRequest.of("bench", "hi"));
    BlackholeSubscriber sub = new BlackholeSubscriber(bh);
    stream.subscribe(sub);
    PushModel.PushStream s = model.last;
    for (String t : answer) {
      s.push(t);
    }
    s.complete(answer.length);
    return sub.chunks;
  }

  /** The guide's loop over the same answer, the floor any chunker is measured against. */
  @Benchmark
  @OperationsPerInvocation(TOKENS)
  public void rawGuideLoop(Blackhole bh) {
    StringBuilder buffer = new StringBuilder(100);
    int count = 0;
    for (String t : answer) {
      buffer.append(t);
      count++;
      if (count >= 5 || t.indexOf('\n') >= 0) {
        bh.consume(buffer.toString());
        buffer.setLength(0);
        count = 0;
      }
    }
    if (buffer.length() > 0) {
      bh.consume(buffer.toString());
    }
  }

  /**
   * Latency added to the first chunk: a new stream, a subscriber, one token until it is delivered,
   * and the stream's end (so no stream outlives its invocation); compare with {@link
   * #firstTokenRaw} (same, without chunking).
   */
  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  public long firstChunk(Blackhole bh) {
    ChunkStream stream = streamer.stream(ChatRequest.of("bench", "hi"));
    BlackholeSubscriber sub = new BlackholeSubscriber(bh);
    stream.subscribe(sub);
    PushModel.PushStream s = model.last;
    s.push("first");
    s.complete(1);
    return sub.chunks;
  }

  /** The floor for {@link #firstChunk}: the token handed straight to a subscriber, then the end. */
  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  public long firstTokenRaw(Blackhole bh) {
    PushModel.PushStream s = (PushModel.PushStream) model.stream(ChatRequest.of("bench", "hi"));
    BlackholeSubscriber sub = new BlackholeSubscriber(bh);
    s.subscribe(sub);
    s.push("first");
    s.complete(1);
    return sub.chunks;
  }
}
