package dev.alchemist.bench.load;

import dev.alchemist.core.DomainEvent;
import dev.alchemist.core.DomainStats;
import dev.alchemist.nats.ConsumerSettings;
import dev.alchemist.nats.EventConsumer;
import dev.alchemist.nats.JetStreamPublisher;
import dev.alchemist.nats.JetStreamPublisherSettings;
import dev.alchemist.nats.NatsEvents;
import dev.alchemist.nats.ReceivedEvent;
import dev.alchemist.nats.StreamSpec;
import dev.alchemist.nats.SubjectSpace;
import dev.alchemist.store.AlchemistDatabase;
import dev.alchemist.store.EventProjection;
import dev.alchemist.store.OutboxRelay;
import dev.alchemist.store.OutboxRelaySettings;
import dev.alchemist.store.PoolSettings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Events end to end at the guide's rate: producers commit events through the transactional outbox
 * ({@code db.useTransaction(tx -> tx.outbox().addAll(events))}, {@code --per-tx} events per
 * transaction), an {@link OutboxRelay} publishes them to JetStream, a batch consumer ({@link
 * NatsEvents#consumeBatches}) stores each batch with {@link EventProjection} (events plus the
 * {@code domain_stats} rollups, one transaction), and the run reports:
 *
 * <ul>
 *   <li>the lag from commit to visible in {@code domain_stats}, p50/p99/max: the time at which the
 *       projection's transaction holding the event has committed (its rollup row is then what
 *       {@code domain_stats} reads) minus the event's {@code createdAt}, stamped by the producer
 *       just before its outbox commit; so it includes that commit;
 *   <li>the CPU of the relay's thread and of the projection (the bus executor's threads), and of
 *       the producers, as thread CPU time per second of run;
 *   <li>the database's growth per hour at this rate ({@code pg_total_relation_size} of the events
 *       partitions, rollups and outbox, before and after);
 *   <li>the cost of reading {@code domain_stats} during the run;
 *   <li>missing (committed but not in {@code events}) and doubled (stored twice) at the end.
 * </ul>
 *
 * <p>Phases: {@code --seconds} at {@code --rate} events/s, then {@code --burst-seconds} at {@code
 * --burst} events/s, then the drain. Everything runs on this machine's shared PostgreSQL and NATS
 * in a schema and stream of its own, dropped at the end.
 *
 * <pre>
 * java -Xmx512m -XX:+UseG1GC -cp alchemist-bench/target/benchmarks.jar \
 *     dev.alchemist.bench.load.EventPipelineLoad [--rate 10000] [--seconds 60] [--burst 50000]
 *     [--burst-seconds 2] [--per-tx 20] [--producers 2]
 * </pre>
 */
public final class EventPipelineLoad {
  private static final String[] DOMAINS = {"dialog", "billing", "search", "auth", "files"};

