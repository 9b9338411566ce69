package dev.alchemist.core.flow.internal;

import dev.alchemist.core.Ticker;
import dev.alchemist.core.flow.DebounceListener;
import dev.alchemist.core.flow.DebounceSettings;
import dev.alchemist.core.flow.DebounceStats;
import dev.alchemist.core.flow.DebouncedUpdater;
import dev.alchemist.core.flow.KeyedDebouncer;
import dev.alchemist.core.internal.SharedScheduler;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the slots of one debouncer share: settings, sink, counters and the closed flag. Backs both
 * {@link DebouncedUpdater} (one slot) and {@link KeyedDebouncer} (a map of slots).
 */
public final class DebounceEngine<K, T> {
  private static final Logger log = LoggerFactory.getLogger(DebounceEngine.class);

  final DebounceSettings settings;
  final long intervalNanos;

  /** Idle timeout of keyed slots; 0 for the single updater, whose slot never expires. */
  final long idleTimeoutNanos;

  final ScheduledExecutorService scheduler;
  final @Nullable Executor executor;
  final Ticker ticker;
  private final DebounceListener listener;
  private final BiConsumer<? super @Nullable K, ? super T> sink;

  final LongAdder received = new LongAdder();
  final LongAdder delivered = new LongAdder();
  final LongAdder coalesced = new LongAdder();
  final LongAdder failed = new LongAdder();
  final LongAdder rejected = new LongAdder();
  final LongAdder expired = new LongAdder();
  private final AtomicBoolean failureLogged = new AtomicBoolean();
  private final AtomicBoolean refusalLogged = new AtomicBoolean();
  volatile boolean closed;
  private final Set<Runnable> closeHooks = ConcurrentHashMap.newKeySet();

  private final ConcurrentHashMap<K, DebounceSlot<K, T>> slots = new ConcurrentHashMap<>();

  /** Slots in the map; counted apart because ConcurrentHashMap.size() is only an estimate. */
  private final AtomicInteger keys = new AtomicInteger();

  private final Function<K, @Nullable DebounceSlot<K, T>> newSlot = this::newSlotIfRoom;

  private DebounceEngine(
      DebounceSettings settings, boolean keyed, BiConsumer<? super @Nullable K, ? super T> sink) {
    this.settings = settings;
    this.intervalNanos = settings.interval().toNanos();
    this.idleTimeoutNanos = keyed ? settings.idleTimeout().toNanos() : 0;
    ScheduledExecutorService s = settings.scheduler();
    this.scheduler = s != null ? s : SharedScheduler.get();
    this.executor = settings.executor();
    this.ticker = settings.ticker();
    this.listener = settings.listener();
    this.sink = sink;
  }

  /** Creates the implementation of {@link DebouncedUpdater#create}. */
  public static <T> DebouncedUpdater<T> single(
      DebounceSettings settings, Consumer<? super T> sink) {
    return new Single<>(new DebounceEngine<Object, T>(settings, false, (k, v) -> sink.accept(v)));
  }

  /** Creates the implementation of {@link KeyedDebouncer#create}. */
  public static <K, T> KeyedDebouncer<K, T> keyed(
      DebounceSettings settings, BiConsumer<? super K, ? super T> sink) {
    return new Keyed<>(new DebounceEngine<K, T>(settings, true, sink));
  }

  void deliver(@Nullable K key, T value) {
    try {
      sink.accept(key, value);
      delivered.increment();
    } catch (Throwable t) { // the sink is host code; one bad value must not stop the updater
      failed.increment();
      if (failureLogged.compareAndSet(false, true)) {
        log.warn(
            "Debouncer '{}' sink threw for key {}; the value is dropped, the failure counted, and"
                + " later failures are logged at DEBUG",
            settings.name(),
            key,
            t);
      } else {
        log.debug("Debouncer '{}' sink threw for key {}", settings.name(), key, t);
      }
      try {
        listener.onSinkFailure(settings.name(), key, t);
      } catch (RuntimeException e) {
        log.warn("Debouncer '{}' listener threw in onSinkFailure", settings.name(), e);
      }
    }
  }

  void schedulingFailed(@Nullable K key, RejectedExecutionException e) {
    log.debug("Debouncer '{}' could not schedule delivery for key {}", settings.name(), key, e);
    try {
      listener.onSchedulingFailure(settings.name(), key, e);
    } catch (RuntimeException x) {
      log.warn("Debouncer '{}' listener threw in onSchedulingFailure", settings.name(), x);
    }
  }

  /**
   * Runs {@code hook} when {@code debouncer} (one this class created) closes, or now if it is
   * closed; for binders whose meters must leave with it. Other implementations are ignored.
   */
  public static void whenClosed(Object debouncer, Runnable hook) {
    DebounceEngine<?, ?> engine =
        debouncer instanceof Single<?> single
            ? single.engine
            : debouncer instanceof Keyed<?, ?> keyed ? keyed.engine : null;
    if (engine != null) {
      engine.closeHooks.add(hook);
      if (engine.closed && engine.closeHooks.remove(hook)) {
        hook.run(); // closed meanwhile: close() may have run the hooks before this one was added
      }
    }
  }

  private void runCloseHooks() {
    for (Runnable hook : closeHooks) {
      if (closeHooks.remove(hook)) {
        try {
          hook.run();
        } catch (RuntimeException e) {
          log.warn("Debouncer '{}' close hook threw", settings.name(), e);
        }
      }
    }
  }

