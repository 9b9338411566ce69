package dev.alchemist.cache.internal;

import dev.alchemist.cache.CircuitState;
import dev.alchemist.core.internal.InFlight;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The way every Redis command of a {@link RedisStore} goes: through the {@link CircuitBreaker}
 * (refused at once while it is open), counted while in flight (so close() can wait for writes
 * already sent), and with every failure turned into a {@link StoreException} of a known kind
 * (timeout, server, unavailable). Kept apart from the store because the breaker's bookkeeping and
 * the mapping of Lettuce's exceptions are the same for every command. Thread-safe.
 */
final class RedisCalls {

  private final CircuitBreaker breaker;
  private final long awaitMillis;

  /** Commands sent and not yet answered; close() waits for them (bounded). */
  private final InFlight inFlight = new InFlight();

  RedisCalls(CircuitBreaker breaker, long awaitMillis) {
    this.breaker = breaker;
    this.awaitMillis = awaitMillis;
  }

  CircuitState state() {
    return breaker.state();
  }

  /** Waits (bounded) until the commands already sent got their answer or timed out. */
  void awaitIdle() {
    inFlight.awaitZero(awaitMillis, TimeUnit.MILLISECONDS);
  }

  /** Waits for a command's answer; a failure is thrown as a {@link StoreException}. */
  <T> T await(CompletableFuture<T> future) {
    try {
      return future.get(awaitMillis, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw asStoreException(e.getCause());
    } catch (TimeoutException e) {
      throw new StoreException("timeout", "no answer from Redis within " + awaitMillis + " ms", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreException("unavailable", "interrupted while waiting for Redis", e);
    }
  }

  /** Runs one command (or pipelined batch) through the circuit breaker. */
  <T> CompletableFuture<T> call(Supplier<? extends CompletionStage<T>> operation) {
    if (!breaker.tryAcquire()) {
      return CompletableFuture.failedFuture(StoreException.CIRCUIT_OPEN);
    }
    CompletionStage<T> stage;
    try {
      stage = operation.get();
    } catch (RuntimeException e) {
      StoreException failure = asStoreException(e);
      record(failure);
      return CompletableFuture.failedFuture(failure);
    }
    CompletableFuture<T> result = new CompletableFuture<>();
    inFlight.increment();
    stage.whenComplete(
        (value, error) -> {
          inFlight.decrement();
          if (error == null) {
            breaker.onSuccess();
            result.complete(value);
          } else {
            StoreException failure = asStoreException(error);
            record(failure);
            result.completeExceptionally(failure);
          }
        });
    return result;
  }

  private void record(StoreException failure) {
    // A server error (WRONGTYPE, NOSCRIPT, ...) means Redis answered: it is up.
    if (failure.kind().equals("server")) {
      breaker.onSuccess();
    } else {
      breaker.onFailure();
    }
  }

  private static StoreException asStoreException(@Nullable Throwable error) {
    while (error instanceof CompletionException || error instanceof ExecutionException) {
      if (error.getCause() == null) {
        break;
      }
      error = error.getCause();
    }
    if (error instanceof StoreException se) {
      return se;
    }
    if (error instanceof RedisCommandTimeoutException) {
      return new StoreException("timeout", String.valueOf(error.getMessage()), error);
    }
    if (error instanceof RedisCommandExecutionException) {
      return new StoreException("server", String.valueOf(error.getMessage()), error);
    }
    return new StoreException(
        "unavailable",
        error == null
            ? "unknown failure"
            : error.getClass().getSimpleName() + ": " + error.getMessage(),
        error);
  }
}
