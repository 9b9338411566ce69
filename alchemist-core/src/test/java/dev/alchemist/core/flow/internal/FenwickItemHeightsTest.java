package dev.alchemist.core.flow.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class FenwickItemHeightsTest {

  /** One edit: set(index % size, height) when {@code append} is false, else add(height). */
  record Edit(boolean append, int index, int height) {}

  @Provide
  Arbitrary<List<Edit>> edits() {
    return Combinators.combine(
            Arbitraries.of(true, false),
            Arbitraries.integers().between(0, 10_000),
            Arbitraries.integers().between(0, 1_000))
        .as(Edit::new)
        .list()
        .ofMaxSize(200);
  }

  @Property
  void prefixSums_afterEdits_matchNaiveSums(
      @ForAll @Size(max = 200) List<@IntRange(min = 0, max = 1_000) Integer> initial,
      @ForAll("edits") List<Edit> edits) {
    List<Double> naive = new ArrayList<>();
    initial.forEach(h -> naive.add(h.doubleValue()));
    FenwickItemHeights fenwick =
        new FenwickItemHeights(initial.stream().mapToDouble(Integer::doubleValue).toArray());

    for (Edit edit : edits) {
      if (edit.append() || naive.isEmpty()) {
        naive.add((double) edit.height());
        fenwick.add(edit.height());
      } else {
        int i = edit.index() % naive.size();
        naive.set(i, (double) edit.height());
        fenwick.set(i, edit.height());
      }
    }

    assertThat(fenwick.size()).isEqualTo(naive.size());
    double sum = 0;
    for (int i = 0; i < naive.size(); i++) {
      assertThat(fenwick.offsetOf(i)).isEqualTo(sum);
      assertThat(fenwick.height(i)).isEqualTo(naive.get(i));
      sum += naive.get(i);
    }
    assertThat(fenwick.offsetOf(naive.size())).isEqualTo(sum);
    assertThat(fenwick.totalHeight()).isEqualTo(sum);
  }

  @Property
  void indexAt_anyOffset_matchesLinearScan(
      @ForAll @Size(min = 1, max = 300) List<@IntRange(min = 0, max = 50) Integer> heights,
      @ForAll @IntRange(min = 0, max = 20_000) int offset) {
    FenwickItemHeights fenwick =
        new FenwickItemHeights(heights.stream().mapToDouble(Integer::doubleValue).toArray());

    // The last item whose top is at or above the offset.
    int expected = 0;
    double top = 0;
    for (int i = 0; i < heights.size(); i++) {
      if (top <= offset) {
        expected = i;
      }
      top += heights.get(i);
    }

    assertThat(fenwick.indexAt(offset)).isEqualTo(expected);
  }

  @Test
  void add_pastInitialCapacity_growsAndKeepsSums() {
    FenwickItemHeights fenwick = new FenwickItemHeights(new double[0]);
    for (int i = 1; i <= 1_000; i++) {
      fenwick.add(i);
    }

    assertThat(fenwick.totalHeight()).isEqualTo(500_500);
    assertThat(fenwick.offsetOf(500)).isEqualTo(125_250);
    assertThat(fenwick.indexAt(125_250)).isEqualTo(500);
  }
}
