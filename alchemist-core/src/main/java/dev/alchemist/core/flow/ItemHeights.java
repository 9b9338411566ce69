package dev.alchemist.core.flow;

import dev.alchemist.core.flow.internal.FenwickItemHeights;
import dev.alchemist.core.flow.internal.FixedItemHeights;

/**
 * The heights of the items of a scrollable list, in any unit (pixels, rows), laid out top to bottom
 * without gaps. Answers where an item starts and which item is at an offset, which is all a {@link
 * VirtualWindow} needs.
 *
 * <p>{@link #fixed(int, double)} is immutable and O(1). {@link #variable(double...)} keeps prefix
 * sums in a Fenwick (binary indexed) tree: O(log n) for {@link #offsetOf}, {@link #indexAt}, {@link
 * VariableItemHeights#set} and {@link VariableItemHeights#add}.
 *
 * <p>Arithmetic is exact for whole-number heights (doubles hold integers exactly up to 2^53);
 * fractional heights can differ from a left-to-right sum by rounding in the last bits.
 */
public interface ItemHeights {

  /** The largest height accepted for one item. */
  double MAX_ITEM_HEIGHT = 1.0e9;

  /**
   * Returns {@code count} items of the same height. Immutable and thread-safe.
   *
   * @throws IllegalArgumentException if {@code count < 0}, or {@code itemHeight} is not finite, not
   *     positive or larger than {@link #MAX_ITEM_HEIGHT}
   */
  static ItemHeights fixed(int count, double itemHeight) {
    return new FixedItemHeights(count, itemHeight);
  }

  /**
   * Returns growable, per-item heights, starting with a copy of {@code heights}. Not thread-safe:
   * confine it to the UI thread or guard it.
   *
   * @throws IllegalArgumentException if a height is not finite, negative or larger than {@link
   *     #MAX_ITEM_HEIGHT}; the message names its index
   */
  static VariableItemHeights variable(double... heights) {
    return new FenwickItemHeights(heights);
  }

  /** Returns the number of items. */
  int size();

  /**
   * Returns the height of one item.
   *
   * @throws IndexOutOfBoundsException unless {@code 0 <= index < size()}
   */
  double height(int index);

  /**
   * Returns the offset of the top of item {@code index}: the sum of the heights before it. {@code
   * offsetOf(size())} is the {@linkplain #totalHeight() total height}.
   *
   * @throws IndexOutOfBoundsException unless {@code 0 <= index <= size()}
   */
  double offsetOf(int index);

  /** Returns the sum of all heights: the height of the scrollable content. */
  double totalHeight();

  /**
   * Returns the index of the item at {@code offset}: the last item whose top is at or above it, or
   * {@code size() - 1} past the end. With zero-height items, the last of those sharing that top.
   *
   * @throws IllegalStateException if there are no items
   * @throws IllegalArgumentException if {@code offset} is negative or not finite
   */
  int indexAt(double offset);
}
