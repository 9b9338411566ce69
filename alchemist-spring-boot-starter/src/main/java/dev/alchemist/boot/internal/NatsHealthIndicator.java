package dev.alchemist.boot.internal;

import dev.alchemist.nats.ConsumerLag;
import dev.alchemist.nats.EventConsumer;
import dev.alchemist.nats.NatsEvents;
import io.nats.client.Connection;
import io.nats.client.api.AccountStatistics;
import io.nats.client.api.ServerInfo;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * The NATS connection and JetStream: UP when the connection is connected and JetStream answers an
 * account-info request (bounded by the connection's request timeout), DOWN otherwise. Details:
 * connection status, server name and version, the account's stream and consumer counts, and the lag
 * of each {@link EventConsumer} bean as last read (pending and ack-pending messages; lag is
 * reported, never turned into DOWN). The server URL is not shown, since it may carry credentials.
 */
public final class NatsHealthIndicator extends AbstractHealthIndicator {
  private final NatsEvents events;
  private final Supplier<Map<String, EventConsumer>> consumers;

  public NatsHealthIndicator(NatsEvents events, Supplier<Map<String, EventConsumer>> consumers) {
    super("NATS health check failed");
    this.events = events;
    this.consumers = consumers;
  }

  @Override
  protected void doHealthCheck(Health.Builder builder) throws Exception {
    Connection connection = events.connection();
    Connection.Status status = connection.getStatus();
    builder.withDetail("status", status.name().toLowerCase(Locale.ROOT));
    ServerInfo server = connection.getServerInfo();
    if (server != null) {
      builder.withDetail("server", server.getServerName());
      builder.withDetail("version", server.getVersion());
    }
    if (status != Connection.Status.CONNECTED) {
      builder.down();
      return;
    }
    AccountStatistics account = connection.jetStreamManagement().getAccountStatistics();
    builder.withDetail("jetStream", "reachable");
    builder.withDetail("streams", account.getStreams());
    builder.withDetail("consumers", account.getConsumers());
    Map<String, Object> lag = new TreeMap<>();
    for (Map.Entry<String, EventConsumer> c : consumers.get().entrySet()) {
      ConsumerLag last = c.getValue().lag();
      lag.put(c.getKey(), Map.of("pending", last.pending(), "ackPending", last.ackPending()));
    }
    if (!lag.isEmpty()) {
      builder.withDetail("consumerLag", lag);
    }
    builder.up();
  }
}
