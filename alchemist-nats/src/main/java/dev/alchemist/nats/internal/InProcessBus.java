package dev.alchemist.nats.internal;

import dev.alchemist.core.Checks;
import dev.alchemist.core.DomainEvent;
import dev.alchemist.core.internal.DaemonThreads;
import dev.alchemist.nats.EventBus;
import dev.alchemist.nats.EventHandler;
import dev.alchemist.nats.EventSubscription;
import dev.alchemist.nats.InProcessEventBus;
import dev.alchemist.nats.ReceivedEvent;
import dev.alchemist.nats.Subject;
import dev.alchemist.nats.SubjectPattern;
import dev.alchemist.nats.SubjectSpace;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/** The in-process {@link EventBus}; see {@link InProcessEventBus}. */
public final class InProcessBus implements EventBus {
  private final InProcessEventBus.Settings settings;
  private final Executor executor;
  private final @Nullable ExecutorService ownedExecutor;
  private final Reporter reporter;
  private final BusMeters meters;
  private final CopyOnWriteArrayList<Sub> subscriptions = new CopyOnWriteArrayList<>();
  private volatile boolean closed;

  public InProcessBus(InProcessEventBus.Settings settings) {
    this.settings = settings;
    Executor given = settings.executor();
    if (given == null) {
      ExecutorService pool =
          DaemonThreads.fixedPool("alchemist-bus", DaemonThreads.defaultPoolSize());
      this.ownedExecutor = pool;
      this.executor = pool;
    } else {
      this.ownedExecutor = null;
      this.executor = given;
    }
    this.reporter = new Reporter(settings.listener());
    this.meters = new BusMeters(settings.meterRegistry(), "in-process");
  }

  @Override
  public SubjectSpace subjects() {
    return settings.subjects();
  }

  @Override
  public void publish(Subject subject, DomainEvent event, @Nullable String traceId) {
    Checks.notNull("subject", subject);
    Checks.notNull("event", event);
    if (closed) {
      throw new IllegalStateException("cannot publish to " + subject + ": the bus is closed");
    }
    meters.published();
    String name = subject.toString();
    ReceivedEvent received = null;
    for (Sub sub : subscriptions) {
      if (sub.pattern().matches(subject)) {
        if (received == null) {
          received = new ReceivedEvent(name, event, traceId, 1);
        }
        ReceivedEvent deliver = received;
        sub.offer(name, deliver);
      }
    }
  }

  @Override
  public EventSubscription subscribe(SubjectPattern pattern, EventHandler handler) {
    Checks.notNull("pattern", pattern);
    Checks.notNull("handler", handler);
    if (closed) {
      throw new IllegalStateException("cannot subscribe to " + pattern + ": the bus is closed");
    }
    Sub sub = new Sub(pattern, handler);
    subscriptions.add(sub);
    return sub;
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    long deadline = System.nanoTime() + settings.closeTimeout().toNanos();
    for (Sub sub : subscriptions) {
      sub.awaitIdle(deadline);
      sub.close();
    }
    if (ownedExecutor != null) {
      ownedExecutor.shutdown();
      try {
        ownedExecutor.awaitTermination(
            Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    meters.close(); // after the handlers ran, which count on it
  }

  @Override
  public String toString() {
    return "InProcessEventBus["
        + settings.subjects().root()
        + ", subscriptions="
        + subscriptions.size()
        + (closed ? ", closed]" : "]");
  }

  private final class Sub extends SubscriptionSupport {
    Sub(SubjectPattern pattern, EventHandler handler) {
      super(
          pattern,
          handler,
          executor,
          settings.maxPendingPerSubscription(),
          reporter,
          meters,
          settings.closeTimeout().toNanos());
    }

    void offer(String subject, ReceivedEvent event) {
      enqueue(subject, () -> event);
    }

    @Override
    protected void stopSource() {
      subscriptions.remove(this);
    }
  }
}
