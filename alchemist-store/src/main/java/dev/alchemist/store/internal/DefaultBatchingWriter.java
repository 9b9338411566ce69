package dev.alchemist.store.internal;

import dev.alchemist.core.Checks;
import dev.alchemist.core.internal.OwnedMeters;
import dev.alchemist.store.BatchSettings;
import dev.alchemist.store.BatchingWriter;
import dev.alchemist.store.DatabaseException;
import dev.alchemist.store.StoreListener;
import dev.alchemist.store.WriterOverloadedException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link BatchingWriter} over a sink that writes one list of rows in one transaction.
 *
 * <p>At most one drain runs at a time, so batches reach the database in submission order. A drain
 * is started on the scheduler when the buffer reaches {@code maxBatchSize} or when the first
 * buffered row has waited {@code maxDelay}; once running it keeps writing full-size chunks until
 * the buffer is empty. {@link #close()} drains on the calling thread, so it works even when the
 * scheduler is already shut down or is a manual test scheduler.
 */
public final class DefaultBatchingWriter<T> implements BatchingWriter<T> {
  private static final Logger LOG = LoggerFactory.getLogger(DefaultBatchingWriter.class);

  private final String name;
  private final BatchSettings settings;
  private final Consumer<List<T>> sink;
  private final Function<Throwable, DatabaseException> translate;
  private final ScheduledExecutorService scheduler;
  private final StoreListener listener;

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition idle = lock.newCondition();
  private final ArrayList<Entry<T>> buffer = new ArrayList<>();
  private List<Entry<T>> inFlight = List.of();
  private boolean draining;
  private boolean drainQueued;
  private boolean closed;
  private @Nullable ScheduledFuture<?> timer;

  private final Counter written;
  private final Counter failed;
  private final Counter rejected;
  private final Timer batchTime;
  private final Timer waitTime;
  private final OwnedMeters meters;

  /** {@code submitted}: {@link System#nanoTime()} at submit, for the wait timer. */
  private record Entry<T>(T row, CompletableFuture<Void> done, long submitted) {}

  /**
   * @param sink writes one batch in one transaction, throwing on failure
   * @param translate turns the sink's failure into the store's exception family
   */
  public DefaultBatchingWriter(
      String name,
      BatchSettings settings,
      Consumer<List<T>> sink,
      Function<Throwable, DatabaseException> translate,
      ScheduledExecutorService scheduler,
      MeterRegistry registry,
      Tags tags,
      StoreListener listener) {
    this.name = name;
    this.settings = settings;
    this.sink = sink;
    this.translate = translate;
    this.scheduler = scheduler;
    this.listener = listener;
    Tags writerTags = tags.and("writer", name);
    this.meters = OwnedMeters.of(registry, name + " writer");
    this.written = rows(writerTags, "written");
    this.failed = rows(writerTags, "failed");
    this.rejected = rows(writerTags, "rejected");
    this.batchTime =
        meters.shared(
            Timer.builder("alchemist.store.writer.batch")
                    .description("Time to write one batch")
                    .tags(writerTags)
                    .publishPercentileHistogram()
                ::register);
    this.waitTime =
        meters.shared(
            Timer.builder("alchemist.store.writer.wait")
                    .description(
                        "Time a row waited between submit and the start of its batch's write")
                    .tags(writerTags)
                    .publishPercentileHistogram()
                ::register);
    // Summed: a database's writers of one kind (two messageWriter() calls, or the lanes of one
    // writer) report their rows pending together; a closed writer's part leaves with it.
    meters.summed(
        "alchemist.store.writer.pending",
        writerTags,
        "Rows submitted and not yet written or failed",
        this::pending);
  }

  private Counter rows(Tags tags, String outcome) {
    return meters.shared(
        Counter.builder("alchemist.store.writer.rows")
                .description("Rows by what became of them")
                .tags(tags.and("outcome", outcome))
            ::register);
  }

  @Override
  public CompletableFuture<Void> submit(T row) {
    Checks.notNull("row", row);
    lock.lock();
    try {
      if (closed) {
        throw new IllegalStateException("writer " + name + " is closed");
      }
      int pending = buffer.size() + inFlight.size();
      if (pending >= settings.maxPending()) {
        rejected.increment();
        return CompletableFuture.failedFuture(
            new WriterOverloadedException(name, pending, settings.maxPending()));
      }
      Entry<T> entry = new Entry<>(row, new CompletableFuture<>(), System.nanoTime());
      buffer.add(entry);
      if (!draining) {
        if (buffer.size() >= settings.maxBatchSize()) {
          queueDrain();
        } else if (timer == null && !drainQueued) {
          timer =
              scheduler.schedule(
                  this::onTimer, settings.maxDelay().toNanos(), TimeUnit.NANOSECONDS);
        }
      }
      return entry.done();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public CompletableFuture<Void> flush() {
    lock.lock();
    try {
      List<CompletableFuture<Void>> waits = new ArrayList<>(buffer.size() + inFlight.size());
      inFlight.forEach(e -> waits.add(e.done()));
      buffer.forEach(e -> waits.add(e.done()));
      if (!buffer.isEmpty() && !draining) {
        queueDrain();
      }
      return CompletableFuture.allOf(waits.toArray(CompletableFuture<?>[]::new));
    } finally {
      lock.unlock();
    }
  }

  @Override
  public int pending() {
    lock.lock();
    try {
      return buffer.size() + inFlight.size();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void close() {
    lock.lock();
    try {
      closed = true;
      cancelTimer();
      while (draining) {
        idle.awaitUninterruptibly();
      }
      draining = true;
    } finally {
      lock.unlock();
    }
    try {
      drain();
    } finally {
      meters.close();
    }
  }

  /** Holding the lock. */
  private void queueDrain() {
    if (drainQueued) {
      return;
    }
    drainQueued = true;
    cancelTimer();
    try {
      scheduler.execute(this::drainIfIdle);
    } catch (RuntimeException e) {
      // The scheduler refused (shut down): close() will drain on its own thread.
      drainQueued = false;
      LOG.debug("writer {} could not schedule a flush", name, e);
    }
  }

  /** Holding the lock. */
  private void cancelTimer() {
    ScheduledFuture<?> t = timer;
    if (t != null) {
      t.cancel(false);
      timer = null;
    }
  }

  private void onTimer() {
    lock.lock();
    try {
      timer = null;
    } finally {
      lock.unlock();
    }
    drainIfIdle();
  }

  private void drainIfIdle() {
    lock.lock();
    try {
      drainQueued = false;
      if (draining || buffer.isEmpty()) {
        return;
      }
      draining = true;
    } finally {
      lock.unlock();
    }
    drain();
  }

  /** Writes chunks until the buffer is empty; the caller has set {@code draining}. */
  private void drain() {
    while (true) {
      List<Entry<T>> batch;
      lock.lock();
      try {
        if (buffer.isEmpty()) {
          draining = false;
          inFlight = List.of();
          idle.signalAll();
          return;
        }
        int n = Math.min(buffer.size(), settings.maxBatchSize());
        batch = new ArrayList<>(buffer.subList(0, n));
        buffer.subList(0, n).clear();
        inFlight = batch;
        if (buffer.isEmpty()) {
          cancelTimer();
        }
      } finally {
        lock.unlock();
      }
      write(batch);
    }
  }

  private void write(List<Entry<T>> batch) {
    List<T> rows = new ArrayList<>(batch.size());
    long start = System.nanoTime();
    for (Entry<T> e : batch) {
      rows.add(e.row());
      waitTime.record(start - e.submitted(), TimeUnit.NANOSECONDS);
    }
    DatabaseException failure = null;
    try {
      sink.accept(rows);
    } catch (RuntimeException e) {
      failure = translate.apply(e);
    }
    batchTime.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
    lock.lock();
    try {
      inFlight = List.of();
    } finally {
      lock.unlock();
    }
    if (failure == null) {
      written.increment(batch.size());
      batch.forEach(e -> e.done().complete(null));
      return;
    }
    failed.increment(batch.size());
    LOG.warn(
        "writer {} failed to write a batch of {} rows: {}",
        name,
        batch.size(),
        failure.getMessage());
    for (Entry<T> e : batch) {
      e.done().completeExceptionally(failure);
    }
    try {
      listener.onBatchFailed(name, batch.size(), failure);
    } catch (RuntimeException listenerFailure) {
      LOG.warn("StoreListener.onBatchFailed threw", listenerFailure);
    }
  }
}
