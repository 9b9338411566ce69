package dev.alchemist.examples.dialogserver;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the dashboard shows and the API changes: events seen (in total and by domain), dialogs
 * active in the last five minutes, streams open now. Every change also tells the {@link
 * DashboardPublisher}, whose debouncer turns any number of changes into at most 60 frames a second.
 * Thread-safe and allocation-light: the API calls it on every request.
 */
final class ServerActivity {
  /** A dialog with no message for this long is no longer active. */
  static final Duration ACTIVE_WINDOW = Duration.ofMinutes(5);

  /** Domains counted one by one; beyond this they are only in the total (bounded memory). */
  static final int MAX_DOMAINS = 1000;

  private final LongAdder events = new LongAdder();
  private final Map<String, LongAdder> eventsByDomain = new ConcurrentHashMap<>();
  private final Cache<UUID, Boolean> activeDialogs =
      Caffeine.newBuilder().expireAfterWrite(ACTIVE_WINDOW).maximumSize(1_000_000).build();
  private final AtomicInteger openStreams = new AtomicInteger();
  private volatile Runnable onChange = () -> {};

  void onChange(Runnable listener) {
    this.onChange = listener;
  }

  void eventSeen(String domain) {
    events.increment();
    LongAdder counter = eventsByDomain.get(domain);
    if (counter == null && eventsByDomain.size() < MAX_DOMAINS) {
      counter = eventsByDomain.computeIfAbsent(domain, d -> new LongAdder());
    }
    if (counter != null) {
      counter.increment();
    }
    onChange.run();
  }

  void dialogActive(UUID dialogId) {
    activeDialogs.put(dialogId, Boolean.TRUE);
    onChange.run();
  }

  void streamOpened() {
    openStreams.incrementAndGet();
    onChange.run();
  }

  void streamClosed() {
    openStreams.decrementAndGet();
    onChange.run();
  }

  long events() {
    return events.sum();
  }

  /** Events by domain so far: a live view, read by the publisher only. */
  Map<String, LongAdder> eventsByDomain() {
    return eventsByDomain;
  }

  long activeDialogs() {
    return activeDialogs.estimatedSize();
  }

  int openStreams() {
    return openStreams.get();
  }
}
