package dev.alchemist.ai.internal;

import dev.alchemist.ai.AiException;
import dev.alchemist.ai.ChunkPolicy;
import java.util.concurrent.Flow;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * One subscriber's buffer: merges tokens into chunks by the {@link ChunkPolicy} and hands them out
 * as demand allows. Appending a token takes the lock, appends to a reused {@link StringBuilder} and
 * counts; it allocates nothing unless the builder grows or a flush timer is armed (once per chunk).
 * Signals are serialized by a work-in-progress counter and never sent under the lock.
 */
final class Chunker implements Flow.Subscription {
  /** Builders that grew past this (a slow subscriber's merge) are replaced after they drain. */
  private static final int RETAINED_CAPACITY = 1024;

  private final StreamHub hub;
  private final Flow.Subscriber<? super String> downstream;
  private final ChunkPolicy policy;
  private final ReentrantLock lock = new ReentrantLock();
  private final AtomicInteger wip = new AtomicInteger();
  private StringBuilder pending = new StringBuilder(32);
  private int pendingTokens;
  private long pendingBytes;
  private long pendingSince;
  private boolean ready;
  private boolean firstSent;
  private long demand;
  private boolean timerArmed;
  private boolean upstreamDone;
  private @Nullable AiException error;
  private boolean overflowed;
  private boolean cancelled;
  private boolean terminated;

  Chunker(StreamHub hub, Flow.Subscriber<? super String> downstream, ChunkPolicy policy) {
    this.hub = hub;
    this.downstream = downstream;
    this.policy = policy;
  }

