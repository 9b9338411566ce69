package dev.alchemist.nats.internal;

import dev.alchemist.nats.ConsumerLag;
import dev.alchemist.nats.ConsumerSettings;
import dev.alchemist.nats.EventConsumer;
import java.util.Set;

/**
 * A consumer of {@link NatsBus} that the bus forgets when it is closed, so closed consumers do not
 * pile up. Separate because it is plain delegation plus one removal, and no part of the bus.
 */
final class TrackedConsumer implements EventConsumer {
  private final PullConsumer consumer;
  private final Set<TrackedConsumer> live;

  /** Wraps {@code consumer}; {@link #close()} removes it from {@code live}. */
  TrackedConsumer(PullConsumer consumer, Set<TrackedConsumer> live) {
    this.consumer = consumer;
    this.live = live;
  }

  /** See {@link PullConsumer#reconnected()}. */
  void reconnected() {
    consumer.reconnected();
  }

  @Override
  public ConsumerSettings settings() {
    return consumer.settings();
  }

  @Override
  public ConsumerLag lag() {
    return consumer.lag();
  }

  @Override
  public ConsumerLag refreshLag() {
    return consumer.refreshLag();
  }

  @Override
  public long acknowledged() {
    return consumer.acknowledged();
  }

  @Override
  public long deadLettered() {
    return consumer.deadLettered();
  }

  @Override
  public void close() {
    try {
      consumer.close();
    } finally {
      live.remove(this);
    }
  }

  @Override
  public String toString() {
    return consumer.toString();
  }
}
