package dev.alchemist.core.flow;

/**
 * {@link ItemHeights} that change: an item's measured height replaces its estimate, and new items
 * are appended, each in O(log n). Create with {@link ItemHeights#variable(double...)}.
 *
 * <p>Not thread-safe: confine it to the UI thread or guard it.
 */
public interface VariableItemHeights extends ItemHeights {

  /**
   * Sets the height of item {@code index}.
   *
   * @throws IndexOutOfBoundsException unless {@code 0 <= index < size()}
   * @throws IllegalArgumentException if {@code height} is not finite, negative or larger than
   *     {@link #MAX_ITEM_HEIGHT}
   */
  void set(int index, double height);

  /**
   * Appends an item of the given height.
   *
   * @throws IllegalArgumentException if {@code height} is not finite, negative or larger than
   *     {@link #MAX_ITEM_HEIGHT}
   */
  void add(double height);
}
