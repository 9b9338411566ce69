package dev.alchemist.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class StreamSpecTest {

  @Test
  void alchemistEvents_defaults_matchGuide() {
    StreamSpec s = StreamSpec.alchemistEvents();
    assertThat(s.name()).isEqualTo("ALCHEMIST-EVENTS");
    assertThat(s.subjects()).containsExactly("cim.>");
    assertThat(s.retention()).isEqualTo(StreamSpec.Retention.LIMITS);
    assertThat(s.maxMessages()).isEqualTo(10_000_000L);
    assertThat(s.maxBytes()).isEqualTo(10L << 30);
    assertThat(s.maxAge()).isEqualTo(Duration.ofDays(7));
    assertThat(s.maxMessageSize()).isEqualTo(1 << 20);
    assertThat(s.storage()).isEqualTo(StreamSpec.Storage.FILE);
    assertThat(s.replicas()).isEqualTo(3);
    assertThat(s.placementCluster()).isEqualTo("production");
    assertThat(s.placementTags()).containsExactly("ssd", "fast");
    assertThat(s.duplicateWindow()).isEqualTo(Duration.ofMinutes(2));
  }

  @Test
  void forDevelopment_singleServer_oneReplicaNoPlacement() {
    StreamSpec s = StreamSpec.alchemistEvents().forDevelopment();
    assertThat(s.replicas()).isEqualTo(1);
    assertThat(s.placementCluster()).isNull();
    assertThat(s.placementTags()).isEmpty();
    assertThat(s.maxMessages()).isEqualTo(10_000_000L);
  }

  @Test
  void fromProperties_guideValues_parse() {
    Properties p = new Properties();
    p.setProperty("stream.name", "EVENTS-2");
    p.setProperty("stream.subjects", "[\"a.>\", \"b.>\"]");
    p.setProperty("stream.retention", "work_queue");
    p.setProperty("stream.max_msgs", "1000");
    p.setProperty("stream.max-bytes", "10GB");
    p.setProperty("stream.max_age", "7d");
    p.setProperty("stream.max_msg_size", "1MB");
    p.setProperty("stream.storage", "memory");
    p.setProperty("stream.replicas", "1");
    p.setProperty("stream.placement.cluster", "");
    p.setProperty("stream.placement.tags", "");
    p.setProperty("stream.duplicate-window", "PT30S");
    p.setProperty("other.key", "ignored");
    StreamSpec s = StreamSpec.fromProperties(p, "stream.");
    assertThat(s.name()).isEqualTo("EVENTS-2");
    assertThat(s.subjects()).containsExactly("a.>", "b.>");
    assertThat(s.retention()).isEqualTo(StreamSpec.Retention.WORK_QUEUE);
    assertThat(s.maxMessages()).isEqualTo(1000);
    assertThat(s.maxBytes()).isEqualTo(10L << 30);
    assertThat(s.maxAge()).isEqualTo(Duration.ofDays(7));
    assertThat(s.maxMessageSize()).isEqualTo(1 << 20);
    assertThat(s.storage()).isEqualTo(StreamSpec.Storage.MEMORY);
    assertThat(s.placementCluster()).isNull();
    assertThat(s.placementTags()).isEmpty();
    assertThat(s.duplicateWindow()).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void fromProperties_badValue_namesKeyAndValue() {
    Properties p = new Properties();
    p.setProperty("s.max-age", "forever");
    assertThatThrownBy(() -> StreamSpec.fromProperties(p, "s."))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("s.max-age='forever'");
    Properties q = new Properties();
    q.setProperty("s.colour", "red");
    assertThatThrownBy(() -> StreamSpec.fromProperties(q, "s."))
        .hasMessageContaining("s.colour")
        .hasMessageContaining("unknown key");
  }

  @Test
  void builder_badValues_throwNamingField() {
    assertThatThrownBy(() -> StreamSpec.builder().replicas(6))
        .hasMessage("replicas must be between 1 and 5 but was 6");
    assertThatThrownBy(() -> StreamSpec.builder().maxMessages(0))
        .hasMessageContaining("maxMessages must be positive, or -1");
    assertThatThrownBy(() -> StreamSpec.builder().name("a b").build())
        .hasMessageContaining("name must be letters");
    assertThatThrownBy(() -> StreamSpec.builder().subjects(List.of("a..b")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () ->
                StreamSpec.builder()
                    .maxAge(Duration.ofSeconds(10))
                    .duplicateWindow(Duration.ofMinutes(1))
                    .build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("must not exceed maxAge");
  }

  @Test
  void publisherSettings_retryBeyondDuplicateWindow_rejected() {
    assertThatThrownBy(
            () ->
                JetStreamPublisherSettings.builder()
                    .duplicateWindow(Duration.ofSeconds(30))
                    .maxRetryTime(Duration.ofSeconds(30))
                    .build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("must fit in the duplicateWindow");
    assertThatThrownBy(() -> JetStreamPublisherSettings.builder().maxInFlight(0))
        .hasMessage("maxInFlight must be between 1 and 1048576 but was 0");
  }
}
