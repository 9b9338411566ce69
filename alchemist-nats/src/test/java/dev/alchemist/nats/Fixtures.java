package dev.alchemist.nats;

import dev.alchemist.core.DomainEvent;
import dev.alchemist.testing.TestServices;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** Shared helpers of the integration tests. */
final class Fixtures {
  private Fixtures() {}

  /** A stream on its own subject root, for the shared server. */
  record Space(String stream, SubjectSpace subjects, StreamSpec spec) {}

  static Space space(String hint) {
    String prefix = TestServices.uniquePrefix(hint);
    SubjectSpace subjects = SubjectSpace.of(prefix);
    StreamSpec spec =
        StreamSpec.alchemistEvents().forDevelopment().toBuilder()
            .name(prefix.toUpperCase(Locale.ROOT))
            .subjects(subjects)
            .maxAge(Duration.ofHours(1))
            .build();
    return new Space(spec.name(), subjects, spec);
  }

  static NatsEvents connect(String url, SubjectSpace subjects) {
    return connect(url, subjects, new SimpleMeterRegistry());
  }

  static NatsEvents connect(String url, SubjectSpace subjects, SimpleMeterRegistry registry) {
    return NatsEvents.builder()
        .url(url)
        .subjects(subjects)
        .meterRegistry(registry)
        .closeTimeout(Duration.ofSeconds(10))
        .build();
  }

  static DomainEvent event(String type, String payload) {
    return DomainEvent.of("dialog", "message", type, "s-1", Instant.now(), payload);
  }

  /**
   * Base of the tests that each use a provisioned stream of their own on the shared server: before
   * each test it makes the stream and a bus on its subjects; after it, deletes the stream and
   * closes the bus.
   */
  abstract static class OnOwnStream {
    private final String hint;
    Space space;
    SimpleMeterRegistry registry;
    NatsEvents events;

    OnOwnStream(String hint) {
      this.hint = hint;
    }

    @BeforeEach
    void provisionStream() {
      space = space(hint);
      registry = new SimpleMeterRegistry();
      events = connect(TestServices.nats().uri(), space.subjects(), registry);
      events.provisioner().provision(space.spec());
    }

    @AfterEach
    void deleteStream() {
      events.provisioner().delete(space.stream());
      events.close();
    }
  }
}
