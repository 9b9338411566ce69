package dev.alchemist.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.alchemist.core.Dialog;
import dev.alchemist.core.Message;
import dev.alchemist.core.MessageRole;
import dev.alchemist.core.flow.IndexRange;
import dev.alchemist.core.flow.ItemHeights;
import dev.alchemist.core.flow.VirtualWindow;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A virtual list over a dialog's messages on the embedded store, reading only visible rows. */
class MessageWindowTest {
  private static final Instant T0 = Instant.parse("2026-11-26T00:00:00Z");
  private static final int ROWS = 1_000;

  private AlchemistDatabase db;
  private Dialog dialog;
  private final List<Message> all = new ArrayList<>();
  private final AtomicInteger pageReads = new AtomicInteger();
  private MessageRepository counting;

  @BeforeEach
  void setUp() {
    db =
        AlchemistDatabase.builder()
            .embedded()
            .maintenanceInterval(Duration.ZERO)
            .meterRegistry(new SimpleMeterRegistry())
            .build();
    dialog = Dialog.open("user-1", "long chat", T0);
    db.dialogs().insert(dialog);
    for (int i = 0; i < ROWS; i++) {
      // Pairs share a timestamp, so the id has to break ties for the order to be total.
      all.add(Message.of(dialog.id(), MessageRole.USER, "m" + i, T0.plusSeconds(i / 2), 1));
    }
    db.messages().insertAll(all);
    all.sort(
        java.util.Comparator.comparing(Message::timestamp).thenComparing(m -> m.id().toString()));
    counting = countingNewerThan(db.messages());
  }

  @AfterEach
  void tearDown() {
    db.close();
  }

  private MessageRepository countingNewerThan(MessageRepository delegate) {
    return (MessageRepository)
        Proxy.newProxyInstance(
            MessageRepository.class.getClassLoader(),
            new Class<?>[] {MessageRepository.class},
            (proxy, method, args) -> {
              if (method.getName().equals("newerThan")) {
                pageReads.incrementAndGet();
              }
              try {
                return method.invoke(delegate, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
            });
  }

  @Test
  void load_visibleRangeOfAScrolledView_returnsExactlyThoseRowsInOrder() {
    MessageWindow window = new MessageWindow(counting, dialog.id(), 50, 4);
    ItemHeights heights = ItemHeights.fixed(ROWS, 40);
    IndexRange range = VirtualWindow.visibleRange(heights, 600, 40 * 437.5, 3);

    List<Message> rows = window.load(range);

    assertThat(rows).isEqualTo(all.subList(range.from(), range.to()));
  }

  @Test
  void scrollingDown_readsEachPageOnce() {
    MessageWindow window = new MessageWindow(counting, dialog.id(), 50, 4);
    for (int top = 0; top + 20 <= ROWS; top += 5) {
      assertThat(window.load(new IndexRange(top, top + 20))).isEqualTo(all.subList(top, top + 20));
    }
    assertThat(pageReads).hasValue(ROWS / 50);
  }

  @Test
  void jumpingDeep_walksOnce_thenScrollingBackIsServedFromKnownCursors() {
    MessageWindow window = new MessageWindow(counting, dialog.id(), 100, 2);
    assertThat(window.load(new IndexRange(905, 915))).isEqualTo(all.subList(905, 915));
    assertThat(pageReads).hasValue(10);

    pageReads.set(0);
    assertThat(window.load(new IndexRange(305, 310))).isEqualTo(all.subList(305, 310));
    assertThat(pageReads).as("page 3 starts at a remembered cursor").hasValue(1);
  }

  @Test
  void rangePastTheNewestMessage_isCutShort() {
    MessageWindow window = new MessageWindow(counting, dialog.id(), 64, 4);
    assertThat(window.load(new IndexRange(990, 1_200))).isEqualTo(all.subList(990, ROWS));
    assertThat(window.load(new IndexRange(5_000, 5_010))).isEmpty();
    assertThat(window.load(IndexRange.EMPTY)).isEmpty();
  }

  @Test
  void appendedMessages_appearAfterInvalidatingTheLastPage() {
    MessageWindow window = new MessageWindow(counting, dialog.id(), 64, 4);
    assertThat(window.load(new IndexRange(990, 1_010))).hasSize(10);
    Message newest =
        Message.of(dialog.id(), MessageRole.ASSISTANT, "new", T0.plusSeconds(9_999), 1);
    db.messages().append(newest);

    window.invalidateFrom(ROWS);

    assertThat(window.load(new IndexRange(995, 1_010))).hasSize(6).last().isEqualTo(newest);
  }

  @Test
  void badSettings_nameFieldAndLimit() {
    assertThatThrownBy(() -> new MessageWindow(counting, dialog.id(), 0, 4))
        .hasMessage("pageSize must be between 1 and 1000 but was 0");
    assertThatThrownBy(() -> new MessageWindow(counting, dialog.id(), 10, 0))
        .hasMessage("cachedPages must be >= 1 but was 0");
  }
}
