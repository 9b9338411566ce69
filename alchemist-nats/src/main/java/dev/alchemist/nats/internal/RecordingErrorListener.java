package dev.alchemist.nats.internal;

import io.nats.client.Connection;
import io.nats.client.Consumer;
import io.nats.client.ErrorListener;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.Subscription;
import io.nats.client.support.Status;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Passes every call on to the listener the connection would have had, and keeps the last few
 * exceptions it reports. jnats throws "Unable to connect to NATS servers" without a cause when the
 * first connect fails; the reason (an untrusted certificate, a refused client certificate) only
 * reaches the error listener, so the bus reads it back from here for its error message.
 */
final class RecordingErrorListener implements ErrorListener {
  private static final int KEPT = 4;

  private final @Nullable ErrorListener delegate;
  private final Deque<Exception> recent = new ArrayDeque<>();

  RecordingErrorListener(@Nullable ErrorListener delegate) {
    this.delegate = delegate;
  }

  /** The exceptions reported lately, oldest first. */
  synchronized List<Exception> recent() {
    return new ArrayList<>(recent);
  }

  @Override
  public void exceptionOccurred(Connection conn, Exception exp) {
    synchronized (this) {
      if (recent.size() == KEPT) {
        recent.removeFirst();
      }
      recent.addLast(exp);
    }
    if (delegate != null) {
      delegate.exceptionOccurred(conn, exp);
    }
  }

  @Override
  public void errorOccurred(Connection conn, String error) {
    if (delegate != null) {
      delegate.errorOccurred(conn, error);
    }
  }

  @Override
  public void slowConsumerDetected(Connection conn, Consumer consumer) {
    if (delegate != null) {
      delegate.slowConsumerDetected(conn, consumer);
    }
  }

  @Override
  public void messageDiscarded(Connection conn, Message msg) {
    if (delegate != null) {
      delegate.messageDiscarded(conn, msg);
    }
  }

  @Override
  public void heartbeatAlarm(
      Connection conn,
      JetStreamSubscription sub,
      long lastStreamSequence,
      long lastConsumerSequence) {
    if (delegate != null) {
      delegate.heartbeatAlarm(conn, sub, lastStreamSequence, lastConsumerSequence);
    }
  }

  @Override
  public void unhandledStatus(Connection conn, JetStreamSubscription sub, Status status) {
    if (delegate != null) {
      delegate.unhandledStatus(conn, sub, status);
    }
  }

  @Override
  public void pullStatusWarning(Connection conn, JetStreamSubscription sub, Status status) {
    if (delegate != null) {
      delegate.pullStatusWarning(conn, sub, status);
    }
  }

  @Override
  public void pullStatusError(Connection conn, JetStreamSubscription sub, Status status) {
    if (delegate != null) {
      delegate.pullStatusError(conn, sub, status);
    }
  }

  @Override
  public void flowControlProcessed(
      Connection conn, JetStreamSubscription sub, String subject, FlowControlSource source) {
    if (delegate != null) {
      delegate.flowControlProcessed(conn, sub, subject, source);
    }
  }

  @Override
  public void socketWriteTimeout(Connection conn) {
    if (delegate != null) {
      delegate.socketWriteTimeout(conn);
    }
  }

  @Override
  public String supplyMessage(
      String label, Connection conn, Consumer consumer, Subscription sub, Object... pairs) {
    return delegate != null
        ? delegate.supplyMessage(label, conn, consumer, sub, pairs)
        : ErrorListener.super.supplyMessage(label, conn, consumer, sub, pairs);
  }
}
