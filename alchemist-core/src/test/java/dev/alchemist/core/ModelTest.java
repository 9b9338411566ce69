package dev.alchemist.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ModelTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final UUID DIALOG = UUID.fromString("00000000-0000-0000-0000-000000000001");

  @Test
  void message_negativeTokenCount_namesFieldAndValue() {
    assertThatThrownBy(() -> Message.of(DIALOG, MessageRole.USER, "hi", T0, -1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("tokenCount must not be negative but was -1");
  }

  @Test
  void message_nullContent_isRefused() {
    assertThatThrownBy(() -> Message.of(DIALOG, MessageRole.USER, null, T0, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("content must not be null");
  }

  @Test
  void message_contentBeyondLimit_namesLimit() {
    String huge = "x".repeat(Message.MAX_CONTENT_LENGTH + 1);
    assertThatThrownBy(() -> Message.of(DIALOG, MessageRole.USER, huge, T0, 0))
        .hasMessage(
            "content length must be between 0 and "
                + Message.MAX_CONTENT_LENGTH
                + " but was "
                + (Message.MAX_CONTENT_LENGTH + 1));
  }

  @Test
  void dialog_updatedBeforeCreated_isRefused() {
    assertThatThrownBy(() -> new Dialog(DIALOG, "u1", "t", T0, T0.minusSeconds(1)))
        .hasMessage(
            "updatedAt (2025-12-31T23:59:59Z) must not be before createdAt (2026-01-01T00:00:00Z)");
  }

  @Test
  void dialog_blankUser_isRefused() {
    assertThatThrownBy(() -> Dialog.open(" ", "t", T0)).hasMessage("userId must not be blank");
  }

  @Test
  void domainEvent_domainWithDot_isRefused() {
    assertThatThrownBy(() -> DomainEvent.of("dia.log", "message", "created", null, T0, "{}"))
        .hasMessage("domain must match [a-z0-9_-]+ but was 'dia.log'");
  }

  @Test
  void domainEvent_emptyType_isRefused() {
    assertThatThrownBy(() -> DomainEvent.of("dialog", "message", "", null, T0, "{}"))
        .hasMessage("type must be 1 to 64 characters but was 0 ('')");
  }

  @Test
  void domainEvent_wildcardEntity_isRefused() {
    assertThatThrownBy(() -> DomainEvent.of("dialog", ">", "created", null, T0, "{}"))
        .hasMessageContaining("entity must match");
  }

  @Test
  void domainEvent_blankSession_isRefusedButNullIsAllowed() {
    assertThat(DomainEvent.of("dialog", "message", "created", null, T0, "").sessionId()).isNull();
    assertThatThrownBy(() -> DomainEvent.of("dialog", "message", "created", "", T0, ""))
        .hasMessage("sessionId must not be blank");
  }

  @Test
  void domainStats_moreSessionsThanEvents_isRefused() {
    assertThatThrownBy(() -> new DomainStats("dialog", 1, T0, 2))
        .hasMessage("uniqueSessions (2) must not exceed eventCount (1)");
  }

  @Test
  void domainStats_eventsWithoutLastEvent_isRefused() {
    assertThatThrownBy(() -> new DomainStats("dialog", 3, null, 1))
        .hasMessage("lastEventAt must be set when eventCount is 3");
    assertThat(new DomainStats("dialog", 0, null, 0).eventCount()).isZero();
  }

  @Test
  void dialogHistory_messageOfOtherDialog_isRefused() {
    Message foreign = Message.of(UUID.randomUUID(), MessageRole.USER, "x", T0, 1);
    assertThatThrownBy(() -> new DialogHistory(DIALOG, List.of(foreign)))
        .hasMessageStartingWith("messages[0] belongs to dialog ");
  }

  @Test
  void dialogHistory_outOfOrder_isRefused() {
    Message later = Message.of(DIALOG, MessageRole.USER, "b", T0.plusSeconds(1), 1);
    Message earlier = Message.of(DIALOG, MessageRole.ASSISTANT, "a", T0, 1);
    assertThatThrownBy(() -> new DialogHistory(DIALOG, List.of(later, earlier)))
        .hasMessageContaining("oldest first");
  }

  @Test
  void dialogHistory_copiesItsList_soLaterChangesDoNotLeakIn() {
    List<Message> source = new ArrayList<>();
    source.add(Message.of(DIALOG, MessageRole.USER, "a", T0, 1));
    DialogHistory history = new DialogHistory(DIALOG, source);
    source.clear();
    assertThat(history.size()).isEqualTo(1);
    assertThatThrownBy(() -> history.messages().clear())
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void dialogHistory_append_keepsNewestWithinLimit() {
    DialogHistory history = DialogHistory.empty(DIALOG);
    for (int i = 0; i < 5; i++) {
      history =
          history.append(Message.of(DIALOG, MessageRole.USER, "m" + i, T0.plusSeconds(i), 1), 3);
    }
    assertThat(history.messages()).extracting(Message::content).containsExactly("m2", "m3", "m4");
  }
}
