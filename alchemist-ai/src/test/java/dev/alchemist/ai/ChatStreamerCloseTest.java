package dev.alchemist.ai;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

/** Use after close names the streamer, not the model underneath it. */
class ChatStreamerCloseTest {

  @Test
  void stream_afterClose_throwsIllegalStateNamingTheStreamer() {
    ChatStreamer chat = ChatStreamer.builder().meterRegistry(new SimpleMeterRegistry()).build();
    chat.close();

    assertThatThrownBy(() -> chat.stream(ChatRequest.of("sim", "hello")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("chat streamer is closed");
  }

  @Test
  void stream_afterCloseWithTheHostsModel_throwsEvenThoughTheModelIsOpen() {
    try (ChatModel model = SimulatedChatModel.builder().build()) {
      ChatStreamer chat =
          ChatStreamer.builder().model(model).meterRegistry(new SimpleMeterRegistry()).build();
      chat.close();

      assertThatThrownBy(() -> chat.stream(ChatRequest.of("sim", "hello")))
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("chat streamer is closed");
    }
  }
}
