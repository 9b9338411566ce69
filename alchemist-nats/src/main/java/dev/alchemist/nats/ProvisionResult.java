package dev.alchemist.nats;

/**
 * What {@link StreamProvisioner#provision} did.
 *
 * @param action created, updated or nothing
 * @param diff the differences it found before acting
 */
public record ProvisionResult(Action action, StreamDiff diff) {

  /** What provisioning did. */
  public enum Action {
    /** The stream was missing and was created. */
    CREATED,
    /** Mutable fields had drifted and were updated. */
    UPDATED,
    /** The stream already matched the spec. */
    UNCHANGED
  }
}
