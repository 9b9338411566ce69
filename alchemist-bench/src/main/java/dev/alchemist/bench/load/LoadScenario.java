package dev.alchemist.bench.load;

import dev.alchemist.core.DomainEvent;
import dev.alchemist.examples.dialog.DialogLoad;
import dev.alchemist.examples.dialog.DialogOptions;
import dev.alchemist.examples.dialog.DialogReport;
import dev.alchemist.examples.dialog.DialogService;
import dev.alchemist.examples.dialog.DialogStats;
import dev.alchemist.examples.dialog.GuideTargets;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.LongAdder;

/**
 * Drives the dialog flow of {@code DialogServiceDemo} ({@link DialogService}, {@link DialogLoad}:
 * the same code, not a copy) against the real Redis, NATS JetStream and PostgreSQL and prints each
 * of the performance guide's targets with the measured value and PASS or FAIL.
 *
 * <ol>
 *   <li>warm-up: the same run in rounds of 10 s ({@code --warm-up}), each on a schema, stream and
 *       key prefix of its own, until the JIT compiled for less than a tenth of a round ({@link
 *       JitQuiet}), at most 8 rounds ({@code --warm-up-rounds}), so the JIT has compiled the flow
 *       before anything is measured;
 *   <li>dialogs: 1000 users arriving within 5 s and chatting until 25 s have passed (turns of a
 *       simulated model: 150 ms to the first token, 60 tokens at 50/s; pauses of up to 200 ms
 *       between turns), measuring concurrent dialogs, the dialog API ({@code dialog.post}: persist,
 *       cached history, start the stream), first token, dashboard frames and memory. The turns'
 *       messages commit with their events in the transactional outbox, and the flow's {@code
 *       OutboxRelay} publishes them to JetStream (consistency: every committed event acked and
 *       received);
 *   <li>events: the flow's direct publish path ({@link DialogService#publish}: JetStream with acks,
 *       a subscription receiving every event, the dashboard re-rendered per event), not the outbox,
 *       at full speed from 4 threads for 5 s: the events/s capacity of the bus.
 * </ol>
 *
 * <p>Every run uses its own subject root, stream, cache key prefix and schema and drops them at the
 * end. Addresses: flags as for the demo, else {@code ALCHEMIST_REDIS_URI}, {@code
 * ALCHEMIST_NATS_URL}, {@code ALCHEMIST_PG_URL}, {@code ALCHEMIST_PG_USER} (password from {@code
 * ALCHEMIST_PG_PASSWORD}), else the loopback defaults of {@code scripts/services.sh}.
 *
 * <pre>
 * java -Xmx256m -XX:+UseG1GC -cp alchemist-bench/target/benchmarks.jar \
 *     dev.alchemist.bench.load.LoadScenario [--users 1000] [--duration 25s] [--ramp-up 5s]
 *     [--warm-up 10s] [--warm-up-rounds 8] [--events-seconds 5] [--event-threads 4]
 *     [any DialogServiceDemo flag]
 * </pre>
 *
 * <p>Exit status 0 when every target passes, 1 otherwise.
 */
public final class LoadScenario {

  private LoadScenario() {}

