package dev.alchemist.nats;

/** What a JetStream publish does when {@code maxInFlight} acks are already outstanding. */
public enum OverflowPolicy {
  /**
   * Wait for a free slot up to {@code blockTimeout}, then fail the returned future with {@link
   * PublishException.Reason#IN_FLIGHT_LIMIT}. The calling thread blocks: back-pressure.
   */
  BLOCK_WITH_TIMEOUT,
  /** Fail the returned future at once with {@link PublishException.Reason#IN_FLIGHT_LIMIT}. */
  FAIL_FAST
}
