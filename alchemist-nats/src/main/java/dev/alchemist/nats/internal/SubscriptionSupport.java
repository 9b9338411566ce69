package dev.alchemist.nats.internal;

import dev.alchemist.core.internal.SerialExecutor;
import dev.alchemist.nats.EventHandler;
import dev.alchemist.nats.EventSubscription;
import dev.alchemist.nats.ReceivedEvent;
import dev.alchemist.nats.SubjectPattern;
import io.micrometer.core.instrument.Counter;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * The part of a subscription both buses share: a serial queue in front of the handler, a bound on
 * waiting events, counting and reporting. Subclasses add how events arrive and how to stop that.
 */
public abstract class SubscriptionSupport implements EventSubscription {
  private final SubjectPattern pattern;
  private final EventHandler handler;
  private final SerialExecutor queue;
  private final int maxPending;
  private final Reporter reporter;
  private final Counter handled;
  private final Counter failed;
  private final Counter droppedCounter;
  private final long closeTimeoutNanos;
  private final LongAdder delivered = new LongAdder();
  private final LongAdder dropped = new LongAdder();
  private final AtomicBoolean closed = new AtomicBoolean();

  protected SubscriptionSupport(
      SubjectPattern pattern,
      EventHandler handler,
      Executor executor,
      int maxPending,
      Reporter reporter,
      BusMeters meters,
      long closeTimeoutNanos) {
    this.pattern = pattern;
    this.handler = handler;
    this.queue =
        new SerialExecutor(
            executor,
            t ->
                reporter.report(
                    "subscription-task", "a task of " + pattern + " failed", t, l -> {}));
    this.maxPending = maxPending;
    this.reporter = reporter;
    this.handled = meters.handled;
    this.failed = meters.handlerFailed;
    this.droppedCounter = meters.dropped;
    this.closeTimeoutNanos = closeTimeoutNanos;
  }

  @Override
  public final SubjectPattern pattern() {
    return pattern;
  }

  @Override
  public final long delivered() {
    return delivered.sum();
  }

  @Override
  public final long dropped() {
    return dropped.sum();
  }

  protected final boolean isClosed() {
    return closed.get();
  }

  /**
   * Queues an event for the handler; {@code decode} runs on the executor, not on the caller (which
   * may be a client library's I/O thread).
   */
  protected final void enqueue(String subject, Supplier<ReceivedEvent> decode) {
    if (closed.get()) {
      return;
    }
    boolean queued = queue.offer(() -> run(subject, decode), maxPending);
    if (!queued) {
      dropped.increment();
      droppedCounter.increment();
      String reason = "subscription " + pattern + " has " + maxPending + " events waiting";
      reporter.report(
          "dropped",
          "dropped an event for " + subject + ": " + reason,
          null,
          l -> l.onDropped(subject, reason));
    }
  }

  private void run(String subject, Supplier<ReceivedEvent> decode) {
    delivered.increment();
    try {
      handler.onEvent(decode.get());
      handled.increment();
    } catch (Throwable e) { // an Error too: the subscription must outlive any handler
      failed.increment();
      reporter.report(
          "handler",
          "handler of " + pattern + " failed on " + subject,
          e,
          l -> l.onHandlerFailed(subject, e));
    }
  }

  /** Stops the source of events (unsubscribe); called once by {@link #close()}. */
  protected abstract void stopSource();

  @Override
  public final void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    stopSource();
    queue.awaitIdle(System.nanoTime() + closeTimeoutNanos);
  }

  /** Waits up to the deadline for queued events to be handled. */
  public final boolean awaitIdle(long deadlineNanos) {
    return queue.awaitIdle(deadlineNanos);
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + "[" + pattern + ", delivered=" + delivered() + "]";
  }
}