  /** Starts a late subscriber with the text produced so far as one ready chunk. */
  void seed(CharSequence soFar, long now) {
    lock.lock();
    try {
      if (soFar.length() > 0) {
        pending.append(soFar);
        pendingBytes = Utf8.length(soFar);
        pendingTokens = 1;
        pendingSince = now;
        ready = true;
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * Takes one token; returns whether this subscriber still has room (fewer than {@code
   * maxPendingBytes} pending), which is what lets the hub ask the upstream for the next one.
   */
  boolean onToken(String text, long now) {
    boolean armTimer = false;
    boolean room;
    lock.lock();
    try {
      if (cancelled || terminated || upstreamDone) {
        return false;
      }
      // Already full before this token: the hub read on for a faster subscriber.
      boolean wasFull = pendingBytes >= policy.maxPendingBytes();
      if (pending.length() == 0) {
        pendingSince = now;
      }
      pending.append(text);
      pendingTokens++;
      pendingBytes += Utf8.length(text);
      if (!firstSent && policy.firstTokenImmediate()) {
        ready = true;
      } else if (pendingTokens >= policy.maxTokens()
          || (policy.flushOnNewline() && text.indexOf('\n') >= 0)) {
        ready = true;
      } else if (!ready && !timerArmed) {
        timerArmed = true;
        armTimer = true;
      }
      room = pendingBytes < policy.maxPendingBytes();
      if (!room) {
        // Full: this chunk goes out as soon as there is demand, whatever its age or count.
        ready = true;
      }
      if (wasFull && demand == 0) {
        overflowed = true;
        upstreamDone = true;
        room = false;
        error =
            new AiException(
                AiException.Reason.OVERFLOW,
                "subscriber without demand fell behind the others: "
                    + pendingBytes
                    + " bytes pending, more than maxPendingBytes ("
                    + policy.maxPendingBytes()
                    + "); its stream is failed rather than drop text");
      }
    } finally {
      lock.unlock();
    }
    if (armTimer) {
      armTimer(policy.maxDelay().toNanos());
    }
    drain();
    return room;
  }

  /**
   * Whether another token would fit (the hub asks the upstream only for a subscriber with room).
   */
  boolean hasRoom() {
    lock.lock();
    try {
      return !cancelled && !terminated && !upstreamDone && pendingBytes < policy.maxPendingBytes();
    } finally {
      lock.unlock();
    }
  }

  boolean isCancelled() {
    lock.lock();
    try {
      return cancelled;
    } finally {
      lock.unlock();
    }
  }

  /**
   * At most one flush timer per subscriber is outstanding. It is not cancelled when a chunk leaves
   * early; when it fires it flushes text that has waited {@code maxDelay}, or re-arms for the
   * younger text's remaining time. So a fast stream schedules once per {@code maxDelay}, not once
   * per chunk.
   */
  private void armTimer(long delayNanos) {
    try {
      hub.scheduler.schedule(this::timerFired, delayNanos, TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      // No timer: release at once rather than hold text with no way to flush it.
      lock.lock();
      try {
        timerArmed = false;
        ready = pending.length() > 0;
      } finally {
        lock.unlock();
      }
      drain();
    }
  }

  private void timerFired() {
    long rearm = 0;
    lock.lock();
    try {
      timerArmed = false;
      if (cancelled || terminated || pending.length() == 0 || ready) {
        return;
      }
      long age = hub.ticker.read() - pendingSince;
      long remaining = policy.maxDelay().toNanos() - age;
      if (remaining <= 0) {
        ready = true;
      } else {
        timerArmed = true;
        rearm = remaining;
      }
    } finally {
      lock.unlock();
    }
    if (rearm > 0) {
      armTimer(rearm);
    } else {
      drainOnExecutor();
    }
  }

  /**
   * A flush timer runs on the timer shared by every stream in the JVM; the chunk it releases is
   * delivered on the stream's executor, so a subscriber that blocks in {@code onNext} delays only
   * itself. An executor that rejects the task gets the delivery run here rather than lost.
   */
  private void drainOnExecutor() {
    try {
      hub.executor.execute(this::drain);
    } catch (RejectedExecutionException e) {
      drain();
    }
  }

  /** The upstream ended; the tail is flushed (demand permitting) before the terminal signal. */
  void upstreamEnded(@Nullable AiException failure) {
    lock.lock();
    try {
      if (upstreamDone) {
        return;
      }
      upstreamDone = true;
      error = failure;
    } finally {
      lock.unlock();
    }
    drain();
  }

  @Override
  public void request(long n) {
    if (n <= 0) {
      lock.lock();
      try {
        if (!upstreamDone) {
          upstreamDone = true;
          overflowed = true; // deliver at once, like an overflow
          error =
              new AiException(
                  AiException.Reason.PROTOCOL, "request(" + n + "): n must be > 0 (rule 3.9)");
        }
      } finally {
        lock.unlock();
      }
    } else {
      lock.lock();
      try {
        demand = demand + n < 0 ? Long.MAX_VALUE : demand + n;
      } finally {
        lock.unlock();
      }
    }
    drain();
  }

  @Override
  public void cancel() {
    lock.lock();
    try {
      if (cancelled || terminated) {
        return;
      }
      cancelled = true;
      pending = new StringBuilder(0);
    } finally {
      lock.unlock();
    }
    hub.detach(this);
  }

  /** Delivers what became deliverable outside a token arrival (a seeded late start). */
  void kick() {
    drain();
  }

  private void drain() {
    if (wip.getAndIncrement() != 0) {
      return;
    }
    int missed = 1;
    for (; ; ) {
      for (; ; ) {
        String chunk = null;
        long delay = 0;
        boolean end = false;
        AiException failure = null;
        lock.lock();
        try {
          if (cancelled || terminated) {
            break;
          }
          if (overflowed) {
            terminated = true;
            end = true;
            failure = error;
            pending = new StringBuilder(0);
          } else if (pending.length() > 0 && (ready || upstreamDone) && demand > 0) {
            chunk = pending.toString();
            delay = hub.ticker.read() - pendingSince;
            if (pending.capacity() > RETAINED_CAPACITY) {
              pending = new StringBuilder(32);
            } else {
              pending.setLength(0);
            }
            pendingTokens = 0;
            pendingBytes = 0;
            ready = false;
            firstSent = true;
            if (demand != Long.MAX_VALUE) {
              demand--;
            }
          } else if (pending.length() == 0 && upstreamDone) {
            terminated = true;
            end = true;
            failure = error;
          }
        } finally {
          lock.unlock();
        }
        if (chunk != null) {
          hub.delivered(delay);
          try {
            downstream.onNext(chunk);
          } catch (RuntimeException e) {
            hub.subscriberFailed(e);
            cancel();
            break;
          }
          // The pending text left: there is room, so the upstream may go on.
          hub.pull();
          continue;
        }
        if (end) {
          hub.detach(this);
          if (failure == null) {
            downstream.onComplete();
          } else {
            if (failure.reason() == AiException.Reason.OVERFLOW) {
              hub.overflowed();
            }
            downstream.onError(failure);
          }
        }
        break;
      }
      missed = wip.addAndGet(-missed);
      if (missed == 0) {
        return;
      }
    }
  }
}
