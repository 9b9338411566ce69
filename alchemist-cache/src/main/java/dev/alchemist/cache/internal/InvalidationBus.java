package dev.alchemist.cache.internal;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;

/**
 * Carries near-cache invalidations between instances over the store's pub/sub channel.
 *
 * <p>A message is UTF-8 text: {@code k\n<instance>\n<cache>\n<encoded key>} for one key, {@code
 * r\n<instance>\n<cache>} for a whole region. An instance ignores its own messages. Messages are
 * applied on the manager's executor, not on Lettuce's event loop. When the pub/sub connection drops
 * or subscribes again, messages may have been lost, so every near cache is cleared and not trusted
 * until the subscription is back. Thread-safe.
 */
final class InvalidationBus {

  /** Receives the invalidations of one region. */
  interface Region {
    void onRemoteKey(String encodedKey);

    void onRemoteRegion();

    void clearNear(String reason);
  }

  private final Store store;
  private final Executor executor;
  private final String instanceId = UUID.randomUUID().toString();
  private final Map<String, Region> regions = new ConcurrentHashMap<>();
  private final Consumer<String> onClear;
  private volatile boolean trusted = true;

  InvalidationBus(Store store, Executor executor, Consumer<String> onClear) {
    this.store = store;
    this.executor = executor;
    this.onClear = onClear;
  }

  void start() {
    if (store.shared()) {
      store.subscribe(this::onMessage, this::onEvent);
    }
  }

  void register(String cache, Region region) {
    regions.put(cache, region);
  }

  /** Whether the near caches may be read and filled: false while invalidations may be missed. */
  boolean trusted() {
    return trusted;
  }

  void publishKey(String cache, String encodedKey) {
    if (store.shared()) {
      store.publish(("k\n" + instanceId + "\n" + cache + "\n" + encodedKey).getBytes(UTF8));
    }
  }

  void publishRegion(String cache) {
    if (store.shared()) {
      store.publish(("r\n" + instanceId + "\n" + cache).getBytes(UTF8));
    }
  }

  private static final java.nio.charset.Charset UTF8 = StandardCharsets.UTF_8;

  private void onEvent(String event) {
    if (event.equals("disconnected")) {
      trusted = false;
    }
    run(
        () -> {
          clearAll(event);
          if (event.equals("resubscribed")) {
            // Cleared after the subscription is back, so nothing filled in the gap survives.
            trusted = true;
          }
        });
  }

  private void clearAll(String reason) {
    for (Region region : regions.values()) {
      region.clearNear(reason);
    }
    onClear.accept(reason);
  }

  private void onMessage(byte[] message) {
    run(() -> apply(new String(message, UTF8)));
  }

  private void apply(String text) {
    String[] parts = text.split("\n", 4);
    if (parts.length < 3 || parts[1].equals(instanceId)) {
      return;
    }
    Region region = regions.get(parts[2]);
    if (region == null) {
      return;
    }
    if (parts[0].equals("k") && parts.length == 4) {
      region.onRemoteKey(parts[3]);
    } else if (parts[0].equals("r")) {
      region.onRemoteRegion();
    } else {
      region.clearNear("unreadable_message");
    }
  }

  private void run(Runnable task) {
    try {
      executor.execute(task);
    } catch (RejectedExecutionException e) {
      task.run();
    }
  }
}
