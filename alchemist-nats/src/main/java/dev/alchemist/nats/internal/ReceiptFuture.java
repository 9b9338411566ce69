package dev.alchemist.nats.internal;

import dev.alchemist.nats.PublishReceipt;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;

/**
 * The future a publish returns. It can be completed on the acking thread (jnats') when no host code
 * can run there as a result, which saves a hand-off to the executor per ack.
 *
 * <p>Host code runs on the completing thread only if it was attached before completion. Every
 * instance method that attaches a dependent calls {@link #newIncompleteFuture()} first ({@code
 * minimalCompletionStage()}, which does not, is overridden), and a composition that uses this
 * future as the other side calls {@link #toCompletableFuture()}; all of them mark the future
 * observed. The completer and an attaching thread do a Dekker handshake on two volatile fields: the
 * completer announces itself, then checks for an observer; an observer marks itself, then waits
 * while a completion is announced but not finished. So either the completer sees the observer and
 * hands off, or the observer attaches after the completion has fully run and its dependent runs on
 * its own thread.
 *
 * <p>The one path no override can reach: {@code CompletableFuture.allOf} and {@code anyOf} (of two
 * or more) read the futures' fields and push onto their stacks without calling any of their
 * methods. Called before the ack arrives, their push is seen and the completion is handed off;
 * called in the nanoseconds between the completer's check and its completion, the combined future
 * can complete on jnats' thread, with whatever was attached to it by then. Passing {@code
 * f.toCompletableFuture()} (which marks {@code f} observed) closes that window; {@code
 * ReceiptFutureTest} holds the completer in that window and checks every path.
 */
class ReceiptFuture extends CompletableFuture<PublishReceipt> {
  private static final VarHandle OBSERVED;
  private static final VarHandle INLINE;

  static {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      OBSERVED = lookup.findVarHandle(ReceiptFuture.class, "observed", boolean.class);
      INLINE = lookup.findVarHandle(ReceiptFuture.class, "inline", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private static final int IDLE = 0;
  private static final int COMPLETING = 1;
  private static final int DONE = 2;

  @SuppressWarnings("unused") // accessed through OBSERVED
  private volatile boolean observed;

  @SuppressWarnings("unused") // accessed through INLINE
  private volatile int inline;

  /**
   * Completes with {@code receipt} on this thread if nothing has been attached; returns false
   * (completing nothing) otherwise, and the caller completes it elsewhere.
   */
  boolean tryCompleteUnobserved(@Nullable PublishReceipt receipt) {
    INLINE.setVolatile(this, COMPLETING);
    if ((boolean) OBSERVED.getVolatile(this) || getNumberOfDependents() != 0) {
      INLINE.setVolatile(this, IDLE);
      return false;
    }
    afterObserverCheck();
    try {
      complete(receipt);
    } finally {
      INLINE.setVolatile(this, DONE);
    }
    return true;
  }

  /** Nothing; a test overrides it to attach a dependent in the completer's window. */
  void afterObserverCheck() {}

  private void observe() {
    OBSERVED.setVolatile(this, true);
    while ((int) INLINE.getVolatile(this) == COMPLETING) {
      Thread.yield(); // the completer is between its check and the end of complete(): a few ns
    }
  }

  @Override
  public <U> CompletableFuture<U> newIncompleteFuture() {
    observe();
    return new CompletableFuture<>();
  }

  @Override
  public CompletionStage<PublishReceipt> minimalCompletionStage() {
    observe(); // the JDK pushes its relay without newIncompleteFuture()
    return super.minimalCompletionStage();
  }

  @Override
  public CompletableFuture<PublishReceipt> toCompletableFuture() {
    observe();
    return this;
  }
}
