package dev.alchemist.examples;

import dev.alchemist.core.flow.DebounceSettings;
import dev.alchemist.core.flow.DebouncedUpdater;
import dev.alchemist.core.flow.IndexRange;
import dev.alchemist.core.flow.ItemHeights;
import dev.alchemist.core.flow.KeyedDebouncer;
import dev.alchemist.core.flow.VariableItemHeights;
import dev.alchemist.core.flow.VirtualWindow;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The dashboard half of alchemist-core's flow package: a second of events at full speed rendered at
 * most 60 times (latest wins), per-domain tiles debounced by key on one shared timer, and the rows
 * a virtual list of a million messages would render.
 *
 * <pre>
 * java -cp examples/target/examples.jar dev.alchemist.examples.DashboardExample
 * </pre>
 */
public final class DashboardExample {
  private DashboardExample() {}

  public static void main(String[] args) {
    DebounceSettings sixtyFps = DebounceSettings.builder().name("dashboard").build(); // 16 ms
    LongAdder frames = new LongAdder();
    AtomicLong lastRendered = new AtomicLong();
    Map<String, Long> tiles = new ConcurrentHashMap<>();
    long updates = 0;
    try (DebouncedUpdater<Long> view =
            DebouncedUpdater.create(
                sixtyFps,
                total -> {
                  frames.increment();
                  lastRendered.set(total);
                });
        KeyedDebouncer<String, Long> perDomain =
            KeyedDebouncer.create(sixtyFps.toBuilder().name("tiles").build(), tiles::put)) {
      String[] domains = {"dialog", "billing", "search"};
      long end = System.nanoTime() + Duration.ofSeconds(1).toNanos();
      while (System.nanoTime() < end) {
        updates++;
        view.update(updates); // a new total per event; the sink sees at most one per 16 ms
        perDomain.update(domains[(int) (updates % domains.length)], updates);
      }
      view.flush(); // the last value is always delivered
      perDomain.flush();
      System.out.printf(
          "%,d updates in 1 s -> %d frames rendered (%s), last frame shows %,d%n",
          updates, frames.sum(), view.stats(), lastRendered.get());
      System.out.println("per-domain tiles: " + tiles.keySet() + ", " + perDomain.stats());
    }

    ItemHeights fixed = ItemHeights.fixed(1_000_000, 24);
    IndexRange rows = VirtualWindow.visibleRange(fixed, 600, 24 * 500_000, 3);
    System.out.printf(
        "1,000,000 rows of 24 px, viewport 600 px at row 500,000: render rows %d..%d (%d rows)%n",
        rows.from(), rows.to(), rows.size());
    VariableItemHeights variable = ItemHeights.variable(new double[10_000]);
    for (int i = 0; i < variable.size(); i++) {
      variable.set(i, 20 + (i % 5) * 12); // messages of different lengths
    }
    IndexRange v = VirtualWindow.visibleRange(variable, 600, variable.offsetOf(5_000), 3);
    System.out.printf("variable heights (Fenwick tree): render rows %d..%d%n", v.from(), v.to());
  }
}
