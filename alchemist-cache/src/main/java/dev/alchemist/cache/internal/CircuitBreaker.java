package dev.alchemist.cache.internal;

import dev.alchemist.cache.CircuitState;
import dev.alchemist.core.Ticker;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;

/**
 * A small closed/open/half-open circuit breaker. Written by hand because it needs only consecutive
 * failures, an open period and one probe at a time; a library (resilience4j, Failsafe) would add a
 * dependency tree for those thirty lines.
 *
 * <p>Closed: every operation passes; {@code failureThreshold} consecutive failures open it. Open:
 * operations are refused until {@code openNanos} have passed; then the next operation passes as the
 * probe (half-open) and the others are still refused. The probe's success closes the circuit, its
 * failure opens it for another period. Thread-safe and lock-free.
 */
public final class CircuitBreaker {

  private final int failureThreshold;
  private final long openNanos;
  private final Ticker ticker;
  private final BiConsumer<CircuitState, CircuitState> onTransition;
  private final AtomicReference<CircuitState> state = new AtomicReference<>(CircuitState.CLOSED);
  private final AtomicInteger consecutiveFailures = new AtomicInteger();
  private final AtomicBoolean probeInFlight = new AtomicBoolean();
  private volatile long openedAt;

  /**
   * @param onTransition told of every state change (from, to); must not throw
   */
  public CircuitBreaker(
      int failureThreshold,
      long openNanos,
      Ticker ticker,
      BiConsumer<CircuitState, CircuitState> onTransition) {
    this.failureThreshold = failureThreshold;
    this.openNanos = openNanos;
    this.ticker = ticker;
    this.onTransition = onTransition;
  }

  /** The current state. */
  public CircuitState state() {
    return state.get();
  }

  /**
   * Whether an operation may be sent now. A {@code true} must be followed by exactly one {@link
   * #onSuccess()} or {@link #onFailure()}.
   */
  public boolean tryAcquire() {
    CircuitState current = state.get();
    if (current == CircuitState.CLOSED) {
      return true;
    }
    if (current == CircuitState.OPEN) {
      if (ticker.read() - openedAt < openNanos) {
        return false;
      }
      if (probeInFlight.compareAndSet(false, true)) {
        transition(CircuitState.OPEN, CircuitState.HALF_OPEN);
        return true;
      }
      return false;
    }
    return probeInFlight.compareAndSet(false, true);
  }

  /** The operation reached Redis and got an answer. */
  public void onSuccess() {
    consecutiveFailures.set(0);
    CircuitState current = state.get();
    if (current != CircuitState.CLOSED && transition(current, CircuitState.CLOSED)) {
      probeInFlight.set(false);
    } else if (current == CircuitState.HALF_OPEN) {
      probeInFlight.set(false);
    }
  }

  /** The operation failed to reach Redis or timed out. */
  public void onFailure() {
    CircuitState current = state.get();
    if (current == CircuitState.HALF_OPEN) {
      openedAt = ticker.read();
      transition(CircuitState.HALF_OPEN, CircuitState.OPEN);
      probeInFlight.set(false);
      return;
    }
    if (current == CircuitState.CLOSED
        && consecutiveFailures.incrementAndGet() >= failureThreshold) {
      openedAt = ticker.read();
      transition(CircuitState.CLOSED, CircuitState.OPEN);
    }
  }

  private boolean transition(CircuitState from, CircuitState to) {
    if (state.compareAndSet(from, to)) {
      if (to == CircuitState.OPEN) {
        consecutiveFailures.set(0);
      }
      onTransition.accept(from, to);
      return true;
    }
    return false;
  }
}
