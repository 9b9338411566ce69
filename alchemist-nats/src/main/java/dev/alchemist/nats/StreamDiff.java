package dev.alchemist.nats;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * How a stream on the server differs from a {@link StreamSpec}: the result of {@link
 * StreamProvisioner#diff}, a dry run that changes nothing.
 *
 * @param stream the stream's name
 * @param exists whether the server has the stream; if not, {@code changes} is empty and
 *     provisioning creates it
 * @param changes the fields that differ
 */
public record StreamDiff(String stream, boolean exists, List<Change> changes) {

  /**
   * One field that differs.
   *
   * @param field the {@link StreamSpec} component name, e.g. {@code maxAge}
   * @param current the server's value
   * @param desired the spec's value
   * @param mutable whether provisioning can update it in place
   */
  public record Change(
      String field, @Nullable Object current, @Nullable Object desired, boolean mutable) {
    @Override
    public String toString() {
      return field + ": " + current + " -> " + desired + (mutable ? "" : " (immutable)");
    }
  }

  public StreamDiff {
    changes = List.copyOf(changes);
  }

  /** Whether the stream exists and matches the spec. */
  public boolean inSync() {
    return exists && changes.isEmpty();
  }

  /** The changes provisioning cannot make. */
  public List<Change> immutableChanges() {
    return changes.stream().filter(c -> !c.mutable()).toList();
  }
}
