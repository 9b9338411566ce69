package dev.alchemist.nats.internal;

import io.nats.client.Message;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The messages one {@link PullConsumer} holds (buffered or in the handler) and when each one's ack
 * wait last restarted, so that every one gets {@code inProgress()} before the server can redeliver
 * it. Separate from the consumer because the estimate of when the server started a message's ack
 * wait (the hand-off ring below) is its own piece of reasoning.
 */
final class AckDeadlines {
  /** A message we hold and when its ack wait last restarted. */
  static final class Held {
    final Message message;
    volatile long touchedAt;

    Held(Message message, long touchedAt) {
      this.message = message;
      this.touchedAt = touchedAt;
    }
  }

  private final ConsumerReplies replies;
  private final Set<Held> held = ConcurrentHashMap.newKeySet();
  private final long refreshNanos;

  /** Times of the last hand-offs, written by the dispatcher thread only; see {@link #hold}. */
  private final long[] handOffs;

  private final long startedAt = System.nanoTime();
  private long handedOff;

  AckDeadlines(int batchSize, Duration ackWait, ConsumerReplies replies) {
    this.replies = replies;
    // A message handed off as number k was pulled after hand-off k - batchSize - 1 (jnats pulls at
    // most batchSize ahead of what it counts as processed), so that hand-off's time is a safe lower
    // bound for when the server started the message's ack wait. Twice that depth covers the moment
    // after a reconnect when the old and the fresh pull subscription both deliver.
    this.handOffs = new long[2 * batchSize + 2];
    this.refreshNanos = Math.max(1, ackWait.toNanos() / 2);
  }

  /** Starts holding {@code message}; on jnats' dispatcher thread of the consumer only. */
  Held hold(Message message) {
    long now = System.nanoTime();
    int slot = (int) (handedOff % handOffs.length);
    long ackWaitStartedNoEarlierThan = handedOff < handOffs.length ? startedAt : handOffs[slot];
    handOffs[slot] = now;
    handedOff++;
    Held h = new Held(message, ackWaitStartedNoEarlierThan);
    held.add(h);
    if (now - ackWaitStartedNoEarlierThan >= refreshNanos) {
      touch(h, now); // it may have waited in jnats for much of its ack wait
    }
    return h;
  }

  /** Stops holding {@code h}: it was acked, naked or terminated. */
  void release(Held h) {
    held.remove(h);
  }

  /** The messages held. */
  int size() {
    return held.size();
  }

  /** Sends in-progress for every held message whose ack wait may be half gone. */
  void refresh() {
    long now = System.nanoTime();
    for (Held h : held) {
      if (now - h.touchedAt >= refreshNanos) {
        touch(h, now);
      }
    }
  }

  private void touch(Held h, long now) {
    if (replies.reply(h.message, "in-progress", Message::inProgress)) {
      h.touchedAt = now;
    }
  }
}
