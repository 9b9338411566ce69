package dev.alchemist.core.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class VirtualWindowTest {

  @Test
  void visibleRange_guideExample_rendersEightOfThousand() {
    ItemHeights heights = ItemHeights.fixed(1000, 80);

    assertThat(VirtualWindow.visibleRange(heights, 600, 0, 0)).isEqualTo(new IndexRange(0, 8));
    assertThat(VirtualWindow.visibleRange(heights, 600, 40, 0)).isEqualTo(new IndexRange(0, 8));
    assertThat(VirtualWindow.visibleRange(heights, 600, 41, 0)).isEqualTo(new IndexRange(0, 9));
    assertThat(VirtualWindow.visibleRange(heights, 600, 800, 3)).isEqualTo(new IndexRange(7, 21));
  }

  @Test
  void visibleRange_offsetPastEnd_returnsLastPage() {
    ItemHeights heights = ItemHeights.fixed(100, 10);

    assertThat(VirtualWindow.visibleRange(heights, 50, 1_000_000, 0))
        .isEqualTo(new IndexRange(95, 100));
  }

  @Test
  void visibleRange_contentShorterThanViewport_returnsEverything() {
    assertThat(VirtualWindow.visibleRange(ItemHeights.variable(10, 20, 30), 600, 0, 2))
        .isEqualTo(new IndexRange(0, 3));
  }

  @Test
  void visibleRange_noItems_returnsEmpty() {
    assertThat(VirtualWindow.visibleRange(ItemHeights.variable(), 600, 0, 2))
        .isEqualTo(IndexRange.EMPTY);
  }

  @Test
  void visibleRange_zeroHeightViewport_returnsItemAtOffset() {
    assertThat(VirtualWindow.visibleRange(ItemHeights.fixed(100, 10), 0, 55, 0))
        .isEqualTo(new IndexRange(5, 6));
  }

  @Test
  void visibleRange_variableHeights_findsItemsAcrossTallRow() {
    VariableItemHeights heights = ItemHeights.variable(10, 10, 500, 10, 10, 10);

    assertThat(VirtualWindow.visibleRange(heights, 100, 25, 0)).isEqualTo(new IndexRange(2, 3));
    assertThat(VirtualWindow.visibleRange(heights, 100, 500, 0)).isEqualTo(new IndexRange(2, 6));
  }

  @Test
  void visibleRange_nanViewport_throwsNamingField() {
    assertThatThrownBy(() -> VirtualWindow.visibleRange(ItemHeights.fixed(1, 1), Double.NaN, 0, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("viewportHeight must be finite and >= 0 but was NaN");
  }

  @Test
  void visibleRange_negativeOffset_throwsNamingField() {
    assertThatThrownBy(() -> VirtualWindow.visibleRange(ItemHeights.fixed(1, 1), 10, -1, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("scrollOffset must be finite and >= 0 but was -1.0");
  }

  @Test
  void visibleRange_infiniteOffset_throwsNamingField() {
    assertThatThrownBy(
            () ->
                VirtualWindow.visibleRange(
                    ItemHeights.fixed(1, 1), 10, Double.POSITIVE_INFINITY, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("scrollOffset must be finite and >= 0 but was Infinity");
  }

  @Test
  void visibleRange_negativeOverscan_throwsNamingField() {
    assertThatThrownBy(() -> VirtualWindow.visibleRange(ItemHeights.fixed(1, 1), 10, 0, -2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("overscan must be >= 0 but was -2");
  }

  @Test
  void fixed_zeroHeight_throwsNamingField() {
    assertThatThrownBy(() -> ItemHeights.fixed(10, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("itemHeight must be finite and > 0 but was 0.0");
  }

  @Test
  void fixed_hugeHeight_throwsNamingLimit() {
    assertThatThrownBy(() -> ItemHeights.fixed(10, 2e9))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("itemHeight must be at most 1.0E9 but was 2.0E9");
  }

  @Test
  void fixed_negativeCount_throwsNamingField() {
    assertThatThrownBy(() -> ItemHeights.fixed(-1, 10))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("count must be >= 0 but was -1");
  }

  @Test
  void variable_nanHeight_throwsNamingIndex() {
    assertThatThrownBy(() -> ItemHeights.variable(1, 2, Double.NaN))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("height[2] must be finite and within [0, 1.0E9] but was NaN");
  }

  @Test
  void set_negativeHeight_throwsAndKeepsOldHeight() {
    VariableItemHeights heights = ItemHeights.variable(1, 2, 3);

    assertThatThrownBy(() -> heights.set(1, -4))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("height[1] must be finite and within [0, 1.0E9] but was -4.0");
    assertThat(heights.totalHeight()).isEqualTo(6);
  }

  @Test
  void indexAt_noItems_throwsIllegalState() {
    assertThatThrownBy(() -> ItemHeights.variable().indexAt(0))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("indexAt needs at least one item but size was 0");
  }

  @Property
  void visibleRange_fixedAndEqualVariableHeights_agree(
      @ForAll @IntRange(min = 0, max = 400) int count,
      @ForAll @IntRange(min = 1, max = 200) int itemHeight,
      @ForAll @IntRange(min = 0, max = 5_000) int viewportHeight,
      @ForAll @IntRange(min = 0, max = 100_000) int scrollOffset,
      @ForAll @IntRange(min = 0, max = 10) int overscan) {
    double[] same = new double[count];
    Arrays.fill(same, itemHeight);

    IndexRange fixed =
        VirtualWindow.visibleRange(
            ItemHeights.fixed(count, itemHeight), viewportHeight, scrollOffset, overscan);
    IndexRange variable =
        VirtualWindow.visibleRange(
            ItemHeights.variable(same), viewportHeight, scrollOffset, overscan);

    assertThat(variable).isEqualTo(fixed);
  }

  @Property
  void visibleRange_anyInput_staysInBoundsAndCoversViewport(
      @ForAll @Size(max = 300) List<@IntRange(min = 0, max = 120) Integer> heightList,
      @ForAll @DoubleRange(min = 0, max = 3_000) double viewportHeight,
      @ForAll @DoubleRange(min = 0, max = 50_000) double scrollOffset,
      @ForAll @IntRange(min = 0, max = 5) int overscan) {
    ItemHeights heights =
        ItemHeights.variable(heightList.stream().mapToDouble(Integer::doubleValue).toArray());
    int n = heights.size();

    IndexRange range = VirtualWindow.visibleRange(heights, viewportHeight, scrollOffset, overscan);

    assertThat(range.from()).isBetween(0, n);
    assertThat(range.to()).isBetween(range.from(), n);
    if (n > 0) {
      assertThat(range.isEmpty()).isFalse();
      double total = heights.totalHeight();
      double top = Math.min(scrollOffset, Math.max(0, total - viewportHeight));
      assertThat(heights.offsetOf(range.from())).isLessThanOrEqualTo(top);
      assertThat(heights.offsetOf(range.to()))
          .isGreaterThanOrEqualTo(Math.min(top + viewportHeight, total));
    }
  }
}
