package dev.alchemist.core.flow.internal;

import dev.alchemist.core.Checks;
import dev.alchemist.core.flow.FanoutConnection;
import dev.alchemist.core.flow.FanoutSettings;
import dev.alchemist.core.flow.FanoutStats;
import dev.alchemist.core.flow.FrameFanout;
import dev.alchemist.core.flow.FrameSink;
import dev.alchemist.core.internal.SharedScheduler;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link FrameFanout}: topics hold an array of connections, replaced on connect and disconnect, so
 * a publish walks a plain array; each {@link FanoutConn} is a small latest-wins state machine.
 */
public final class DefaultFrameFanout<F> implements FrameFanout<F> {
  private static final Logger LOG = LoggerFactory.getLogger(DefaultFrameFanout.class);

  final FanoutSettings settings;
  final ScheduledExecutorService scheduler;
  final long intervalNanos;
  final LongAdder sent = new LongAdder();
  final LongAdder skipped = new LongAdder();
  final LongAdder dropped = new LongAdder();
  private final LongAdder published = new LongAdder();
  private final AtomicInteger connections = new AtomicInteger();
  private final ConcurrentHashMap<String, Topic<F>> topics = new ConcurrentHashMap<>();
  private final @Nullable ScheduledFuture<?> stallCheck;
  private final Set<Runnable> closeHooks = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  /**
   * A frame and its place in the topic's order: a connection ignores a frame older than one it was
   * offered, so a connect racing a publish can never end on the older frame.
   */
  record Versioned<F>(F frame, long seq) {}

  /** The connections of one topic and its latest frame. */
  private static final class Topic<F> {
    volatile FanoutConn<F>[] conns;
    final AtomicLong seq = new AtomicLong();
    final AtomicReference<@Nullable Versioned<F>> latest = new AtomicReference<>();

    @SuppressWarnings("unchecked")
    Topic() {
      conns = (FanoutConn<F>[]) new FanoutConn<?>[0];
    }
  }

  public DefaultFrameFanout(FanoutSettings settings) {
    this.settings = settings;
    this.scheduler = settings.scheduler() != null ? settings.scheduler() : SharedScheduler.get();
    this.intervalNanos = settings.interval().toNanos();
    // A quarter of the timeout: a stalled reader is dropped within 1.25 stall timeouts.
    long period = Math.max(1, settings.stallTimeout().toNanos() / 4);
    this.stallCheck =
        scheduler.scheduleWithFixedDelay(this::dropStalled, period, period, TimeUnit.NANOSECONDS);
  }

  @Override
  public void publish(String topic, F frame) {
    Checks.notNull("topic", topic);
    Checks.notNull("frame", frame);
    checkOpen("publish");
    published.increment();
    Topic<F> t = topics.computeIfAbsent(topic, k -> new Topic<>());
    Versioned<F> v = new Versioned<>(frame, t.seq.incrementAndGet());
    t.latest.accumulateAndGet(v, (old, now) -> old == null || now.seq() > old.seq() ? now : old);
    for (FanoutConn<F> c : t.conns) {
      c.offer(v);
    }
  }

  @Override
  public FanoutConnection connect(String topic, FrameSink<? super F> sink) {
    Checks.notBlank("topic", topic);
    Checks.notNull("sink", sink);
    checkOpen("connect");
    if (connections.incrementAndGet() > settings.maxConnections()) {
      connections.decrementAndGet();
      throw new IllegalStateException(
          "frame fan-out '"
              + settings.name()
              + "' holds maxConnections ("
              + settings.maxConnections()
              + ") connections; connect to topic '"
              + topic
              + "' refused");
    }
    FanoutConn<F> c = new FanoutConn<>(this, topic, sink);
    Topic<F> t = topics.computeIfAbsent(topic, k -> new Topic<>());
    synchronized (t) {
      FanoutConn<F>[] old = t.conns;
      FanoutConn<F>[] next = Arrays.copyOf(old, old.length + 1);
      next[old.length] = c;
      t.conns = next;
    }
    if (closed) {
      // Raced with close(), which may have walked the topics before this connection was added.
      c.drop(FrameSink.CloseReason.FANOUT_CLOSED);
      throw closedException("connect");
    }
    Versioned<F> latest = t.latest.get();
    if (latest != null) {
      c.offer(latest);
    }
    return c;
  }

  /**
   * Runs {@code hook} when {@code fanout} (one this class created) closes, or now if it is closed;
   * for binders whose meters must leave with it. Other implementations are ignored.
   */
  public static void whenClosed(FrameFanout<?> fanout, Runnable hook) {
    if (fanout instanceof DefaultFrameFanout<?> f) {
      f.closeHooks.add(hook);
      if (f.closed && f.closeHooks.remove(hook)) {
        hook.run(); // closed meanwhile: close() may have run the hooks before this one was added
      }
    }
  }

  /** Called once by a connection that has stopped receiving. */
  void removed(FanoutConn<F> c) {
    Topic<F> t = topics.get(c.topic());
    if (t != null) {
      synchronized (t) {
        FanoutConn<F>[] old = t.conns;
        int i = Arrays.asList(old).indexOf(c);
        if (i >= 0) {
          FanoutConn<F>[] next = Arrays.copyOf(old, old.length - 1);
          System.arraycopy(old, i + 1, next, i, old.length - i - 1);
          t.conns = next;
        }
      }
    }
    connections.decrementAndGet();
  }

  void sinkFailed(String what, Throwable e) {
    // Frames and sinks are the host's: name the fan-out and the failure's type only.
    LOG.debug("frame fan-out '{}': {} failed: {}", settings.name(), what, e.getClass().getName());
  }

  private void dropStalled() {
    long now = settings.ticker().read();
    long timeout = settings.stallTimeout().toNanos();
    for (Topic<F> t : topics.values()) {
      for (FanoutConn<F> c : t.conns) {
        if (c.stalledAt(now, timeout)) {
          dropped.increment();
          c.drop(FrameSink.CloseReason.STALLED);
        }
      }
    }
  }

  @Override
  public FanoutStats stats() {
    return new FanoutStats(
        connections.get(), published.sum(), sent.sum(), skipped.sum(), dropped.sum());
  }

  @Override
  public FanoutSettings settings() {
    return settings;
  }

  private void checkOpen(String op) {
    if (closed) {
      throw closedException(op);
    }
  }

  private IllegalStateException closedException(String op) {
    return new IllegalStateException(
        "frame fan-out '" + settings.name() + "' is closed; cannot " + op);
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (stallCheck != null) {
      stallCheck.cancel(false);
    }
    for (Runnable hook : closeHooks) {
      if (closeHooks.remove(hook)) {
        hook.run();
      }
    }
    for (Topic<F> t : topics.values()) {
      for (FanoutConn<F> c : t.conns) {
        c.closeGracefully(FrameSink.CloseReason.FANOUT_CLOSED);
      }
    }
  }
}