  public static void main(String[] args) throws Exception {
    List<String> flow = new ArrayList<>();
    double eventSeconds = 5;
    int eventThreads = 4;
    String warmUp = "10s";
    int warmUpRounds = 8;
    boolean users = false;
    boolean duration = false;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--events-seconds" -> eventSeconds = Double.parseDouble(args[++i]);
        case "--event-threads" -> eventThreads = Integer.parseInt(args[++i]);
        case "--warm-up" -> warmUp = args[++i];
        case "--warm-up-rounds" -> warmUpRounds = Integer.parseInt(args[++i]);
        default -> {
          users |= args[i].equals("--users");
          duration |= args[i].equals("--duration");
          flow.add(args[i]);
        }
      }
    }
    if (!users) {
      flow.addAll(List.of("--users", "1000"));
    }
    if (!duration) {
      flow.addAll(List.of("--duration", "25s", "--turns", "0"));
    }
    if (!flow.contains("--ramp-up")) {
      flow.addAll(List.of("--ramp-up", "5s"));
    }
    addDefault(flow, "--redis", env("ALCHEMIST_REDIS_URI", "redis://127.0.0.1:6379"));
    addDefault(flow, "--nats", env("ALCHEMIST_NATS_URL", "nats://127.0.0.1:4222"));
    addDefault(flow, "--jdbc", env("ALCHEMIST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/test"));
    addDefault(flow, "--jdbc-user", env("ALCHEMIST_PG_USER", "postgres"));
    String run = "load_" + Long.toString(System.currentTimeMillis() % 1_000_000_000L, 36);

    DialogOptions options = DialogOptions.parse(withPrefix(flow, run + "_main"));
    System.out.println("Alchemist load scenario: " + options.backends());
    System.out.println(
        "JVM: "
            + System.getProperty("java.vm.name")
            + " "
            + System.getProperty("java.version")
            + ", "
            + Runtime.getRuntime().availableProcessors()
            + " cores, flags "
            + ManagementFactory.getRuntimeMXBean().getInputArguments());

    // The warm-up is the run itself, shorter: the same users arriving as fast, in rounds until the
    // JIT has compiled the flow. One 10 s round was not enough on two cores shared with the
    // servers: C2 then took about 65 % of a core through the first 30 s of the measured dialogs
    // (compiling, and recompiling what closing the warm-up's service had deoptimized), CPU that the
    // commits of the users' messages waited for. A service in production runs for hours; the
    // guide's targets are its steady state.
    List<String> warm = strip(flow, "--turns", "--duration");
    warm.addAll(List.of("--duration", warmUp, "--turns", "0", "--quiet"));
    JitQuiet jit = new JitQuiet(warmUpRounds);
    do {
      System.out.printf(
          "warm-up round %d: %d users for %s ...%n", jit.round() + 1, options.users(), warmUp);
      jit.roundStarted();
      try (DialogService service =
          DialogService.start(DialogOptions.parse(withPrefix(warm, run + "_warm")))) {
        new DialogLoad(service, System.out).run(Duration.ofMinutes(5));
      }
    } while (!jit.roundEnded(System.out));

    System.out.printf(
        "dialogs: %d users for %s ...%n",
        options.users(),
        options.duration() == null ? options.turns() + " turns" : options.duration());
    DialogReport report;
    EventRate events;
    double loadBefore = loadAverage();
    try (DialogService service = DialogService.start(options)) {
      long compiledBefore = jit.compileMillis();
      long dialogsStart = System.nanoTime();
      report = new DialogLoad(service, System.out).run(Duration.ofMinutes(10));
      System.out.printf(
          Locale.ROOT,
          "machine: 1-minute load average %.1f before the dialogs, %.1f after (2 cores; the"
              + " servers and any other build share them); JIT compiling %.1f s of the dialogs'"
              + " %.1f s%n",
          loadBefore,
          loadAverage(),
          (jit.compileMillis() - compiledBefore) / 1e3,
          (System.nanoTime() - dialogsStart) / 1e9);
      report.print(System.out);
      System.out.printf(
          "events: publishing from %d threads for %.0f s ...%n", eventThreads, eventSeconds);
      events =
          eventCapacity(service, Duration.ofMillis((long) (eventSeconds * 1000)), eventThreads);
    }
    boolean pass = printTargets(report, events, options);
    System.exit(pass ? 0 : 1);
  }

  /** Events/s through the flow's publish path, from publish to ack and receipt. */
  record EventRate(long events, Duration elapsed, boolean drained, long errors) {
    double perSecond() {
      return events / Math.max(1e-3, elapsed.toNanos() / 1e9);
    }
  }

  static EventRate eventCapacity(DialogService service, Duration duration, int threads)
      throws InterruptedException {
    DialogStats before = service.stats();
    LongAdder published = new LongAdder();
    CountDownLatch done = new CountDownLatch(threads);
    long start = System.nanoTime();
    long end = start + duration.toNanos();
    for (int t = 0; t < threads; t++) {
      String session = "load-" + t;
      Thread th =
          new Thread(
              () -> {
                try {
                  while (System.nanoTime() < end) {
                    service.publish(
                        DomainEvent.of("dialog", "load", "measured", session, Instant.now(), "{}"));
                    published.increment();
                  }
                } finally {
                  done.countDown();
                }
              },
              "event-load-" + t);
      th.setDaemon(true);
      th.start();
    }
    done.await();
    // The clock stops when every event is acknowledged and has come back through the subscription.
    boolean drained = service.drain(Duration.ofSeconds(60));
    Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
    DialogStats after = service.stats();
    return new EventRate(
        after.eventsReceived() - before.eventsReceived(),
        elapsed,
        drained,
        after.errors() - before.errors());
  }

  private static boolean printTargets(DialogReport r, EventRate events, DialogOptions o) {
    List<GuideTargets.Row> rows = new ArrayList<>();
    rows.add(
        GuideTargets.graded(
            "events/s",
            ">= 10,000",
            String.format(
                Locale.ROOT,
                "%,.0f (%,d events acked by JetStream and received in %.1f s; the dialog flow itself"
                    + " produced %,.0f/s)",
                events.perSecond(),
                events.events(),
                events.elapsed().toNanos() / 1e9,
                r.eventsPerSecond()),
            events.perSecond() >= 10_000 && events.drained() && events.errors() == 0));
    rows.addAll(GuideTargets.of(r, o));
    GuideTargets.print(System.out, rows);
    return rows.stream().noneMatch(GuideTargets.Row::failed);
  }

  private static double loadAverage() {
    return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
  }

  private static String env(String name, String fallback) {
    String v = System.getenv(name);
    return v == null || v.isBlank() ? fallback : v;
  }

  private static void addDefault(List<String> args, String flag, String value) {
    if (!args.contains(flag)) {
      args.add(flag);
      args.add(value);
    }
  }

  /** The run's own subject root, stream, key prefix and schema, dropped at the end. */
  private static String[] withPrefix(List<String> args, String prefix) {
    List<String> a = strip(args, "--prefix");
    a.removeIf(x -> x.equals("--cleanup"));
    a.addAll(List.of("--prefix", prefix, "--cleanup"));
    return a.toArray(String[]::new);
  }

  /** {@code args} without the given flags and their values. */
  private static List<String> strip(List<String> args, String... flags) {
    List<String> drop = List.of(flags);
    List<String> out = new ArrayList<>();
    for (int i = 0; i < args.size(); i++) {
      if (drop.contains(args.get(i))) {
        i++;
      } else {
        out.add(args.get(i));
      }
    }
    return out;
  }
}
