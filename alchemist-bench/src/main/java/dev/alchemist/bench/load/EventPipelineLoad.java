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
          long sustainedLags = runPhase(db, rate, seconds, perTx, producers, committed);
          long sustainedCommitted = committed.get();
          long phaseEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
          // Let the sustained phase's events land before the burst, so the two lags are separate.
          while (lagCount.get() < sustainedCommitted && System.nanoTime() < phaseEnd) {
            statsReadNanos.add(timeStatsRead(db));
            Thread.sleep(200);
          }
          long sustainedSeen = lagCount.get();
          runPhase(db, burst, burstSeconds, perTx, producers, committed);
          long drainEnd = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
          while (lagCount.get() < committed.get() && System.nanoTime() < drainEnd) {
            statsReadNanos.add(timeStatsRead(db));
            Thread.sleep(200);
          }
          double runSeconds = (System.nanoTime() - startedNanos) / 1e9;
          Map<String, Long> cpuAfter = cpuByThreadGroup();
          long sizeAfter = databaseBytes(db, prefix);
          int seen = (int) Math.min(lagCount.get(), lagNanos.length);
          long[] sustained = Arrays.copyOfRange(lagNanos, 0, (int) Math.min(sustainedSeen, seen));
          long[] bursty = Arrays.copyOfRange(lagNanos, sustained.length, seen);
          long stored = count(db, prefix, "SELECT count(*) FROM %s.events");
          long distinct = count(db, prefix, "SELECT count(DISTINCT id) FROM %s.events");
          long inStats = db.domainStats().all().stream().mapToLong(DomainStats::eventCount).sum();
          System.out.printf(
              "%ncommitted %,d (sustained %,d), stored %,d, distinct %,d, in domain_stats %,d:"
                  + " missing %,d, doubled %,d; projection redeliveries absorbed: %,d acked of"
                  + " %,d; relay rounds failed %d; producer pacing misses %d%n",
              committed.get(),
              sustainedCommitted,
              stored,
              distinct,
              inStats,
              committed.get() - distinct,
              stored - distinct,
              consumer.acknowledged(),
              committed.get(),
              relay.failedRounds(),
              sustainedLags);
          System.out.printf(
              "%-44s %10s %10s %10s%n", "lag commit -> domain_stats", "p50", "p99", "max");
          printLag("sustained " + rate + "/s", sustained);
          printLag("burst " + burst + "/s", bursty);
          long[] reads = statsReadNanos.stream().mapToLong(Long::longValue).sorted().toArray();
          if (reads.length > 0) {
            System.out.printf(
                "reading domain_stats (%d reads during the run): p50 %.2f ms, max %.2f ms%n",
                reads.length, reads[reads.length / 2] / 1e6, reads[reads.length - 1] / 1e6);
          }
          System.out.printf("%nCPU (thread CPU time per second of run, 1.0 = one core):%n");
          for (Map.Entry<String, Long> e : cpuAfter.entrySet()) {
            long used = e.getValue() - cpuBefore.getOrDefault(e.getKey(), 0L);
            System.out.printf("  %-30s %.2f%n", e.getKey(), used / 1e9 / runSeconds);
          }
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
   * per outbox transaction; returns how many pacing ticks fell behind by more than a second.
   */
  private static long runPhase(
      AlchemistDatabase db, int rate, int seconds, int perTx, int producers, AtomicLong committed)
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
                  if (due - done > rate / producers) {
                    behind.incrementAndGet();
                  }
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
              },
              "pipeline-producer-" + p);
      t.start();
      threads.add(t);
    }
    for (Thread t : threads) {
      t.join();
    }
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
    if (thread.startsWith("pipeline-producer")) {
      return "producers (outbox commits)";
    }
    if (thread.startsWith("jnats") || thread.contains("nats")) {
      return "jnats I/O";
    }
    return "other";
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
