package dev.alchemist.examples.dialog;

import dev.alchemist.cache.CachePolicy;
import dev.alchemist.core.Dialog;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Drives a {@link DialogService} with simulated users: each opens one dialog and takes its turns
 * with a random pause in between, all users at once (started within the ramp-up). Prints a progress
 * line every second and returns a {@link DialogReport}.
 *
 * <p>Used by {@code DialogServiceDemo} and by the load scenario in {@code alchemist-bench}. Not
 * thread-safe: one run at a time per instance; the run itself uses the service's worker pool and
 * one monitor thread, which it stops before returning.
 */
public final class DialogLoad {
  /** The tracked operations, in the order of a turn. */
  public static final List<String> OPERATIONS =
      List.of(
          "dialog.open",
          "dialog.post",
          "dialog.persist",
          "dialog.history",
          "model.reply",
          "dialog.save");

  /** Timers that break the dialog API's latency down into its stages. */
  public static final List<String> STAGES =
      List.of("alchemist.store.writer.wait", "alchemist.store.writer.batch");

  private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(30);

  private static final String[] PROMPTS = {
    "Plan three days in Lisbon on a budget",
    "Which museums open late on Fridays?",
    "Suggest a vegetarian dinner near the river",
    "How do I get from the airport to the old town?",
    "What should I pack for rain in October?",
    "Find a quiet cafe to work for two hours",
    "Is the tram or the metro faster at rush hour?",
    "Summarise what we planned so far",
  };

  private final DialogService service;
  private final PrintStream out;

  /** A driver for {@code service} that prints progress to {@code out}. */
  public DialogLoad(DialogService service, PrintStream out) {
    this.service = service;
    this.out = out;
  }

