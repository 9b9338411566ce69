package dev.alchemist.cache;

/**
 * The state of the circuit breaker that guards a {@link CacheManager}'s Redis connection.
 *
 * <p>{@link #gaugeValue()} is what the {@code alchemist.cache.circuit.state} gauge reports.
 */
public enum CircuitState {
  /** Redis answers; every operation is sent. */
  CLOSED(0),
  /** A probe operation is sent to find out whether Redis is back; the others are skipped. */
  HALF_OPEN(1),
  /** Redis failed repeatedly; operations are skipped (gets miss, puts are dropped) for a while. */
  OPEN(2);

  private final int gaugeValue;

  CircuitState(int gaugeValue) {
    this.gaugeValue = gaugeValue;
  }

  /** 0 closed, 1 half-open, 2 open. */
  public int gaugeValue() {
    return gaugeValue;
  }
}
