package dev.alchemist.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/** Finds meters tagged with per-user, per-dialog or per-session values. */
final class CardinalityGuard {
  static final Set<String> FORBIDDEN_KEYS =
      Set.of("user", "user_id", "dialog", "dialog_id", "session", "session_id");
  private static final Pattern UUID =
      Pattern.compile(
          "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

  private CardinalityGuard() {}

  /** Returns one line per offending tag; empty when every tag is low-cardinality. */
  static List<String> violations(MeterRegistry registry) {
    List<String> found = new ArrayList<>();
    for (Meter meter : registry.getMeters()) {
      for (Tag tag : meter.getId().getTags()) {
        String key = tag.getKey().toLowerCase(Locale.ROOT).replace('.', '_').replace('-', '_');
        if (FORBIDDEN_KEYS.contains(key)) {
          found.add(meter.getId().getName() + " has forbidden tag key " + tag.getKey());
        }
        if (UUID.matcher(tag.getValue()).find()) {
          found.add(
              meter.getId().getName()
                  + " tag "
                  + tag.getKey()
                  + " looks like an id: "
                  + tag.getValue());
        }
      }
    }
    return found;
  }
}
