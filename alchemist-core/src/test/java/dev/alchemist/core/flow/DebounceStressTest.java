package dev.alchemist.core.flow;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Many producers against a real timer. Asserts only outcomes (order, the final value, balanced
 * counters), never timing; waits are event-driven with a generous deadline that only guards against
 * a hang.
 */
class DebounceStressTest {
  private static final int PRODUCERS = 8;
  private static final Duration DEADLINE = Duration.ofSeconds(30);

  private final ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1);
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition delivered = lock.newCondition();
  private final AtomicInteger violations = new AtomicInteger();

  record Update(int producer, int seq) {}

  @AfterEach
  void stopTimer() {
    timer.shutdownNow();
  }

  private DebounceSettings.Builder settings() {
    timer.setRemoveOnCancelPolicy(true);
    return DebounceSettings.builder()
        .name("stress")
        .interval(Duration.ofMillis(1))
        .scheduler(timer);
  }

  private void signal() {
    lock.lock();
    try {
      delivered.signalAll();
    } finally {
      lock.unlock();
    }
  }

  private void await(BooleanSupplier done) throws InterruptedException {
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    lock.lock();
    try {
      while (!done.getAsBoolean()) {
        assertThat(System.nanoTime()).as("waited %s for quiescence", DEADLINE).isLessThan(deadline);
        delivered.await(5, TimeUnit.MILLISECONDS);
      }
    } finally {
      lock.unlock();
    }
  }

  private static void runProducers(int count, ProducerBody body) throws InterruptedException {
    CountDownLatch start = new CountDownLatch(1);
    Queue<Throwable> errors = new ConcurrentLinkedQueue<>();
    List<Thread> threads = new ArrayList<>();
    for (int p = 0; p < count; p++) {
      int producer = p;
      Thread t =
          new Thread(
              () -> {
                try {
                  start.await();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                  return;
                }
                try {
                  body.run(producer);
                } catch (Throwable failure) { // surfaced below, in the test thread
                  errors.add(failure);
                }
              });
      t.start();
      threads.add(t);
    }
    start.countDown();
    for (Thread t : threads) {
      t.join();
    }
    if (!errors.isEmpty()) {
      AssertionError failure = new AssertionError("a producer failed", errors.peek());
      errors.stream().skip(1).forEach(failure::addSuppressed);
      throw failure;
    }
  }

  @FunctionalInterface
  interface ProducerBody {
    void run(int producer);
  }

  @Test
  void update_manyProducers_lastWriteWinsAndIsDeliveredWithoutFlush() throws Exception {
    int perProducer = 200_000;
    AtomicIntegerArray lastSeen = new AtomicIntegerArray(PRODUCERS);
    for (int p = 0; p < PRODUCERS; p++) {
      lastSeen.set(p, -1);
    }
    AtomicInteger inSink = new AtomicInteger();
    Update[] last = new Update[1];
    DebouncedUpdater<Update> updater =
        DebouncedUpdater.create(
            settings().build(),
            u -> {
              if (inSink.incrementAndGet() != 1) {
                violations.incrementAndGet(); // sink ran concurrently with itself
              }
              if (u.seq() <= lastSeen.get(u.producer())) {
                violations.incrementAndGet(); // out of order for one producer
              }
              lastSeen.set(u.producer(), u.seq());
              last[0] = u;
              inSink.decrementAndGet();
              signal();
            });

    runProducers(
        PRODUCERS,
        p -> {
          for (int seq = 0; seq < perProducer; seq++) {
            updater.update(new Update(p, seq));
          }
        });
    await(() -> updater.stats().pending() == 0);

    DebounceStats stats = updater.stats();
    assertThat(violations).hasValue(0);
    assertThat(last[0].seq())
        .as("the final value is some producer's last write")
        .isEqualTo(perProducer - 1);
    assertThat(stats.received()).isEqualTo((long) PRODUCERS * perProducer);
    assertThat(stats.delivered() + stats.coalesced()).isEqualTo(stats.received());
    updater.close();
    assertThat(updater.stats().delivered()).isEqualTo(stats.delivered());
  }

  @Test
  void update_shortBurstsRacingTheIdleTransition_finalValueNeverStranded() throws Exception {
    // Each round ends in quiescence, so every round's last update races the drain going idle.
    int rounds = 2_000;
    CyclicBarrier barrier = new CyclicBarrier(2);
    AtomicLong lastDelivered = new AtomicLong(-1);
    DebouncedUpdater<Long> updater =
        DebouncedUpdater.create(
            settings().interval(Duration.ofNanos(1)).build(),
            v -> {
              lastDelivered.set(v);
              signal();
            });

    runProducers(
        2,
        p -> {
          for (long round = 0; round < rounds; round++) {
            try {
              barrier.await(DEADLINE.toSeconds(), TimeUnit.SECONDS);
            } catch (Exception e) {
              throw new IllegalStateException(e);
            }
            updater.update(round * 2 + p);
            if (p == 0) {
              // Wait for the value itself, not for pending() == 0: the counters are summed one
              // after another, so a snapshot can read zero while the other producer's value,
              // which replaced this one, is still on its way. A stranded value fails the wait.
              long expectedAtLeast = round * 2;
              try {
                await(() -> lastDelivered.get() >= expectedAtLeast);
              } catch (InterruptedException e) {
                throw new IllegalStateException(e);
              }
            }
          }
        });

    assertThat(violations).hasValue(0);
    updater.close();
  }

  @Test
  void update_manyProducersHotAndExpiringKeys_lastWritePerKeyWins() throws Exception {
    int perProducer = 200_000;
    int hotKeys = 8;
    int keys = 400;
    int[][] lastWritten = new int[PRODUCERS][keys];
    AtomicIntegerArray lastSeen = new AtomicIntegerArray(PRODUCERS * keys);
    for (int i = 0; i < lastSeen.length(); i++) {
      lastSeen.set(i, -1);
    }
    AtomicIntegerArray inSink = new AtomicIntegerArray(keys);
    ConcurrentHashMap<Integer, Update> finalValue = new ConcurrentHashMap<>();
    KeyedDebouncer<Integer, Update> debouncer =
        KeyedDebouncer.create(
            settings().idleTimeout(Duration.ofMillis(1)).build(),
            (k, u) -> {
              if (inSink.incrementAndGet(k) != 1) {
                violations.incrementAndGet();
              }
              int slot = u.producer() * keys + k;
              if (u.seq() <= lastSeen.get(slot)) {
                violations.incrementAndGet();
              }
              lastSeen.set(slot, u.seq());
              finalValue.put(k, u);
              inSink.decrementAndGet(k);
              signal();
            });

    runProducers(
        PRODUCERS,
        p -> {
          SplittableRandom random = new SplittableRandom(p);
          int[] seqs = new int[keys];
          for (int i = 0; i < perProducer; i++) {
            // Mostly hot keys; now and then a cold key, which expires between touches.
            int k = random.nextInt(100) == 0 ? random.nextInt(keys) : random.nextInt(hotKeys);
            int seq = seqs[k]++;
            debouncer.update(k, new Update(p, seq));
            lastWritten[p][k] = seq;
          }
          for (int k = 0; k < keys; k++) {
            if (seqs[k] == 0) {
              lastWritten[p][k] = -1;
            }
          }
        });
    await(() -> debouncer.stats().pending() == 0);

    assertThat(violations).hasValue(0);
    for (var e : finalValue.entrySet()) {
      Update u = e.getValue();
      assertThat(u.seq())
          .as("key %s ends with producer %s's last write", e.getKey(), u.producer())
          .isEqualTo(lastWritten[u.producer()][e.getKey()]);
    }
    DebounceStats stats = debouncer.stats();
    assertThat(stats.delivered() + stats.coalesced()).isEqualTo(stats.received());
    assertThat(stats.expiredKeys()).isPositive();
    await(() -> debouncer.size() == 0);
    debouncer.close();
  }
}
