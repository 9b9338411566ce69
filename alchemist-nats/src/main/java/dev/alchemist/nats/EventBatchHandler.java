package dev.alchemist.nats;

import java.util.List;

/**
 * Receives the events of a JetStream consumer in batches (see {@link NatsEvents#consumeBatches}):
 * for a projection that stores many events in one transaction and must acknowledge them only after
 * its commit.
 *
 * <p>Runs on the bus's executor, one batch at a time per consumer. A normal return acknowledges
 * every event of the batch; a throw (any {@link Throwable}) naks every one of them, each with the
 * backoff step of its own delivery count, and dead-letters those at {@code maxDeliver}. So the
 * batch's work must be all or nothing (one transaction), and idempotent by event id, since a
 * redelivered event may come back in another batch.
 */
@FunctionalInterface
public interface EventBatchHandler {

  /**
   * Handles a batch: at least one event, at most {@code batchSize}, in the order the consumer
   * received them. The list is not modified afterwards; the handler may keep it.
   */
  void onBatch(List<ReceivedEvent> batch) throws Exception;
}
