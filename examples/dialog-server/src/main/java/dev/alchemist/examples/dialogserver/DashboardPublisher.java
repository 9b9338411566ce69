package dev.alchemist.examples.dialogserver;

import dev.alchemist.core.flow.DebounceSettings;
import dev.alchemist.core.flow.DebouncedUpdater;
import dev.alchemist.core.flow.FrameFanout;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;

/**
 * Turns {@link ServerActivity} into dashboard frames: one JSON frame for topic {@code "all"} and
 * one per domain, published to the {@link FrameFanout}. A {@link DebouncedUpdater} sits in front,
 * so a burst of 10,000 events makes at most 60 frames a second; a slow tick (every {@link #TICK}
 * unless {@code dialog-server.dashboard.tick} says otherwise) keeps rates falling to zero when
 * nothing happens. A tick shorter than the debouncer's 16 ms makes a steady 60 frames a second,
 * which the browser test uses to measure the page's frame rate.
 *
 * <p>Frame (topic {@code all}): {@code {"type":"stats","domain":"all","eventsPerSecond":..,
 * "events":..,"activeDialogs":..,"activeStreams":..,"latencyMs":{"p50":..,"p95":..,"p99":..},
 * "domains":{"dialog":{"eventsPerSecond":..,"events":..}}}}; a domain's topic gets the same without
 * {@code domains}, and its own events.
 */
final class DashboardPublisher implements AutoCloseable {
  /** How often a frame is made without any change, so rates decay on a quiet server. */
  static final Duration TICK = Duration.ofMillis(250);

  /** Rates are measured over at least this long, so 60 frames a second do not make them jitter. */
  private static final long RATE_WINDOW_NANOS = TimeUnit.MILLISECONDS.toNanos(250);

  private final ServerActivity activity;
  private final LatencyPercentiles latency;
  private final FrameFanout<String> fanout;
  private final DebouncedUpdater<Long> updater;
  private final ScheduledExecutorService ticker;

  // Only the debouncer's delivery touches these: it never runs concurrently with itself.
  private long windowStart = System.nanoTime();
  private long eventsAtWindowStart;
  private double eventsPerSecond;
  private final Map<String, Long> domainAtWindowStart = new HashMap<>();
  private final Map<String, Double> domainRates = new HashMap<>();
  private double[] percentiles = {0, 0, 0};

  DashboardPublisher(
      ServerActivity activity,
      LatencyPercentiles latency,
      FrameFanout<String> fanout,
      Duration tick) {
    if (tick.isNegative() || tick.isZero() || tick.compareTo(Duration.ofMinutes(1)) > 0) {
      throw new IllegalArgumentException(
          "dialog-server.dashboard.tick must be more than 0 and at most 1m, was " + tick);
    }
    this.activity = activity;
    this.latency = latency;
    this.fanout = fanout;
    this.updater =
        DebouncedUpdater.create(
            DebounceSettings.builder().name("dashboard").build(), now -> publish(now));
    this.ticker =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "dashboard-tick");
              t.setDaemon(true);
              return t;
            });
    activity.onChange(this::changed);
    ticker.scheduleAtFixedRate(this::changed, 0, tick.toNanos(), TimeUnit.NANOSECONDS);
  }

  /** The updater's own meters (updates, deliveries, coalesced) are bound by the configuration. */
  DebouncedUpdater<Long> updater() {
    return updater;
  }

  private void changed() {
    try {
      updater.update(System.nanoTime());
    } catch (IllegalStateException closed) {
      // Shutting down: the last frame has gone out.
    }
  }

  private void publish(long now) {
    if (now - windowStart >= RATE_WINDOW_NANOS) {
      double seconds = (now - windowStart) / 1e9;
      long events = activity.events();
      eventsPerSecond = (events - eventsAtWindowStart) / seconds;
      eventsAtWindowStart = events;
      for (Map.Entry<String, LongAdder> domain : activity.eventsByDomain().entrySet()) {
        long count = domain.getValue().sum();
        long before = domainAtWindowStart.getOrDefault(domain.getKey(), 0L);
        domainRates.put(domain.getKey(), (count - before) / seconds);
        domainAtWindowStart.put(domain.getKey(), count);
      }
      percentiles = latency.millis();
      windowStart = now;
    }
    StringBuilder domains = new StringBuilder("{");
    for (Map.Entry<String, Long> domain : domainAtWindowStart.entrySet()) {
      String name = domain.getKey();
      double rate = domainRates.getOrDefault(name, 0.0);
      if (domains.length() > 1) {
        domains.append(',');
      }
      // Domain names are event tokens ([a-z0-9_-]+): nothing to escape.
      domains.append('"').append(name).append("\":");
      domains.append(
          String.format(
              Locale.ROOT, "{\"eventsPerSecond\":%.1f,\"events\":%d}", rate, domain.getValue()));
      fanout.publish(name, frame(name, rate, domain.getValue(), null));
    }
    domains.append('}');
    fanout.publish("all", frame("all", eventsPerSecond, eventsAtWindowStart, domains.toString()));
  }

  private String frame(String domain, double rate, long events, @Nullable String domains) {
    StringBuilder json = new StringBuilder(256);
    json.append("{\"type\":\"stats\",\"domain\":\"").append(domain).append('"');
    json.append(String.format(Locale.ROOT, ",\"eventsPerSecond\":%.1f", rate));
    json.append(",\"events\":").append(events);
    json.append(",\"activeDialogs\":").append(activity.activeDialogs());
    json.append(",\"activeStreams\":").append(activity.openStreams());
    json.append(
        String.format(
            Locale.ROOT,
            ",\"latencyMs\":{\"p50\":%.1f,\"p95\":%.1f,\"p99\":%.1f}",
            percentiles[0],
            percentiles[1],
            percentiles[2]));
    if (domains != null) {
      json.append(",\"domains\":").append(domains);
    }
    return json.append('}').toString();
  }

  @Override
  public void close() {
    ticker.shutdownNow();
    updater.close();
  }
}
