package dev.alchemist.core.flow;

import dev.alchemist.core.Checks;
import java.util.Objects;

/**
 * Virtual scrolling arithmetic: which items of a long list intersect the viewport, so a host
 * renders (or a server sends) only those, whatever the list's length. Works for any host UI
 * (JavaFX, Swing, a browser fed over a websocket) and for server-side paging by pixel offset.
 *
 * <pre>{@code
 * VariableItemHeights heights = ItemHeights.variable();     // estimates, refined as items render
 * messages.forEach(m -> heights.add(80));
 * IndexRange range = VirtualWindow.visibleRange(heights, 600, scrollTop, 3);
 * render(messages.subList(range.from(), range.to()), heights.offsetOf(range.from()));
 * }</pre>
 *
 * <p>Stateless and thread-safe; the {@link ItemHeights} passed in must not change during a call.
 */
public final class VirtualWindow {
  private VirtualWindow() {}

  /**
   * Returns the indexes of the items that intersect {@code [scrollOffset, scrollOffset +
   * viewportHeight)}, widened by {@code overscan} items on each side (so a quick scroll shows no
   * blank rows) and clipped to {@code [0, heights.size())}.
   *
   * <p>The item at the top of the viewport is always included, even for a zero-height viewport. An
   * offset past the end of the content is treated as scrolled to the bottom (as browsers clamp
   * {@code scrollTop} when content shrinks), so the last page is returned rather than nothing.
   *
   * @param heights the item heights
   * @param viewportHeight the visible height, finite and {@code >= 0}
   * @param scrollOffset the offset of the viewport's top edge in the content, finite and {@code >=
   *     0}
   * @param overscan extra items to include above and below, {@code >= 0}
   * @return the range to render; {@link IndexRange#EMPTY} when there are no items
   * @throws IllegalArgumentException if an argument is out of range; the message names it
   */
  public static IndexRange visibleRange(
      ItemHeights heights, double viewportHeight, double scrollOffset, int overscan) {
    Objects.requireNonNull(heights, "heights");
    Checks.nonNegative("viewportHeight", viewportHeight, Double.MAX_VALUE);
    Checks.nonNegative("scrollOffset", scrollOffset, Double.MAX_VALUE);
    Checks.atLeast("overscan", overscan, 0);
    int n = heights.size();
    if (n == 0) {
      return IndexRange.EMPTY;
    }
    double total = heights.totalHeight();
    double top = Math.min(scrollOffset, Math.max(0, total - viewportHeight));
    int first = heights.indexAt(top);
    int end;
    if (viewportHeight >= total - top) {
      end = n;
    } else {
      double bottom = top + viewportHeight;
      int last = heights.indexAt(bottom);
      end = heights.offsetOf(last) < bottom ? last + 1 : last;
    }
    end = Math.max(end, first + 1);
    int from = Math.max(0, first - overscan);
    int to = (int) Math.min(n, (long) end + overscan);
    return new IndexRange(from, to);
  }
}