  /**
   * Runs the users given by the service's options and waits for them, then drains writes and
   * events.
   *
   * @throws TimeoutException if the users have not finished within {@code hangGuard}
   */
  public DialogReport run(Duration hangGuard) throws InterruptedException, TimeoutException {
    DialogOptions o = service.options();
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    AtomicLong peakHeap = new AtomicLong(memory.getHeapMemoryUsage().getUsed());
    long start = System.nanoTime();
    long deadline = o.duration() == null ? Long.MAX_VALUE : start + o.duration().toNanos();
    List<Dialog> dialogs = Collections.synchronizedList(new ArrayList<>());
    // A dialog is open from its creation until its user's last turn ends (pauses included).
    AtomicInteger open = new AtomicInteger();
    AtomicInteger peakOpen = new AtomicInteger();
    ScheduledExecutorService monitor =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "dialog-monitor");
              t.setDaemon(true);
              return t;
            });
    try {
      monitor.scheduleAtFixedRate(
          () -> peakHeap.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max),
          250,
          250,
          TimeUnit.MILLISECONDS);
      if (o.progress()) {
        long[] lastEvents = {0};
        long[] lastFrames = {0};
        monitor.scheduleAtFixedRate(
            () -> progress(start, lastEvents, lastFrames), 1, 1, TimeUnit.SECONDS);
      }
      List<CompletableFuture<Void>> users = new ArrayList<>(o.users());
      Executor workers = service.workers();
      for (int i = 0; i < o.users(); i++) {
        String userId = "user-" + i;
        long delay = ThreadLocalRandom.current().nextLong(o.rampUp().toMillis() + 1);
        Executor later = CompletableFuture.delayedExecutor(delay, TimeUnit.MILLISECONDS, workers);
        users.add(
            CompletableFuture.runAsync(() -> {}, later)
                .thenCompose(v -> service.open(userId))
                .thenCompose(
                    d -> {
                      dialogs.add(d);
                      peakOpen.accumulateAndGet(open.incrementAndGet(), Math::max);
                      return turns(d, 0, deadline).whenComplete((v, e) -> open.decrementAndGet());
                    })
                .exceptionally(
                    e -> {
                      service.failed(e);
                      return null;
                    }));
      }
      try {
        CompletableFuture.allOf(users.toArray(CompletableFuture[]::new))
            .get(hangGuard.toMillis(), TimeUnit.MILLISECONDS);
      } catch (java.util.concurrent.ExecutionException e) {
        throw new IllegalStateException("unexpected: failures are counted per user", e);
      }
      Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
      boolean drained = service.drain(DRAIN_TIMEOUT);
      peakHeap.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
      MeterRegistry registry = service.metrics().registry();
      Map<String, Latency> ops = new LinkedHashMap<>();
      for (String op : OPERATIONS) {
        ops.put(op, Latency.ofOperation(registry, op));
      }
      // Where dialog.persist and dialog.post spend their time, from the SDK's and the demo's own
      // timers: a row's wait for its batch, the batch's commit, a step's wait for a worker.
      for (String timer : STAGES) {
        ops.put(timer, Latency.ofTimer(registry, timer));
      }
      for (String timer : DialogService.TAIL_TIMERS) {
        ops.put(timer, Latency.ofTimer(registry, timer));
      }
      for (String pool : List.of("steps", "blocking")) {
        ops.put(
            DialogService.WORKER_WAIT_TIMER + " (" + pool + ")",
            Latency.of(registry.find(DialogService.WORKER_WAIT_TIMER).tag("pool", pool).timers()));
      }
      long[] gets = cacheGets(registry);
      return new DialogReport(
          o.users(),
          o.turns(),
          o.backends(),
          service.stats(),
          peakOpen.get(),
          elapsed,
          service.messagesInStore(dialogs),
          drained,
          ops,
          Latency.ofTimer(registry, "alchemist.ai.first.chunk"),
          Latency.ofTimer(registry, "alchemist.ai.first.token"),
          gets[0],
          gets[1],
          peakHeap.get(),
          ProcessMemory.read(),
          service.metricsUri(),
          o.maxStoreWaiting(),
          o.ackBeforeCommit());
    } finally {
      monitor.shutdownNow();
    }
  }

  private CompletableFuture<Void> turns(Dialog d, int k, long deadline) {
    if (finished(k, deadline)) {
      return CompletableFuture.completedFuture(null);
    }
    String text = PROMPTS[Math.floorMod(d.id().hashCode() + k, PROMPTS.length)];
    return service
        .turn(d, text)
        // A failed turn is counted by the service; the user goes on with the next one.
        .handle((v, e) -> (Void) null)
        .thenCompose(
            v -> {
              if (finished(k + 1, deadline)) {
                return CompletableFuture.completedFuture(null);
              }
              long think = service.options().think().toMillis();
              long pause = think == 0 ? 0 : ThreadLocalRandom.current().nextLong(think + 1);
              Executor later =
                  CompletableFuture.delayedExecutor(
                      pause, TimeUnit.MILLISECONDS, service.workers());
              return CompletableFuture.runAsync(() -> {}, later)
                  .thenCompose(x -> turns(d, k + 1, deadline));
            });
  }

  private boolean finished(int k, long deadline) {
    int turns = service.options().turns();
    return (turns > 0 && k >= turns) || System.nanoTime() >= deadline;
  }

  private void progress(long start, long[] lastEvents, long[] lastFrames) {
    DialogStats s = service.stats();
    Latency post = Latency.ofOperation(service.metrics().registry(), "dialog.post");
    out.printf(
        Locale.ROOT,
        "[%5.1fs] dialogs %s  turns %s (in flight %d)  messages %s  events %s (%s/s)  dashboard %d"
            + " fps  dialog.post p99 %s ms  rejected %d  errors %d%n",
        (System.nanoTime() - start) / 1e9,
        DialogReport.n(s.dialogsOpened()),
        DialogReport.n(s.turnsDone()),
        s.turnsInFlight(),
        DialogReport.n(s.messagesPersisted()),
        DialogReport.n(s.eventsReceived()),
        DialogReport.n(s.eventsReceived() - lastEvents[0]),
        s.dashboardFrames() - lastFrames[0],
        DialogReport.ms(post.p99Millis()),
        s.turnsRejected(),
        s.errors());
    lastEvents[0] = s.eventsReceived();
    lastFrames[0] = s.dashboardFrames();
  }

  /** {gets, hits} of the dialog history cache from {@code alchemist.cache.gets}. */
  private static long[] cacheGets(MeterRegistry registry) {
    long gets = 0;
    long hits = 0;
    for (Counter c :
        registry
            .find("alchemist.cache.gets")
            .tag("cache", CachePolicy.DIALOG_HISTORY.name())
            .counters()) {
      long v = (long) c.count();
      gets += v;
      if (!"miss".equals(c.getId().getTag("result"))) {
        hits += v;
      }
    }
    return new long[] {gets, hits};
  }
}
