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
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Cost per token of the chunked path (hub, per-subscriber chunker with lock, UTF-8 accounting,
 * chunk metrics, delivery) against the guide's raw loop (append to a StringBuilder, flush every 5
 * tokens or on a newline, no back-pressure, no metrics). 1000 tokens per invocation, so the score
 * is per token.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
@State(Scope.Thread)
public class ChunkingBenchmark {
  static final int TOKENS = 1000;

  private final String[] tokens = new String[TOKENS];
  private ChatStreamer streamer;
  private PushModel model;
  private ChunkStream stream;

  @Setup(Level.Trial)
  public void setUp(Blackhole bh) {
    for (int i = 0; i < TOKENS; i++) {
      tokens[i] = (i % 40 == 39) ? " word\n" : " word";
    }
    model = new PushModel();
    streamer =
        ChatStreamer.builder()
            .model(model)
            .chunkPolicy(ChunkPolicy.DEFAULTS.toBuilder().maxDelay(Duration.ofMillis(50)).build())
            .meterRegistry(new SimpleMeterRegistry())
            .build();
    stream = streamer.stream(ChatRequest.of("bench", "hi"));
    stream.subscribe(new BlackholeSubscriber(bh));
  }

  /** One long-lived stream: the steady-state append and flush path. */
  @Benchmark
  @OperationsPerInvocation(TOKENS)
  public void chunked() {
    PushModel.PushStream s = model.last;
    for (String t : tokens) {
      s.push(t);
    }
  }

  /** The guide's loop, the floor any chunker is measured against. */
  @Benchmark
  @OperationsPerInvocation(TOKENS)
  public void rawGuideLoop(Blackhole bh) {
    StringBuilder buffer = new StringBuilder(100);
    int count = 0;
    for (String t : tokens) {
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
   * Latency added to the first chunk: a new stream, a subscriber, and one token until it is
   * delivered; compare with {@link #firstTokenRaw} (same, without chunking).
   */
  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  public long firstChunk(Blackhole bh) {
    ChunkStream s = streamer.stream(ChatRequest.of("bench", "hi"));
    BlackholeSubscriber sub = new BlackholeSubscriber(bh);
    s.subscribe(sub);
    model.last.push("first");
    return sub.chunks;
  }

  /** The floor for {@link #firstChunk}: the token handed straight to a subscriber. */
  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  public long firstTokenRaw(Blackhole bh) {
    PushModel.PushStream s = (PushModel.PushStream) model.stream(ChatRequest.of("bench", "hi"));
    BlackholeSubscriber sub = new BlackholeSubscriber(bh);
    s.subscribe(sub);
    s.push("first");
    return sub.chunks;
  }
}