  /**
   * Use after close is a bug in the caller, so it throws (and is counted as rejected); an update
   * that races with close() past this check is still delivered or counted, never lost silently.
   */
  void checkOpen(String component) {
    if (closed) {
      rejected.increment();
      throw new IllegalStateException(component + " '" + settings.name() + "' is closed");
    }
  }

  @Nullable ScheduledFuture<?> scheduleExpiry(Runnable task, long delayNanos) {
    try {
      return scheduler.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      return null; // the key stays until close(); no value is at stake
    }
  }

  void retired(DebounceSlot<K, T> slot) {
    K key = Objects.requireNonNull(slot.key());
    if (forget(key, slot)) {
      expired.increment();
      try {
        listener.onKeyExpired(settings.name(), key);
      } catch (RuntimeException e) {
        log.warn("Debouncer '{}' listener threw in onKeyExpired", settings.name(), e);
      }
    }
  }

  void offer(K key, T value) {
    Object v = value;
    for (; ; ) {
      DebounceSlot<K, T> slot = slots.get(key);
      if (slot == null) {
        slot = slots.computeIfAbsent(key, newSlot);
        if (slot == null) {
          refuse(key, v);
          return;
        }
      }
      if (slot.offer(v)) {
        return;
      }
      // The slot expired under us: carry what we left there to a live slot.
      forget(key, slot);
      v = slot.pending.getAndSet(DebounceSlot.EMPTY);
      if (v == DebounceSlot.EMPTY) {
        return; // a concurrent update already carried it (and ours was coalesced into it)
      }
    }
  }

  /** Makes a slot while there is room; null (no mapping) when the debouncer is full. */
  private @Nullable DebounceSlot<K, T> newSlotIfRoom(K key) {
    if (keys.incrementAndGet() > settings.maxKeys()) {
      keys.decrementAndGet();
      return null;
    }
    return new DebounceSlot<>(this, key);
  }

  private boolean forget(K key, DebounceSlot<K, T> slot) {
    if (slots.remove(key, slot)) {
      keys.decrementAndGet();
      return true;
    }
    return false;
  }

  /** The debouncer is full: the value of an untracked key is refused, counted and reported. */
  private void refuse(K key, Object value) {
    if (value != DebounceSlot.EMPTY) {
      rejected.increment();
    }
    int max = settings.maxKeys();
    if (refusalLogged.compareAndSet(false, true)) {
      log.warn(
          "Debouncer '{}' tracks its maximum of {} keys and refuses updates for new keys until"
              + " some expire; later refusals are counted in rejected and not logged",
          settings.name(),
          max);
    }
    try {
      listener.onKeyRefused(settings.name(), key, max);
    } catch (RuntimeException e) {
      log.warn("Debouncer '{}' listener threw in onKeyRefused", settings.name(), e);
    }
  }

  DebounceStats stats(int keys) {
    return new DebounceStats(
        received.sum(),
        delivered.sum(),
        coalesced.sum(),
        failed.sum(),
        rejected.sum(),
        keys,
        expired.sum());
  }

  /** The single-key updater: one slot, no map, no expiry. */
  private static final class Single<T> implements DebouncedUpdater<T> {
    private final DebounceEngine<Object, T> engine;
    private final DebounceSlot<Object, T> slot;

    Single(DebounceEngine<Object, T> engine) {
      this.engine = engine;
      this.slot = new DebounceSlot<>(engine, null);
    }

    @Override
    public void update(T value) {
      Objects.requireNonNull(value, "value");
      engine.received.increment();
      engine.checkOpen("debounced updater");
      slot.offer(value); // a single slot never expires, so it always accepts
    }

    @Override
    public void flush() {
      slot.flush(false);
    }

    @Override
    public DebounceStats stats() {
      return engine.stats(1);
    }

    @Override
    public DebounceSettings settings() {
      return engine.settings;
    }

    @Override
    public void close() {
      engine.closed = true;
      slot.closeAndFlush();
      engine.runCloseHooks();
    }

    @Override
    public String toString() {
      return "DebouncedUpdater[" + engine.settings.name() + ", " + stats() + "]";
    }
  }

  /** The keyed debouncer: a concurrent map of slots that expire when idle. */
  private static final class Keyed<K, T> implements KeyedDebouncer<K, T> {
    private final DebounceEngine<K, T> engine;

    Keyed(DebounceEngine<K, T> engine) {
      this.engine = engine;
    }

    @Override
    public void update(K key, T value) {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(value, "value");
      engine.received.increment();
      engine.checkOpen("keyed debouncer");
      engine.offer(key, value);
    }

    @Override
    public void flush(K key) {
      DebounceSlot<K, T> slot = engine.slots.get(Objects.requireNonNull(key, "key"));
      if (slot != null) {
        slot.flush(false);
      }
    }

    @Override
    public void flush() {
      for (DebounceSlot<K, T> slot : engine.slots.values()) {
        slot.flush(false);
      }
    }

    @Override
    public int size() {
      return engine.slots.size();
    }

    @Override
    public DebounceStats stats() {
      return engine.stats(engine.slots.size());
    }

    @Override
    public DebounceSettings settings() {
      return engine.settings;
    }

    @Override
    public void close() {
      engine.closed = true;
      for (DebounceSlot<K, T> slot : engine.slots.values()) {
        slot.closeAndFlush();
      }
      engine.slots.clear();
      engine.keys.set(0);
      engine.runCloseHooks();
    }

    @Override
    public String toString() {
      return "KeyedDebouncer[" + engine.settings.name() + ", " + stats() + "]";
    }
  }
}