  private EventPipelineLoad() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> flags = new HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      flags.put(args[i], args[i + 1]);
    }
    int rate = Integer.parseInt(flags.getOrDefault("--rate", "10000"));
    int seconds = Integer.parseInt(flags.getOrDefault("--seconds", "60"));
    int burst = Integer.parseInt(flags.getOrDefault("--burst", "50000"));
    int burstSeconds = Integer.parseInt(flags.getOrDefault("--burst-seconds", "2"));
    int perTx = Integer.parseInt(flags.getOrDefault("--per-tx", "20"));
    int producers = Integer.parseInt(flags.getOrDefault("--producers", "2"));
    String pgUrl =
        flags.getOrDefault(
            "--pg-url", env("ALCHEMIST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/test"));
    String pgUser = flags.getOrDefault("--pg-user", env("ALCHEMIST_PG_USER", "postgres"));
    String natsUrl =
        flags.getOrDefault("--nats-url", env("ALCHEMIST_NATS_URL", "nats://127.0.0.1:4222"));

    String prefix = "pipeline_" + Long.toString(ThreadLocalRandom.current().nextLong() >>> 1, 36);
    SubjectSpace subjects = SubjectSpace.of(prefix);
    StreamSpec spec =
        StreamSpec.alchemistEvents().forDevelopment().toBuilder()
            .name(prefix.toUpperCase(Locale.ROOT))
            .subjects(subjects)
            .maxAge(Duration.ofHours(1))
            .build();
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    long total = (long) rate * seconds + (long) burst * burstSeconds;
    long[] lagNanos = new long[(int) Math.min(Integer.MAX_VALUE - 8, total + 1000)];
    AtomicLong lagCount = new AtomicLong();
    AtomicLong committed = new AtomicLong();

    System.out.printf(
        "EventPipelineLoad: %,d events/s for %d s, then %,d events/s for %d s; %d events per"
            + " outbox transaction, %d producers; schema and stream %s%n",
        rate, seconds, burst, burstSeconds, perTx, producers, prefix);
    try (AlchemistDatabase db =
            AlchemistDatabase.builder()
                .jdbcUrl(pgUrl)
                .user(pgUser)
                .schema(prefix)
                .pool(PoolSettings.builder().maxConnections(8).build())
                .meterRegistry(registry)
                .build();
        NatsEvents events =
            NatsEvents.builder().url(natsUrl).subjects(subjects).meterRegistry(registry).build()) {
      events.provisioner().provision(spec);
      try (JetStreamPublisher publisher =
          events.jetStreamPublisher(
              JetStreamPublisherSettings.builder().stream(spec).maxInFlight(4096).build())) {
        EventProjection projection = db.eventProjection();
        ConsumerSettings consumerSettings =
            ConsumerSettings.builder(spec.name(), "projection")
                .filter(subjects.all())
                .batchSize(1000)
                .maxAckPending(5000)
                .backoff(Duration.ofMillis(250))
                .maxDeliver(1000)
                .build();
        long sizeBefore = databaseBytes(db, prefix);
        Map<String, Long> cpuBefore = cpuByThreadGroup();
        long[] machineBefore = machineCpu();
        long startedNanos = System.nanoTime();
        List<Long> statsReadNanos = new ArrayList<>();
        try (EventConsumer consumer =
                events.consumeBatches(
                    consumerSettings,
                    batch -> {
                      List<DomainEvent> list = new ArrayList<>(batch.size());
                      for (ReceivedEvent r : batch) {
                        list.add(r.event());
                      }
                      projection.store(list);
                      long now = System.currentTimeMillis() * 1_000_000L;
                      for (DomainEvent e : list) {
                        long i = lagCount.getAndIncrement();
                        if (i < lagNanos.length) {
                          lagNanos[(int) i] = now - epochNanos(e.createdAt());
                        }
                      }
                    });
            OutboxRelay relay =
                OutboxRelay.start(
                    db,
                    e -> publisher.publish(subjects.subject(e), e),
                    OutboxRelaySettings.builder().name("load").batchSize(2000).build())) {
          AtomicLong producerCpu = new AtomicLong();
          Thread reader =
              new Thread(
                  () -> {
                    while (!Thread.currentThread().isInterrupted()) {
                      long t = timeStatsRead(db);
                      synchronized (statsReadNanos) {
                        statsReadNanos.add(t);
                      }
                      try {
                        Thread.sleep(500);
                      } catch (InterruptedException e) {
                        return;
                      }
                    }
                  },
                  "pipeline-dashboard");
          reader.setDaemon(true);
          reader.start();
          long sustainedBehind =
              runPhase(db, rate, seconds, perTx, producers, committed, producerCpu);
          long sustainedCommitted = committed.get();
          long phaseEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
          // Let the sustained phase's events land before the burst, so the two lags are separate.
          while (lagCount.get() < sustainedCommitted && System.nanoTime() < phaseEnd) {
            Thread.sleep(50);
          }
          long sustainedSeen = lagCount.get();
          long burstBehind =
              runPhase(db, burst, burstSeconds, perTx, producers, committed, producerCpu);
          long drainEnd = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
          while (lagCount.get() < committed.get() && System.nanoTime() < drainEnd) {
            Thread.sleep(50);
          }
          reader.interrupt();
          reader.join();
          double runSeconds = (System.nanoTime() - startedNanos) / 1e9;
          Map<String, Long> cpuAfter = cpuByThreadGroup();
          long[] machineAfter = machineCpu();
          long sizeAfter = databaseBytes(db, prefix);
          int seen = (int) Math.min(lagCount.get(), lagNanos.length);
          long[] sustained = Arrays.copyOfRange(lagNanos, 0, (int) Math.min(sustainedSeen, seen));
          long[] bursty = Arrays.copyOfRange(lagNanos, sustained.length, seen);
          long stored = count(db, prefix, "SELECT count(*) FROM %s.events");
          long distinct = count(db, prefix, "SELECT count(DISTINCT id) FROM %s.events");
          long inStats = db.domainStats().all().stream().mapToLong(DomainStats::eventCount).sum();
          System.out.printf(
              "%ncommitted %,d (sustained %,d), stored %,d, distinct %,d, in domain_stats %,d:"
                  + " missing %,d, doubled %,d; projection acked %,d; relay rounds failed %d;"
                  + " producers at most %,d events behind schedule (sustained), %,d (burst)%n",
              committed.get(),
              sustainedCommitted,
              stored,
              distinct,
              inStats,
              committed.get() - distinct,
              stored - distinct,
              consumer.acknowledged(),
              relay.failedRounds(),
              sustainedBehind,
              burstBehind);
          System.out.printf(
              "%-44s %10s %10s %10s%n", "lag commit -> domain_stats", "p50", "p99", "max");
          printLag("sustained " + rate + "/s", sustained);
          printLag("burst " + burst + "/s", bursty);
          long[] reads;
          synchronized (statsReadNanos) {
            reads = statsReadNanos.stream().mapToLong(Long::longValue).sorted().toArray();
          }
          if (reads.length > 0) {
            System.out.printf(
                "reading domain_stats (%d reads during the run): p50 %.2f ms, max %.2f ms%n",
                reads.length, reads[reads.length / 2] / 1e6, reads[reads.length - 1] / 1e6);
          }
          System.out.printf("%nCPU (thread CPU time per second of run, 1.0 = one core):%n");
          for (Map.Entry<String, Long> e : cpuAfter.entrySet()) {
            long used = e.getValue() - cpuBefore.getOrDefault(e.getKey(), 0L);
            System.out.printf("  %-36s %.2f%n", e.getKey(), used / 1e9 / runSeconds);
          }
          System.out.printf(
              "  %-36s %.2f%n", "producers (outbox commits)", producerCpu.get() / 1e9 / runSeconds);
          long busy = machineAfter[0] - machineBefore[0];
          long all = machineAfter[1] - machineBefore[1];
          System.out.printf(
              "  %-36s %.0f %% of %d cores%n",
              "machine (services included, /proc/stat)",
              all == 0 ? Double.NaN : 100.0 * busy / all,
              Runtime.getRuntime().availableProcessors());
          double hours = (committed.get() / (double) rate) / 3600.0;
          System.out.printf(
              "%ndatabase growth: %,d MB for %,d events; at %,d events/s %,.1f GB per hour"
                  + " (before retention; partitions are dropped after it)%n",
              (sizeAfter - sizeBefore) >> 20,
              committed.get(),
              rate,
              (sizeAfter - sizeBefore) / hours / 1e9);
        }
      } finally {
        events.provisioner().delete(spec.name());
        try (Connection c = db.dataSource().getConnection();
            Statement s = c.createStatement()) {
          s.execute("DROP SCHEMA IF EXISTS " + prefix + " CASCADE");
        }
      }
    }
  }

  /**
   * Commits {@code rate} events/s for {@code seconds} from {@code producers} threads, {@code perTx}
   * per outbox transaction; returns the most events the producers were ever behind their schedule.
   */
  private static long runPhase(
      AlchemistDatabase db,
      int rate,
      int seconds,
      int perTx,
      int producers,
      AtomicLong committed,
      AtomicLong producerCpu)
      throws InterruptedException {
    AtomicLong behind = new AtomicLong();
    long perProducer = (long) rate * seconds / producers;
    double perNano = rate / (double) producers / 1e9;
    List<Thread> threads = new ArrayList<>();
    for (int p = 0; p < producers; p++) {
      int id = p;
      Thread t =
          new Thread(
              () -> {
                long start = System.nanoTime();
                long done = 0;
                ThreadLocalRandom random = ThreadLocalRandom.current();
                while (done < perProducer) {
                  long due = (long) ((System.nanoTime() - start) * perNano);
                  long late = due - done;
                  behind.accumulateAndGet(late, Math::max);
                  if (done >= due) {
                    LockSupport.parkNanos(200_000);
                    continue;
                  }
                  int n = (int) Math.min(perTx, perProducer - done);
                  List<DomainEvent> batch = new ArrayList<>(n);
                  for (int i = 0; i < n; i++) {
                    String domain = DOMAINS[random.nextInt(DOMAINS.length)];
                    batch.add(
                        DomainEvent.of(
                            domain,
                            "message",
                            "created",
                            "s-" + id + "-" + random.nextInt(2000),
                            Instant.now(),
                            "{\"dialog\":\"" + random.nextLong() + "\",\"tokens\":" + i + "}"));
                  }
                  db.useTransaction(tx -> tx.outbox().addAll(batch));
                  committed.addAndGet(n);
                  done += n;
                }
                producerCpu.addAndGet(
                    ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime());
              },
              "pipeline-producer-" + p);
      t.start();
      threads.add(t);
    }
    long t0 = System.nanoTime();
    long before = committed.get();
    for (Thread t : threads) {
      t.join();
    }
    double took = (System.nanoTime() - t0) / 1e9;
    System.out.printf(
        "phase at %,d events/s: %,d events committed in %.1f s = %,.0f events/s achieved%n",
        rate, committed.get() - before, took, (committed.get() - before) / took);
    return behind.get();
  }

  private static long epochNanos(Instant t) {
    return t.getEpochSecond() * 1_000_000_000L + t.getNano();
  }

  private static long timeStatsRead(AlchemistDatabase db) {
    long t0 = System.nanoTime();
    db.domainStats().all();
    return System.nanoTime() - t0;
  }

  private static void printLag(String label, long[] lags) {
    if (lags.length == 0) {
      System.out.printf("%-44s %10s%n", label, "no events");
      return;
    }
    Arrays.sort(lags);
    System.out.printf(
        "%-44s %7.0f ms %7.0f ms %7.0f ms%n",
        label + " (" + lags.length + " events)",
        lags[lags.length / 2] / 1e6,
        lags[(int) Math.min(lags.length - 1, (long) (lags.length * 0.99))] / 1e6,
        lags[lags.length - 1] / 1e6);
  }

  /** Thread CPU time by thread-name group: relay, projection (bus executor), producers, other. */
  private static Map<String, Long> cpuByThreadGroup() {
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    Map<String, Long> groups = new HashMap<>();
    for (ThreadInfo info : mx.getThreadInfo(mx.getAllThreadIds())) {
      if (info == null) {
        continue;
      }
      long cpu = mx.getThreadCpuTime(info.getThreadId());
      if (cpu < 0) {
        continue;
      }
      groups.merge(group(info.getThreadName()), cpu, Long::sum);
    }
    return groups;
  }

  private static String group(String thread) {
    if (thread.startsWith("alchemist-outbox")) {
      return "relay (alchemist-outbox-*)";
    }
    if (thread.startsWith("alchemist-nats")) {
      return "projection + bus (alchemist-nats-*)";
    }
    if (thread.startsWith("jnats") || thread.contains("nats")) {
      return "jnats I/O";
    }
    return "other";
  }

  /** Busy and total jiffies of the machine from {@code /proc/stat}, or zeros where it is absent. */
  private static long[] machineCpu() {
    try {
      String[] f =
          java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/stat"))
              .get(0)
              .trim()
              .split("\\s+");
      long total = 0;
      for (int i = 1; i < f.length; i++) {
        total += Long.parseLong(f[i]);
      }
      long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
      return new long[] {total - idle, total};
    } catch (java.io.IOException | RuntimeException e) {
      return new long[] {0, 0};
    }
  }

  private static long databaseBytes(AlchemistDatabase db, String schema) throws Exception {
    try (Connection c = db.dataSource().getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c"
                    + " JOIN pg_namespace n ON n.oid = c.relnamespace"
                    + " WHERE n.nspname = ? AND c.relkind IN ('r', 'm')")) {
      s.setString(1, schema);
      try (ResultSet r = s.executeQuery()) {
        r.next();
        return r.getLong(1);
      }
    }
  }

  private static long count(AlchemistDatabase db, String schema, String sql) throws Exception {
    try (Connection c = db.dataSource().getConnection();
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery(String.format(Locale.ROOT, sql, schema))) {
      r.next();
      return r.getLong(1);
    }
  }

  private static String env(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? fallback : value;
  }
}
