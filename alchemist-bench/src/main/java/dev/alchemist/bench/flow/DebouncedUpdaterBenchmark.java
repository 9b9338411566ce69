package dev.alchemist.bench.flow;

import dev.alchemist.core.flow.DebounceSettings;
import dev.alchemist.core.flow.DebouncedUpdater;
import dev.alchemist.core.flow.KeyedDebouncer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

/**
 * {@code update()} throughput and allocation of a real 16 ms {@link DebouncedUpdater} from 1, 2 and
 * 4 threads, next to the raw {@link AtomicReference#getAndSet} it is built on and to {@link
 * KeyedDebouncer} over 64 keys. The values are allocated once per thread, so {@code
 * gc.alloc.rate.norm} shows what the updater itself allocates per update.
 *
 * <pre>
 * java -jar alchemist-bench/target/benchmarks.jar DebouncedUpdaterBenchmark -f 1 -wi 2 -w 1s -i 3 -r 1s -prof gc
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class DebouncedUpdaterBenchmark {
  private static final int KEYS = 64;

  private DebouncedUpdater<Object> updater;
  private KeyedDebouncer<Integer, Object> keyed;
  private final AtomicReference<Object> raw = new AtomicReference<>();
  private volatile Object sunk = new Object();

  /** Per-thread values and keys, allocated once. */
  @State(Scope.Thread)
  public static class Producer {
    final Object value = new Object();
    final Integer[] keys = new Integer[KEYS];
    int next;

    @Setup
    public void setUp() {
      for (int i = 0; i < KEYS; i++) {
        keys[i] = i; // cached boxes (-128..127), so no allocation per update
      }
    }
  }

  @Setup(Level.Trial)
  public void setUp() {
    DebounceSettings settings =
        DebounceSettings.builder().name("bench").interval(Duration.ofMillis(16)).build();
    updater = DebouncedUpdater.create(settings, v -> sunk = v);
    keyed = KeyedDebouncer.create(settings, (k, v) -> sunk = v);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    updater.close();
    keyed.close();
  }

  @Benchmark
  @Threads(1)
  public void update_1thread(Producer p) {
    updater.update(p.value);
  }

  @Benchmark
  @Threads(2)
  public void update_2threads(Producer p) {
    updater.update(p.value);
  }

  @Benchmark
  @Threads(4)
  public void update_4threads(Producer p) {
    updater.update(p.value);
  }

  @Benchmark
  @Threads(1)
  public Object rawGetAndSet_1thread(Producer p) {
    return raw.getAndSet(p.value);
  }

  @Benchmark
  @Threads(4)
  public Object rawGetAndSet_4threads(Producer p) {
    return raw.getAndSet(p.value);
  }

  @Benchmark
  @Threads(1)
  public void keyedUpdate64Keys_1thread(Producer p) {
    keyed.update(p.keys[p.next++ & (KEYS - 1)], p.value);
  }

  @Benchmark
  @Threads(4)
  public void keyedUpdate64Keys_4threads(Producer p) {
    keyed.update(p.keys[p.next++ & (KEYS - 1)], p.value);
  }
}
