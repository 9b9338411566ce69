package dev.alchemist.core.flow.internal;

import dev.alchemist.core.Checks;
import dev.alchemist.core.flow.ItemHeights;
import java.util.Objects;

/** Items of one height: O(1) arithmetic, immutable. */
public final class FixedItemHeights implements ItemHeights {
  private final int count;
  private final double itemHeight;

  /** See {@link ItemHeights#fixed(int, double)}. */
  public FixedItemHeights(int count, double itemHeight) {
    this.count = Checks.atLeast("count", count, 0);
    this.itemHeight = Checks.positive("itemHeight", itemHeight, MAX_ITEM_HEIGHT);
  }

  @Override
  public int size() {
    return count;
  }

  @Override
  public double height(int index) {
    Objects.checkIndex(index, count);
    return itemHeight;
  }

  @Override
  public double offsetOf(int index) {
    Objects.checkIndex(index, count + 1);
    return index * itemHeight;
  }

  @Override
  public double totalHeight() {
    return count * itemHeight;
  }

  @Override
  public int indexAt(double offset) {
    Checks.nonNegative("offset", offset, Double.MAX_VALUE);
    if (count == 0) {
      throw new IllegalStateException("indexAt needs at least one item but size was 0");
    }
    long p = (long) Math.min(count, Math.floor(offset / itemHeight));
    // Division rounds; settle on the index whose top is at or above the offset, as a sum would.
    while (p > 0 && p * itemHeight > offset) {
      p--;
    }
    while (p < count && (p + 1) * itemHeight <= offset) {
      p++;
    }
    return (int) Math.min(p, count - 1);
  }

  @Override
  public String toString() {
    return "FixedItemHeights[count=" + count + ", itemHeight=" + itemHeight + "]";
  }
}
