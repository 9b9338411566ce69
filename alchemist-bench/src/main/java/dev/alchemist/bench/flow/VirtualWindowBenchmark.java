package dev.alchemist.bench.flow;

import dev.alchemist.core.flow.IndexRange;
import dev.alchemist.core.flow.ItemHeights;
import dev.alchemist.core.flow.VariableItemHeights;
import dev.alchemist.core.flow.VirtualWindow;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Cost of one visible-range computation over a long list (fixed heights, then per-item heights in a
 * Fenwick tree), and of re-measuring one item.
 *
 * <pre>
 * java -jar alchemist-bench/target/benchmarks.jar VirtualWindowBenchmark -f 1 -wi 2 -w 1s -i 3 -r 1s -prof gc
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class VirtualWindowBenchmark {
  @Param({"1000000"})
  public int items;

  private ItemHeights fixed;
  private VariableItemHeights variable;
  private final SplittableRandom random = new SplittableRandom(7);

  @Setup
  public void setUp() {
    fixed = ItemHeights.fixed(items, 80);
    double[] heights = new double[items];
    for (int i = 0; i < items; i++) {
      heights[i] = 40 + random.nextInt(120);
    }
    variable = ItemHeights.variable(heights);
  }

  @Benchmark
  public IndexRange visibleRangeFixed() {
    return VirtualWindow.visibleRange(fixed, 600, random.nextInt(items) * 80.0, 3);
  }

  @Benchmark
  public IndexRange visibleRangeVariable() {
    return VirtualWindow.visibleRange(variable, 600, random.nextInt(items) * 80.0, 3);
  }

  @Benchmark
  public double setHeightVariable() {
    variable.set(random.nextInt(items), 40 + random.nextInt(120));
    return variable.totalHeight();
  }
}
