package dev.alchemist.nats.internal;

import dev.alchemist.nats.PublishException;
import dev.alchemist.nats.PublishReceipt;
import io.nats.client.api.PublishAck;
import io.nats.client.impl.Headers;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * One publish of {@link BoundedJetStreamPublisher} across its attempts, and the task that completes
 * its future. Separate from the publisher because it is the unit every other part passes around
 * (slot table, sweeper, retries, completion queue); its attempt state is a VarHandle, not an
 * AtomicInteger, so a publish allocates only what it must.
 */
final class PendingPublish implements Runnable {
  private static final VarHandle STAGE;

  static {
    try {
      STAGE = MethodHandles.lookup().findVarHandle(PendingPublish.class, "stage", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  final BoundedJetStreamPublisher owner;
  final String subject;
  final Headers headers;
  final byte[] data;
  final long start;
  final ReceiptFuture result = new ReceiptFuture();

  /** The attempt whose outcome is awaited; 0 between attempts; -1 when done. */
  @SuppressWarnings("unused") // accessed through STAGE
  private volatile int stage;

  int slot;
  volatile int attempts;
  volatile long attemptDeadline;
  volatile @Nullable CompletableFuture<PublishAck> current;
  // Written before the completion is queued, read by run(): the queue publishes them safely.
  @Nullable PublishReceipt receipt;
  @Nullable PublishException error;

  PendingPublish(
      BoundedJetStreamPublisher owner, String subject, Headers headers, byte[] data, long start) {
    this.owner = owner;
    this.subject = subject;
    this.headers = headers;
    this.data = data;
    this.start = start;
  }

  int stage() {
    return (int) STAGE.getVolatile(this);
  }

  boolean casStage(int expected, int next) {
    return STAGE.compareAndSet(this, expected, next);
  }

  /** Marks it done; returns the stage before. */
  int finishStage() {
    return (int) STAGE.getAndSet(this, -1);
  }

  @Override
  public void run() {
    owner.complete(this);
  }
}
