package dev.alchemist.cache.internal;

import dev.alchemist.core.AlchemistException;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.TrackingArgs;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.push.PushMessage;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * How a {@link RedisStore} hears of changes: on a single server, client tracking on the data
 * connection (BCAST for the tracked prefixes, its invalidation pushes carried by RESP3), on a
 * cluster a pub/sub connection on the invalidation channel; either way it reports "lost" and
 * "restored" as the connection that carries them drops and comes back. Kept apart from the store
 * because the tracked prefixes, their lock and the pub/sub connection belong to this alone.
 * Thread-safe.
 */
final class RedisInvalidationFeed {

  private final AbstractRedisClient client;
  private final StatefulConnection<String, byte[]> connection;
  private final RedisCalls calls;
  private final String channel;
  private final boolean tracking;
  private final Function<RuntimeException, AlchemistException> unreachable;
  private volatile @Nullable StatefulRedisPubSubConnection<String, byte[]> pubSub;

  /** The prefixes tracked on the data connection; guarded by trackingLock. */
  private final Set<String> trackedPrefixes = new LinkedHashSet<>();

  private final ReentrantLock trackingLock = new ReentrantLock();

  /**
   * @param tracking client tracking on {@code connection}; else pub/sub on {@code channel}
   * @param unreachable the error for a connection that could not be opened
   */
  RedisInvalidationFeed(
      AbstractRedisClient client,
      StatefulConnection<String, byte[]> connection,
      RedisCalls calls,
      String channel,
      boolean tracking,
      Function<RuntimeException, AlchemistException> unreachable) {
    this.client = client;
    this.connection = connection;
    this.calls = calls;
    this.channel = channel;
    this.tracking = tracking;
    this.unreachable = unreachable;
  }

  boolean tracking() {
    return tracking;
  }

  /** See {@link Store#subscribe}. */
  void subscribe(
      Consumer<byte[]> messages, Consumer<@Nullable List<String>> keys, Consumer<String> events) {
    if (tracking) {
      subscribeTracking(keys, events);
    } else {
      subscribePubSub(messages, events);
    }
  }

  private void subscribeTracking(Consumer<@Nullable List<String>> keys, Consumer<String> events) {
    dataConnection()
        .addListener(
            (PushMessage push) -> {
              if (!"invalidate".equals(push.getType())) {
                return;
              }
              List<Object> content = push.getContent(StringCodec.UTF8::decodeKey);
              Object changed = content.size() > 1 ? content.get(1) : null;
              if (changed instanceof List<?> list) {
                List<String> names = new ArrayList<>(list.size());
                for (Object o : list) {
                  names.add(String.valueOf(o));
                }
                keys.accept(names);
              } else {
                keys.accept(null); // FLUSHDB / FLUSHALL: everything changed
              }
            });
    client.addListener(
        new RedisConnectionStateListener() {
          @Override
          public void onRedisDisconnected(RedisChannelHandler<?, ?> handler) {
            if (handler == connection) {
              // Redis forgets a connection's tracking with the connection.
              events.accept("lost");
            }
          }

          @Override
          public void onRedisConnected(RedisChannelHandler<?, ?> handler, SocketAddress address) {
            if (handler == connection) {
              events.accept("restored");
            }
          }
        });
  }

  /** See {@link Store#trackPrefix}. */
  void trackPrefix(String prefix) {
    trackingLock.lock();
    try {
      if (trackedPrefixes.add(prefix)) {
        enableTracking(List.of(prefix));
      }
    } finally {
      trackingLock.unlock();
    }
  }

  /** See {@link Store#restoreTracking}. */
  void restoreTracking() {
    trackingLock.lock();
    try {
      if (!trackedPrefixes.isEmpty()) {
        // Off first: turning it on again for a prefix it already has (after a command that timed
        // out but landed) would be refused as an overlap. Changes in between are missed, but the
        // near caches are distrusted while this runs and cleared after it.
        calls.await(
            calls.call(
                () ->
                    dataConnection().async().clientTracking(TrackingArgs.Builder.enabled(false))));
        enableTracking(List.copyOf(trackedPrefixes));
      }
    } finally {
      trackingLock.unlock();
    }
  }

  private void enableTracking(List<String> prefixes) {
    // BCAST: told of every change under these prefixes, by anyone; NOLOOP: except our own writes,
    // which this instance applies to its near cache itself.
    TrackingArgs args =
        TrackingArgs.Builder.enabled().bcast().noloop().prefixes(prefixes.toArray(new String[0]));
    calls.await(calls.call(() -> dataConnection().async().clientTracking(args)));
  }

  @SuppressWarnings("unchecked")
  private StatefulRedisConnection<String, byte[]> dataConnection() {
    return (StatefulRedisConnection<String, byte[]>) connection;
  }

  private void subscribePubSub(Consumer<byte[]> messages, Consumer<String> events) {
    StatefulRedisPubSubConnection<String, byte[]> connection;
    try {
      connection =
          client instanceof RedisClusterClient cluster
              ? cluster.connectPubSub(RedisStore.CODEC)
              : ((RedisClient) client).connectPubSub(RedisStore.CODEC);
    } catch (RuntimeException e) {
      throw unreachable.apply(e);
    }
    AtomicBoolean subscribedOnce = new AtomicBoolean();
    connection.addListener(
        new RedisPubSubAdapter<String, byte[]>() {
          @Override
          public void message(String ch, byte[] message) {
            messages.accept(message);
          }

          @Override
          public void subscribed(String ch, long count) {
            // Lettuce subscribes again after each reconnect; messages sent meanwhile are lost.
            if (subscribedOnce.getAndSet(true)) {
              events.accept("restored");
            }
          }
        });
    client.addListener(
        new RedisConnectionStateListener() {
          @Override
          public void onRedisDisconnected(RedisChannelHandler<?, ?> handler) {
            if (handler == pubSub) {
              events.accept("lost");
            }
          }
        });
    pubSub = connection;
    connection.sync().subscribe(channel);
  }

  /** Closes the pub/sub connection, if one was opened (the data connection is the store's). */
  void close() {
    StatefulRedisPubSubConnection<String, byte[]> ps = pubSub;
    if (ps != null) {
      ps.close();
    }
  }
}
