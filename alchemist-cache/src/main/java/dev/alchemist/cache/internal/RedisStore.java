package dev.alchemist.cache.internal;

import dev.alchemist.cache.CircuitState;
import dev.alchemist.core.AlchemistException;
import dev.alchemist.core.Ticker;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.KeyValue;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.SslOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.protocol.ProtocolVersion;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The Redis (or Redis Cluster) store over Lettuce: one multiplexed data connection (RESP3 on a
 * single server, which also carries the invalidation pushes of client tracking), on a cluster one
 * pub/sub connection for invalidation messages, and a {@link CircuitBreaker} in front of every
 * command, invalidation messages included.
 *
 * <p>Keys travel as UTF-8 strings and values as raw bytes. Commands time out after the operation
 * timeout (Lettuce's {@link TimeoutOptions}); while disconnected, commands are rejected at once
 * instead of being queued ({@link ClientOptions.DisconnectedBehavior#REJECT_COMMANDS}; on a cluster
 * they queue, bounded, because node connections open lazily), and Lettuce reconnects in the
 * background with a delay of 10 ms doubling up to 1 s. On a cluster, MGET, DEL and SCAN go through
 * Lettuce's advanced cluster API, which splits them by slot and node. This class connects and turns
 * each store operation into its commands; {@link RedisCalls} runs them through the breaker, and
 * {@link RedisInvalidationFeed} carries client tracking or the pub/sub subscription. Thread-safe.
 */
public final class RedisStore implements Store {

  /** Keys as UTF-8 strings, values as raw bytes. */
  static final RedisCodec<String, byte[]> CODEC =
      RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);

  private static final String DELETE_IF_EQUALS =
      "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0"
          + " end";
  private static final String SET_IF_EQUALS =
      "local current = redis.call('get', KEYS[1]) if current == false then current = '' end"
          + " if current == ARGV[1] then redis.call('set', KEYS[1], ARGV[2], 'PX', ARGV[3])"
          + " return 1 end return 0";
  private static final byte[] ABSENT = new byte[0];
  private static final int SCAN_COUNT = 500;
  private static final int REQUEST_QUEUE_SIZE = 65_536;

  private final AbstractRedisClient client;
  private final @Nullable ClientResources ownResources;
  private final StatefulConnection<String, byte[]> connection;
  private final RedisClusterAsyncCommands<String, byte[]> commands;
  private final RedisCalls calls;
  private final RedisInvalidationFeed feed;
  private final String channel;
  private final String description;
  private final List<String> secrets;
  private final Duration connectTimeout;

  /**
   * Connects.
   *
   * @param uris one URI, or the seed nodes of a cluster
   * @param description the redacted address for messages (never a password)
   * @throws AlchemistException if Redis cannot be reached
   */
  public RedisStore(
      List<RedisURI> uris,
      boolean cluster,
      String description,
      Duration operationTimeout,
      Duration connectTimeout,
      @Nullable SslOptions sslOptions,
      @Nullable ClientResources sharedResources,
      int failureThreshold,
      Duration openDuration,
      Ticker ticker,
      String channel,
      BiConsumer<CircuitState, CircuitState> onTransition) {
    this.channel = channel;
    this.description = description;
    this.connectTimeout = connectTimeout;
    this.secrets = Redaction.secretsOf(uris);
    this.calls =
        new RedisCalls(
            new CircuitBreaker(failureThreshold, openDuration.toNanos(), ticker, onTransition),
            operationTimeout.toMillis() * 2 + 1000);
    ClientResources resources = sharedResources;
    if (resources == null) {
      resources =
          DefaultClientResources.builder()
              .reconnectDelay(
                  Delay.exponential(
                      Duration.ofMillis(10), Duration.ofSeconds(1), 2, TimeUnit.MILLISECONDS))
              .build();
      this.ownResources = resources;
    } else {
      this.ownResources = null;
    }
    TimeoutOptions timeouts = TimeoutOptions.builder().fixedTimeout(operationTimeout).build();
    SocketOptions socket = SocketOptions.builder().connectTimeout(connectTimeout).build();
    try {
      if (cluster) {
        RedisClusterClient clusterClient = RedisClusterClient.create(resources, uris);
        ClusterClientOptions.Builder options =
            ClusterClientOptions.builder()
                .timeoutOptions(timeouts)
                .socketOptions(socket)
                // Node connections of a cluster open lazily, so rejecting while disconnected
                // would refuse the first command to each node; queue instead (bounded, and every
                // command still times out after the operation timeout).
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.ACCEPT_COMMANDS)
                .requestQueueSize(REQUEST_QUEUE_SIZE)
                .topologyRefreshOptions(
                    ClusterTopologyRefreshOptions.builder()
                        .enablePeriodicRefresh(Duration.ofSeconds(30))
                        .build());
        if (sslOptions != null) {
          options.sslOptions(sslOptions);
        }
        clusterClient.setOptions(options.build());
        this.client = clusterClient;
        StatefulRedisClusterConnection<String, byte[]> c = connectCluster(clusterClient);
        this.connection = c;
        this.commands = c.async();
      } else {
        RedisClient redisClient = RedisClient.create(resources, uris.get(0));
        ClientOptions.Builder options =
            ClientOptions.builder()
                .timeoutOptions(timeouts)
                .socketOptions(socket)
                // RESP3 carries the invalidation pushes of client tracking on the data connection
                .protocolVersion(ProtocolVersion.RESP3)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS);
        if (sslOptions != null) {
          options.sslOptions(sslOptions);
        }
        redisClient.setOptions(options.build());
        this.client = redisClient;
        StatefulRedisConnection<String, byte[]> c = connectStandalone(redisClient);
        this.connection = c;
        this.commands = c.async();
      }
    } catch (RuntimeException e) {
      shutdownResources();
      throw e;
    }
    this.feed =
        new RedisInvalidationFeed(client, connection, calls, channel, !cluster, this::unreachable);
  }

  private StatefulRedisClusterConnection<String, byte[]> connectCluster(RedisClusterClient c) {
    try {
      return c.connect(CODEC);
    } catch (RuntimeException e) {
      c.shutdown(Duration.ZERO, Duration.ofSeconds(2));
      throw unreachable(e);
    }
  }

  private StatefulRedisConnection<String, byte[]> connectStandalone(RedisClient c) {
    try {
      return c.connect(CODEC);
    } catch (RuntimeException e) {
      c.shutdown(Duration.ZERO, Duration.ofSeconds(2));
      throw unreachable(e);
    }
  }

  private AlchemistException unreachable(RuntimeException e) {
    // Lettuce's messages may repeat the URI: the cause is a copy with every secret taken out.
    return new AlchemistException(
        "cannot connect to Redis at " + description + ": " + Redaction.reason(e, connectTimeout),
        Redaction.redact(e, secrets));
  }

  @Override
  public CompletableFuture<byte @Nullable []> get(String key) {
    return call(() -> commands.get(key));
  }

  @Override
  public CompletableFuture<List<byte @Nullable []>> getAll(List<String> keys) {
    String[] array = keys.toArray(new String[0]);
    return call(
        () ->
            commands
                .mget(array)
                .thenApply(
                    kvs -> {
                      List<byte @Nullable []> values = new ArrayList<>(kvs.size());
                      for (KeyValue<String, byte[]> kv : kvs) {
                        values.add(kv.hasValue() ? kv.getValue() : null);
                      }
                      return values;
                    }));
  }

  @Override
  public CompletableFuture<Void> set(String key, byte[] value, long ttlMillis) {
    return call(
        () -> commands.set(key, value, SetArgs.Builder.px(ttlMillis)).thenApply(ok -> null));
  }

  @Override
  public CompletableFuture<Void> setAll(List<String> keys, List<byte[]> values, long[] ttlMillis) {
    return call(
        () -> {
          // Lettuce pipelines: every SET is written before the first answer arrives.
          CompletableFuture<?>[] writes = new CompletableFuture<?>[keys.size()];
          for (int i = 0; i < writes.length; i++) {
            writes[i] =
                commands
                    .set(keys.get(i), values.get(i), SetArgs.Builder.px(ttlMillis[i]))
                    .toCompletableFuture();
          }
          return CompletableFuture.allOf(writes);
        });
  }

  @Override
  public CompletableFuture<Boolean> setIfAbsent(String key, byte[] value, long ttlMillis) {
    return call(
        () ->
            commands
                .set(key, value, SetArgs.Builder.nx().px(ttlMillis))
                .thenApply(ok -> "OK".equals(ok)));
  }

  @Override
  public CompletableFuture<Boolean> setIfEquals(
      String key, byte @Nullable [] expected, byte[] value, long ttlMillis) {
    byte[] ttl = Long.toString(ttlMillis).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    return call(
        () ->
            commands
                .<Long>eval(
                    SET_IF_EQUALS,
                    ScriptOutputType.INTEGER,
                    new String[] {key},
                    expected == null ? ABSENT : expected,
                    value,
                    ttl)
                .thenApply(n -> n != null && n == 1L));
  }

  @Override
  public CompletableFuture<Void> delete(List<String> keys) {
    String[] array = keys.toArray(new String[0]);
    return call(() -> commands.unlink(array).thenApply(n -> null));
  }

  @Override
  public CompletableFuture<Void> deleteIfEquals(String key, byte[] expected) {
    return call(
        () ->
            commands
                .<Long>eval(
                    DELETE_IF_EQUALS, ScriptOutputType.INTEGER, new String[] {key}, expected)
                .thenApply(n -> null));
  }

  @Override
  public long deleteByPrefix(String prefix) {
    ScanArgs args = ScanArgs.Builder.matches(prefix + "*").limit(SCAN_COUNT);
    long deleted = 0;
    KeyScanCursor<String> cursor = await(call(() -> commands.scan(args)));
    while (true) {
      List<String> keys = cursor.getKeys();
      if (!keys.isEmpty()) {
        deleted += keys.size();
        await(delete(keys));
      }
      if (cursor.isFinished()) {
        return deleted;
      }
      KeyScanCursor<String> current = cursor;
      cursor = await(call(() -> commands.scan(current, args)));
    }
  }

  @Override
  public CompletableFuture<Void> publish(byte[] message) {
    return call(() -> commands.publish(channel, message).thenApply(n -> null));
  }

  @Override
  public void subscribe(
      Consumer<byte[]> messages, Consumer<@Nullable List<String>> keys, Consumer<String> events) {
    feed.subscribe(messages, keys, events);
  }

  @Override
  public boolean tracking() {
    return feed.tracking();
  }

  @Override
  public void trackPrefix(String prefix) {
    feed.trackPrefix(prefix);
  }

  @Override
  public void restoreTracking() {
    feed.restoreTracking();
  }

  @Override
  public boolean shared() {
    return true;
  }

  @Override
  public CircuitState circuitState() {
    return calls.state();
  }

  @Override
  public void close() {
    // Let writes already sent (putAsync, invalidation messages) get their answer or time out.
    calls.awaitIdle();
    try {
      feed.close();
      connection.close();
    } finally {
      client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
      shutdownResources();
    }
  }

  private void shutdownResources() {
    if (ownResources != null) {
      ownResources.shutdown(0, 2, TimeUnit.SECONDS);
    }
  }

  private <T> T await(CompletableFuture<T> future) {
    return calls.await(future);
  }

  private <T> CompletableFuture<T> call(Supplier<? extends CompletionStage<T>> operation) {
    return calls.call(operation);
  }

  @Override
  public String toString() {
    return "RedisStore[" + description + ", " + calls.state() + "]";
  }
}
