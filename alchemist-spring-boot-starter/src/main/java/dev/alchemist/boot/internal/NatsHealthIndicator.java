package dev.alchemist.boot.internal;

import dev.alchemist.nats.NatsEvents;
import io.nats.client.Connection;
import io.nats.client.api.AccountStatistics;
import io.nats.client.api.ServerInfo;
import java.util.Locale;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * The NATS connection and JetStream: UP when the connection is connected and JetStream answers an
 * account-info request (bounded by the connection's request timeout), DOWN otherwise. Details:
 * connection status, server name and version, and the account's stream and consumer counts. The
 * server URL is not shown, since it may carry credentials.
 */
public final class NatsHealthIndicator extends AbstractHealthIndicator {
  private final NatsEvents events;

  public NatsHealthIndicator(NatsEvents events) {
    super("NATS health check failed");
    this.events = events;
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
    builder.up();
  }
}
