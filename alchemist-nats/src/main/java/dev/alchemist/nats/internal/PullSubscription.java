package dev.alchemist.nats.internal;

import dev.alchemist.nats.ConsumerSettings;
import io.nats.client.ConsumeOptions;
import io.nats.client.ConsumerContext;
import io.nats.client.JetStreamApiException;
import io.nats.client.MessageConsumer;
import io.nats.client.MessageHandler;
import java.io.IOException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/**
 * The jnats pull subscription of one {@link PullConsumer}, and its renewal after a reconnect: a
 * fresh pull is started before the old one is closed, and a failed attempt is retried with a
 * doubling delay. Separate from the consumer because swapping the subscription under a lock while
 * close() may read it is a job of its own, unrelated to handling messages.
 */
final class PullSubscription {
  private static final long PULL_EXPIRES_MILLIS = 5_000;
  private static final long REPULL_FIRST_DELAY_MILLIS = 250;
  private static final long REPULL_MAX_DELAY_MILLIS = 30_000;

  private final ConsumerSettings settings;
  private final ConsumerContext context;
  private final ConsumeOptions options;
  private final MessageHandler receiver;
  private final BooleanSupplier closed;
  private final Executor executor;
  private final ScheduledExecutorService scheduler;
  private final Reporter reporter;
  private final ReentrantLock pullLock = new ReentrantLock();
  private volatile MessageConsumer consumer;

  /**
   * Starts pulling into {@code receiver}. {@code closed} tells whether the consumer is closing;
   * once it is true (and read under this subscription's lock by {@link #current()}), no renewal
   * replaces the subscription any more.
   */
  PullSubscription(
      ConsumerSettings settings,
      ConsumerContext context,
      MessageHandler receiver,
      BooleanSupplier closed,
      Executor executor,
      ScheduledExecutorService scheduler,
      Reporter reporter)
      throws IOException, JetStreamApiException {
    this.settings = settings;
    this.context = context;
    this.receiver = receiver;
    this.closed = closed;
    this.executor = executor;
    this.scheduler = scheduler;
    this.reporter = reporter;
    // Pull requests expire after 5 s (jnats' default is 30 s), so the server's idle heartbeat comes
    // every 2.5 s: when the consumer's leader dies with our pull request, jnats notices the missing
    // heartbeats and pulls again from the new leader within seconds instead of most of a minute.
    this.options =
        ConsumeOptions.builder()
            .batchSize(settings.batchSize())
            .expiresIn(PULL_EXPIRES_MILLIS)
            .build();
    this.consumer = context.consume(options, receiver);
  }

  /**
   * The connection is back: the pull request the server held may be gone (a restarted server
   * forgets it), and jnats would only notice after missing heartbeats for several seconds. Pulls
   * anew, off the caller's thread (jnats' connection-listener thread).
   */
  void renew() {
    schedulePull(0);
  }

  /** The subscription now; once the consumer is closed, the last one there will be. */
  MessageConsumer current() {
    pullLock.lock();
    try {
      return consumer; // no restart can replace it once closed is set
    } finally {
      pullLock.unlock();
    }
  }

  private void schedulePull(long delayMillis) {
    if (closed.getAsBoolean()) {
      return;
    }
    try {
      if (delayMillis == 0) {
        executor.execute(() -> restartPull(REPULL_FIRST_DELAY_MILLIS));
      } else {
        scheduler.schedule(
            () -> restartPull(Math.min(delayMillis * 2, REPULL_MAX_DELAY_MILLIS)),
            delayMillis,
            TimeUnit.MILLISECONDS);
      }
    } catch (RejectedExecutionException e) {
      // shutting down
    }
  }

  /** Starts a fresh pull subscription, then closes the old one; on failure tries again later. */
  private void restartPull(long nextDelayMillis) {
    MessageConsumer old;
    pullLock.lock();
    try {
      if (closed.getAsBoolean()) {
        return;
      }
      old = consumer;
      try {
        consumer = context.consume(options, receiver);
      } catch (IOException | JetStreamApiException | RuntimeException e) {
        // The old subscription stays: jnats' own heartbeat check still restarts it eventually.
        reporter.report(
            "consumer-pull",
            "consumer "
                + settings.durableName()
                + " could not pull again after a reconnect (retrying in "
                + nextDelayMillis
                + " ms): "
                + e.getMessage(),
            e,
            l -> l.onConsumerFailed(settings.durableName(), "pull", e));
        schedulePull(nextDelayMillis);
        return;
      }
    } finally {
      pullLock.unlock();
    }
    // Messages it had pulled but not yet handed over stay unacknowledged: the server redelivers.
    closeQuietly(old);
  }

  /** Closes {@code c}, reporting rather than throwing a failure. */
  void closeQuietly(MessageConsumer c) {
    try {
      c.close();
    } catch (Exception e) {
      reporter.report(
          "consumer-close", "closing consumer " + settings.durableName() + " failed", e, l -> {});
    }
  }
}
