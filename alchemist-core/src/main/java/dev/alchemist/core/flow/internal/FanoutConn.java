package dev.alchemist.core.flow.internal;

import dev.alchemist.core.flow.FanoutConnection;
import dev.alchemist.core.flow.FrameSink;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * One connection: it holds at most one frame, sends one at a time and at most once per interval.
 * State changes under the connection's monitor; sends and sink callbacks run outside it.
 */
final class FanoutConn<F> implements FanoutConnection {
  private final DefaultFrameFanout<F> fanout;
  private final String topic;
  private final FrameSink<? super F> sink;

  // Guarded by this.
  private @Nullable F pending;
  private boolean sending;
  private boolean timerArmed;
  private long nextAllowedAt;
  private long lastSeq;
  private long sendStartedAt;
  private FrameSink.@Nullable CloseReason closing;
  private boolean done;
  private long sentCount;
  private long skippedCount;

  FanoutConn(DefaultFrameFanout<F> fanout, String topic, FrameSink<? super F> sink) {
    this.fanout = fanout;
    this.topic = topic;
    this.sink = sink;
    this.nextAllowedAt = fanout.settings.ticker().read();
  }

  /**
   * Makes {@code frame} the one this connection holds, unless it was offered a newer one; sends it
   * now if it may.
   */
  void offer(DefaultFrameFanout.Versioned<F> versioned) {
    F frame = versioned.frame();
    F now;
    synchronized (this) {
      if (closing != null || versioned.seq() <= lastSeq) {
        return;
      }
      lastSeq = versioned.seq();
      if (pending != null) {
        skippedCount++;
        fanout.skipped.increment();
      }
      pending = frame;
      now = takeIfDue(false);
    }
    if (now != null) {
      send(now);
    }
  }

  /**
   * Holding the lock: the frame to send now, or null (a send is outstanding, or the interval has
   * not passed, in which case the timer is armed for it). {@code timerFired}: the frame was held
   * back and its timer fired, perhaps late, which the next interval absorbs (see {@link Pacing}).
   */
  private @Nullable F takeIfDue(boolean timerFired) {
    if (sending || pending == null || timerArmed) {
      return null;
    }
    long now = fanout.settings.ticker().read();
    long wait = nextAllowedAt - now;
    if (wait > 0) {
      timerArmed = true;
      try {
        fanout.scheduler.schedule(this::onTimer, wait, TimeUnit.NANOSECONDS);
      } catch (RuntimeException e) {
        // The host's scheduler refused: send now rather than hold the frame forever.
        timerArmed = false;
        fanout.sinkFailed("scheduling a held-back frame", e);
        return take(now, false);
      }
      return null;
    }
    return take(now, timerFired);
  }

  private F take(long now, boolean timerFired) {
    F f = pending;
    pending = null;
    sending = true;
    sendStartedAt = now;
    long countedFrom =
        timerFired ? Pacing.countedFrom(nextAllowedAt, now, fanout.intervalNanos) : now;
    nextAllowedAt = countedFrom + fanout.intervalNanos;
    return f;
  }

  private void onTimer() {
    F now;
    synchronized (this) {
      timerArmed = false;
      if (closing != null) {
        return; // a close sends the held frame itself, or has discarded it
      }
      now = takeIfDue(true);
    }
    if (now != null) {
      send(now);
    }
  }

  private void send(F frame) {
    CompletionStage<?> stage;
    try {
      stage = sink.send(frame);
    } catch (RuntimeException | Error e) {
      fanout.sinkFailed("send", e);
      failed();
      return;
    }
    if (stage == null) {
      fanout.sinkFailed("send", new NullPointerException("send returned null"));
      failed();
      return;
    }
    if (stage instanceof CompletableFuture<?> cf && cf.isDone() && !cf.isCompletedExceptionally()) {
      sent(null); // the socket had room: no callback to allocate
    } else {
      stage.whenComplete((v, e) -> sent(e));
    }
  }

  private void sent(@Nullable Throwable e) {
    if (e != null) {
      fanout.sinkFailed("send", e);
      failed();
      return;
    }
    F next;
    boolean finish = false;
    synchronized (this) {
      if (done) {
        return; // dropped while sending (stalled): the late completion changes nothing
      }
      sending = false;
      sentCount++;
      fanout.sent.increment();
      if (closing != null) {
        // A graceful close sends what is held without waiting for the interval, then ends.
        next = pending != null ? take(fanout.settings.ticker().read(), false) : null;
        finish = next == null;
      } else {
        next = takeIfDue(false);
      }
    }
    if (next != null) {
      send(next);
    } else if (finish) {
      finish();
    }
  }

  private void failed() {
    synchronized (this) {
      if (done) {
        return;
      }
      fanout.dropped.increment();
    }
    drop(FrameSink.CloseReason.SEND_FAILED);
  }

  /** Whether a send has been outstanding for {@code timeout} or longer at {@code now}. */
  synchronized boolean stalledAt(long now, long timeout) {
    return !done && sending && now - sendStartedAt >= timeout;
  }

  /** Ends now: the held frame is discarded and an outstanding send is not waited for. */
  void drop(FrameSink.CloseReason reason) {
    synchronized (this) {
      if (done) {
        return;
      }
      if (closing == null) {
        closing = reason;
      }
      pending = null;
    }
    finish(reason);
  }

  /** Ends after sending the held frame, if no send is outstanding; else when it completes. */
  void closeGracefully(FrameSink.CloseReason reason) {
    F last;
    synchronized (this) {
      if (closing != null) {
        return;
      }
      closing = reason;
      if (sending) {
        return; // sent() finishes
      }
      last = pending != null ? take(fanout.settings.ticker().read(), false) : null;
    }
    if (last != null) {
      send(last);
    } else {
      finish();
    }
  }

  private void finish() {
    FrameSink.CloseReason reason;
    synchronized (this) {
      reason = closing;
    }
    finish(reason == null ? FrameSink.CloseReason.CLOSED : reason);
  }

  private void finish(FrameSink.CloseReason reason) {
    synchronized (this) {
      if (done) {
        return;
      }
      done = true;
      pending = null;
    }
    fanout.removed(this);
    try {
      sink.closed(reason);
    } catch (RuntimeException e) {
      fanout.sinkFailed("closed", e);
    }
  }

  @Override
  public String topic() {
    return topic;
  }

  @Override
  public synchronized long framesSent() {
    return sentCount;
  }

  @Override
  public synchronized long framesSkipped() {
    return skippedCount;
  }

  @Override
  public synchronized boolean isOpen() {
    return closing == null;
  }

  @Override
  public void close() {
    closeGracefully(FrameSink.CloseReason.CLOSED);
  }
}
