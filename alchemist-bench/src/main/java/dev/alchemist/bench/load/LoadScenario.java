package dev.alchemist.bench.load;

import dev.alchemist.core.DomainEvent;
import dev.alchemist.examples.dialog.DialogLoad;
import dev.alchemist.examples.dialog.DialogOptions;
import dev.alchemist.examples.dialog.DialogReport;
import dev.alchemist.examples.dialog.DialogService;
import dev.alchemist.examples.dialog.DialogStats;
import dev.alchemist.examples.dialog.Latency;
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
 *   <li>warm-up: a short run (200 users, one turn) so the JIT has compiled the flow;
 *   <li>dialogs: 1000 users arriving within 5 s and chatting until 25 s have passed (turns of a
 *       simulated model: 150 ms to the first token, 60 tokens at 50/s; pauses of up to 200 ms
 *       between turns), measuring concurrent dialogs, the dialog API ({@code dialog.post}: persist,
 *       cached history, start the stream), first token, dashboard frames and memory;
 *   <li>events: the flow's own publish path ({@link DialogService#publish}: JetStream with acks, a
 *       subscription receiving every event, the dashboard re-rendered per event) at full speed from
 *       4 threads for 5 s: the events/s capacity.
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
 *     [--events-seconds 5] [--event-threads 4] [any DialogServiceDemo flag]
 * </pre>
 *
 * <p>Exit status 0 when every target passes, 1 otherwise.
 */
public final class LoadScenario {

  /**
   * The share of the guide's 500 ms first-token budget the SDK may take on top of the model: a
   * tenth, leaving the rest to the model.
   */
  static final int SDK_FIRST_TOKEN_BUDGET_MILLIS = 50;

  private LoadScenario() {}

  public static void main(String[] args) throws Exception {
    List<String> flow = new ArrayList<>();
    double eventSeconds = 5;
    int eventThreads = 4;
    boolean users = false;
    boolean duration = false;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--events-seconds" -> eventSeconds = Double.parseDouble(args[++i]);
        case "--event-threads" -> eventThreads = Integer.parseInt(args[++i]);
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

    System.out.println("warm-up: 200 users x 1 turn ...");
    List<String> warm = strip(flow, "--users", "--turns", "--duration");
    warm.addAll(List.of("--users", "200", "--turns", "1", "--quiet"));
    try (DialogService service =
        DialogService.start(DialogOptions.parse(withPrefix(warm, run + "_warm")))) {
      new DialogLoad(service, System.out).run(Duration.ofMinutes(5));
    }

    System.out.printf(
        "dialogs: %d users for %s ...%n",
        options.users(),
        options.duration() == null ? options.turns() + " turns" : options.duration());
    DialogReport report;
    EventRate events;
    try (DialogService service = DialogService.start(options)) {
      report = new DialogLoad(service, System.out).run(Duration.ofMinutes(10));
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
    Latency api = r.operations().get("dialog.post");
    Latency firstToken = r.firstToken();
    long rss = r.memory().peakRssBytes();
    List<String[]> rows = new ArrayList<>();
    boolean all = true;
    all &=
        add(
            rows,
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
            events.perSecond() >= 10_000 && events.drained() && events.errors() == 0);
    all &=
        add(
            rows,
            "concurrent dialogs",
            ">= 1,000",
            String.format(
                Locale.ROOT,
                "%,d dialogs open at once (peak; %,d turns being answered at the same moment)",
                r.peakOpenDialogs(),
                r.stats().peakTurnsInFlight()),
            r.peakOpenDialogs() >= 1000);
    all &=
        add(
            rows,
            "dialog API p99",
            "< 100 ms",
            String.format(
                Locale.ROOT,
                "%s ms (dialog.post, p50 %s ms, %,d calls; within it the commit of the user's"
                    + " message p99 %s ms, the cached history p99 %s ms)",
                ms(api.p99Millis()),
                ms(api.p50Millis()),
                api.count(),
                ms(r.operations().get("dialog.persist").p99Millis()),
                ms(r.operations().get("dialog.history").p99Millis())),
            api.p99Millis() < 100);
    boolean simulated = o.openAiBaseUrl() == null && o.ollamaUrl() == null;
    if (simulated) {
      // The simulated model's own first-token delay is a constant, so a quantile of the first
      // chunk minus it is the same quantile of what the SDK adds: the shared timer's lateness under
      // load, the stream set-up and the chunk's delivery to the dashboard subscriber.
      double model = o.firstTokenLatency().toNanos() / 1e6;
      double addedP99 = r.firstChunk().p99Millis() - model;
      all &=
          add(
              rows,
              "first-token p99, added by the SDK",
              "< " + SDK_FIRST_TOKEN_BUDGET_MILLIS + " ms",
              String.format(
                  Locale.ROOT,
                  "%s ms: first chunk to the dashboard p99 %s ms minus the simulated"
                      + " model's %s ms to its first token (histogram buckets near it are about 20"
                      + " ms wide); raw first token p99 %s ms, %,d streams",
                  ms(Math.max(0, addedP99)),
                  ms(r.firstChunk().p99Millis()),
                  ms(model),
                  ms(firstToken.p99Millis()),
                  r.firstChunk().count()),
              addedP99 < SDK_FIRST_TOKEN_BUDGET_MILLIS);
    }
    String rawFirstToken =
        String.format(
            Locale.ROOT,
            "%s ms (%s; first chunk p99 %s ms)",
            ms(firstToken.p99Millis()),
            simulated
                ? "the simulated model's own "
                    + o.firstTokenLatency().toMillis()
                    + " ms included, so it is reported, not graded"
                : "a real model",
            ms(r.firstChunk().p99Millis()));
    if (simulated) {
      rows.add(new String[] {"first-token p99, raw", "< 500 ms", rawFirstToken, "report"});
    } else {
      all &= add(rows, "first-token p99", "< 500 ms", rawFirstToken, firstToken.p99Millis() < 500);
    }
    all &=
        add(
            rows,
            "dashboard update rate",
            "60 fps (>= 57)",
            String.format(Locale.ROOT, "%.1f fps", r.framesPerSecond()),
            r.framesPerSecond() >= 57);
    all &=
        add(
            rows,
            "memory",
            "< 500 MB RSS",
            String.format(
                Locale.ROOT,
                "%.0f MB peak RSS (VmHWM; heap peak %.0f MB)",
                rss / 1e6,
                r.peakHeapBytes() / 1e6),
            rss > 0 && rss < 500_000_000L);
    all &= add(rows, "consistency", "nothing lost", consistency(r), r.inconsistencies().isEmpty());
    System.out.println();
    System.out.println("| target | guide | measured | result |");
    System.out.println("|---|---|---|---|");
    for (String[] row : rows) {
      System.out.println("| " + String.join(" | ", row) + " |");
    }
    return all;
  }

  private static String consistency(DialogReport r) {
    List<String> problems = r.inconsistencies();
    DialogStats s = r.stats();
    return problems.isEmpty()
        ? String.format(
            Locale.ROOT,
            "%,d messages persisted = sent, %,d events received = acked = published, 0 errors",
            s.messagesPersisted(),
            s.eventsReceived())
        : String.join("; ", problems);
  }

  private static boolean add(
      List<String[]> rows, String target, String guide, String measured, boolean pass) {
    rows.add(new String[] {target, guide, measured, pass ? "PASS" : "**FAIL**"});
    return pass;
  }

  private static String ms(double v) {
    return String.format(Locale.ROOT, v < 10 ? "%.2f" : "%.1f", v);
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
