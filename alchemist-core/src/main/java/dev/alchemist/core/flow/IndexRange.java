package dev.alchemist.core.flow;

/**
 * A half-open range of item indexes {@code [from, to)}, as returned by {@link
 * VirtualWindow#visibleRange}. Immutable.
 *
 * @param from the first index in the range
 * @param to one past the last index in the range; {@code to == from} means empty
 */
public record IndexRange(int from, int to) {
  /** The empty range at 0. */
  public static final IndexRange EMPTY = new IndexRange(0, 0);

  /** Checks {@code 0 <= from <= to}. */
  public IndexRange {
    if (from < 0) {
      throw new IllegalArgumentException("from must be >= 0 but was " + from);
    }
    if (to < from) {
      throw new IllegalArgumentException("to must be >= from (" + from + ") but was " + to);
    }
  }

  /** Returns the number of indexes in the range. */
  public int size() {
    return to - from;
  }

  /** Returns whether the range holds no index. */
  public boolean isEmpty() {
    return to == from;
  }

  /** Returns whether {@code index} lies in the range. */
  public boolean contains(int index) {
    return index >= from && index < to;
  }
}
