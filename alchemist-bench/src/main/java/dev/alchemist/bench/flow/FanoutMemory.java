package dev.alchemist.bench.flow;

import dev.alchemist.core.flow.FanoutSettings;
import dev.alchemist.core.flow.FrameFanout;
import java.lang.management.ManagementFactory;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;

/**
 * Heap per connection of a {@link FrameFanout} whose readers have all stopped reading: each
 * connection's first send never completes, then 10,000 frames are published. Prints the retained
 * heap per connection after GC, which must not grow with the frames published.
 *
 * <pre>
 * java -cp alchemist-bench/target/benchmarks.jar dev.alchemist.bench.flow.FanoutMemory [connections]
 * </pre>
 */
public final class FanoutMemory {
  private FanoutMemory() {}

  public static void main(String[] args) throws InterruptedException {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    long before = usedAfterGc();
    try (FrameFanout<int[]> fanout =
        FrameFanout.create(FanoutSettings.builder().name("memory").maxConnections(n).build())) {
      for (int i = 0; i < n; i++) {
        fanout.connect("all", frame -> new CompletableFuture<>()); // never completes: stalled
      }
      long connected = usedAfterGc();
      for (int i = 0; i < 10_000; i++) {
        fanout.publish("all", new int[16]); // 80 B frames, each replacing the one held
      }
      long afterFrames = usedAfterGc();
      System.out.printf(
          Locale.ROOT,
          "%d stalled connections: %.0f B per connection connected, %.0f B after 10,000 frames"
              + " (skipped %d)%n",
          n,
          (connected - before) / (double) n,
          (afterFrames - before) / (double) n,
          fanout.stats().skipped());
    }
  }

  private static long usedAfterGc() throws InterruptedException {
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(50);
      used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
    }
    return used;
  }
}
