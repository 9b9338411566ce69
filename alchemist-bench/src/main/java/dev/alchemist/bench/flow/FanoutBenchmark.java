package dev.alchemist.bench.flow;

import dev.alchemist.core.flow.FanoutSettings;
import dev.alchemist.core.flow.FrameFanout;
import dev.alchemist.core.flow.FrameSink;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The cost of one frame published to {@code connections} connections, divided by nothing: divide
 * the time per operation by the connection count for the cost per frame per connection.
 *
 * <ul>
 *   <li>{@code fanoutEveryFrameSent}: an interval of 1 ns, so every publish is sent to every
 *       connection (the sinks complete at once, as a socket with room in its buffer does);
 *   <li>{@code rawLoop}: the hand-written broadcast it replaces, a loop over a {@link
 *       CopyOnWriteArrayList} of the same sinks, with no pacing, no latest-wins and no stall check;
 *   <li>{@code fanoutCoalesced}: the real 16 ms interval with frames published far faster, so
 *       almost every offer replaces the frame a connection holds (the busy dashboard's path).
 * </ul>
 *
 * <pre>
 * java -jar alchemist-bench/target/benchmarks.jar FanoutBenchmark -f 1 -wi 3 -w 1s -i 5 -r 1s -prof gc
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class FanoutBenchmark {
  @Param({"100", "1000"})
  int connections;

  private FrameFanout<Object> everyFrame;
  private FrameFanout<Object> coalesced;
  private final CopyOnWriteArrayList<FrameSink<Object>> raw = new CopyOnWriteArrayList<>();
  private final Object frame = new Object();

  /** A socket with room: takes the frame and completes at once. */
  private static final class Sink implements FrameSink<Object> {
    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);
    private final Blackhole bh;

    Sink(Blackhole bh) {
      this.bh = bh;
    }

    @Override
    public CompletionStage<?> send(Object frame) {
      bh.consume(frame);
      return DONE;
    }
  }

  @Setup(Level.Trial)
  public void setUp(Blackhole bh) {
    everyFrame =
        FrameFanout.create(
            FanoutSettings.builder()
                .name("bench-every")
                .interval(Duration.ofNanos(1))
                .maxConnections(connections)
                .build());
    coalesced =
        FrameFanout.create(
            FanoutSettings.builder().name("bench-coalesced").maxConnections(connections).build());
    for (int i = 0; i < connections; i++) {
      Sink s = new Sink(bh);
      everyFrame.connect("all", s);
      coalesced.connect("all", s);
      raw.add(s);
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    everyFrame.close();
    coalesced.close();
  }

  @Benchmark
  public void fanoutEveryFrameSent() {
    everyFrame.publish("all", frame);
  }

  @Benchmark
  public void fanoutCoalesced() {
    coalesced.publish("all", frame);
  }

  @Benchmark
  public void rawLoop() {
    for (FrameSink<Object> s : raw) {
      s.send(frame);
    }
  }
}
