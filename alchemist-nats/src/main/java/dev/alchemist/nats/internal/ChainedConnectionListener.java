package dev.alchemist.nats.internal;

import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The connection listener {@link NatsBus} installs: the bus hears every event first, then the
 * host's own listener (if the options had one). Separate because it only adapts jnats' listener
 * interface, deprecated form included, and holds no bus state.
 */
final class ChainedConnectionListener implements ConnectionListener {
  private final Consumer<Events> ours;
  private final @Nullable ConnectionListener theirs;

  ChainedConnectionListener(Consumer<Events> ours, @Nullable ConnectionListener theirs) {
    this.ours = ours;
    this.theirs = theirs;
  }

  @Override
  @SuppressWarnings("deprecation") // the interface still requires the old form
  public void connectionEvent(Connection conn, Events event) {
    connectionEvent(conn, event, null, null);
  }

  @Override
  public void connectionEvent(
      Connection conn, Events event, @Nullable Long time, @Nullable String uriDetails) {
    ours.accept(event);
    if (theirs != null) {
      theirs.connectionEvent(conn, event, time, uriDetails);
    }
  }
}
