package dev.alchemist.core.flow.internal;

import dev.alchemist.core.Checks;
import dev.alchemist.core.flow.ItemHeights;
import dev.alchemist.core.flow.VariableItemHeights;
import java.util.Arrays;
import java.util.Objects;

/**
 * Per-item heights with prefix sums in a Fenwick tree: {@code tree[i]} (1-based) holds the sum of
 * the {@code i & -i} heights ending at item {@code i - 1}. Not thread-safe.
 */
public final class FenwickItemHeights implements VariableItemHeights {
  private double[] heights;
  private double[] tree;
  private int size;

  /** See {@link ItemHeights#variable(double...)}. */
  public FenwickItemHeights(double[] initial) {
    int n = initial.length;
    heights = new double[Math.max(16, n)];
    tree = new double[heights.length + 1];
    for (int i = 0; i < n; i++) {
      heights[i] = checkHeight(i, initial[i]);
    }
    size = n;
    // O(n) build: each node passes its complete sum to its parent.
    for (int i = 1; i <= n; i++) {
      tree[i] += heights[i - 1];
      int parent = i + (i & -i);
      if (parent <= n) {
        tree[parent] += tree[i];
      }
    }
  }

  private static double checkHeight(int index, double height) {
    if (!Double.isFinite(height) || height < 0 || height > MAX_ITEM_HEIGHT) {
      throw new IllegalArgumentException(
          "height["
              + index
              + "] must be finite and within [0, "
              + MAX_ITEM_HEIGHT
              + "] but was "
              + height);
    }
    return height;
  }

  @Override
  public int size() {
    return size;
  }

  @Override
  public double height(int index) {
    Objects.checkIndex(index, size);
    return heights[index];
  }

  @Override
  public double offsetOf(int index) {
    Objects.checkIndex(index, size + 1);
    return prefix(index);
  }

  @Override
  public double totalHeight() {
    return prefix(size);
  }

  private double prefix(int count) {
    double sum = 0;
    for (int i = count; i > 0; i -= i & -i) {
      sum += tree[i];
    }
    return sum;
  }

  @Override
  public int indexAt(double offset) {
    Checks.nonNegative("offset", offset, Double.MAX_VALUE);
    if (size == 0) {
      throw new IllegalStateException("indexAt needs at least one item but size was 0");
    }
    // Descend the implicit tree: the largest p with prefix(p) <= offset (heights are >= 0).
    int pos = 0;
    double rest = offset;
    for (int step = Integer.highestOneBit(size); step > 0; step >>= 1) {
      int next = pos + step;
      if (next <= size && tree[next] <= rest) {
        pos = next;
        rest -= tree[next];
      }
    }
    return Math.min(pos, size - 1);
  }

  @Override
  public void set(int index, double height) {
    Objects.checkIndex(index, size);
    double delta = checkHeight(index, height) - heights[index];
    heights[index] = height;
    for (int i = index + 1; i <= size; i += i & -i) {
      tree[i] += delta;
    }
  }

  @Override
  public void add(double height) {
    checkHeight(size, height);
    if (size == heights.length) {
      int capacity = Math.max(heights.length + 1, heights.length + (heights.length >> 1));
      heights = Arrays.copyOf(heights, capacity);
      tree = Arrays.copyOf(tree, capacity + 1);
    }
    heights[size] = height;
    int i = ++size;
    // The new node covers (i - lowbit(i), i]: its own height plus the nodes already below it.
    double sum = height;
    for (int j = i - 1; j > i - (i & -i); j -= j & -j) {
      sum += tree[j];
    }
    tree[i] = sum;
  }

  @Override
  public String toString() {
    return "FenwickItemHeights[size=" + size + ", totalHeight=" + totalHeight() + "]";
  }
}
