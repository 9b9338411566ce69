package dev.alchemist.nats;

import dev.alchemist.core.DomainEvent;
import dev.alchemist.testing.TestServices;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

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
    return NatsEvents.builder()
        .url(url)
        .subjects(subjects)
        .meterRegistry(new SimpleMeterRegistry())
        .closeTimeout(Duration.ofSeconds(10))
        .build();
  }

  static DomainEvent event(String type, String payload) {
    return DomainEvent.of("dialog", "message", type, "s-1", Instant.now(), payload);
  }
}
