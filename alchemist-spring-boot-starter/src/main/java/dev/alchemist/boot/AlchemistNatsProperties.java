package dev.alchemist.boot;

import dev.alchemist.nats.OverflowPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code alchemist.nats.*}: the {@link dev.alchemist.nats.NatsEvents} connection, the JetStream
 * streams provisioned at startup and the {@link dev.alchemist.nats.JetStreamPublisher} bean. {@code
 * toString()} is {@link Object}'s, so credentials never show.
 */
@ConfigurationProperties("alchemist.nats")
public class AlchemistNatsProperties {
  /** Whether to configure NATS when servers are set. */
  private boolean enabled = true;

  /**
   * Server URLs, such as nats://127.0.0.1:4222. None: no NatsEvents; the event bus is the
   * in-process one.
   */
  private List<String> servers = new ArrayList<>();

  /** Root token of every subject the event bus publishes to (root.domain.entity.event). */
  private String subjectRoot = "cim";

  /** User name, with password. */
  private @Nullable String user;

  /** Password of user; never logged or shown. */
  private @Nullable String password;

  /** Token authentication; never logged or shown. */
  private @Nullable String token;

  /** Path of a .creds file (JWT and NKey seed). */
  private @Nullable String credentialsFile;

  /** Name of this connection as the server shows it. */
  private @Nullable String connectionName;

  /** Longest wait for the connection at startup. */
  private Duration connectionTimeout = Duration.ofSeconds(2);

  /** How long close() waits for handlers and for draining. */
  private Duration closeTimeout = Duration.ofSeconds(30);

  /** Most events waiting for one core subscription's handler. */
  private int maxPendingPerSubscription = 65_536;

  /** TLS to the servers. */
  private final Tls tls = new Tls();

  /**
   * Streams created or brought up to date at startup, by a key of your choice. Each entry's keys
   * are those of StreamSpec.fromProperties (name, subjects, retention, max-msgs, max-bytes,
   * max-age, max-msg-size, storage, replicas, placement.cluster, placement.tags, duplicate-window,
   * discard) and start from the guide's stream (ALCHEMIST-EVENTS on cim.>, 3 replicas in cluster
   * production); development=true keeps it but on one server (1 replica, no placement). Drift in an
   * immutable field (storage, retention) fails startup with the diff.
   */
  private Map<String, Map<String, String>> streams = new LinkedHashMap<>();

  /** The JetStreamPublisher bean. */
  private final Publisher publisher = new Publisher();

  public boolean isEnabled() {
    return enabled;
  }

  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  public List<String> getServers() {
    return servers;
  }

  public void setServers(List<String> servers) {
    this.servers = servers;
  }

  public String getSubjectRoot() {
    return subjectRoot;
  }

  public void setSubjectRoot(String subjectRoot) {
    this.subjectRoot = subjectRoot;
  }

  public @Nullable String getUser() {
    return user;
  }

  public void setUser(@Nullable String user) {
    this.user = user;
  }

  public @Nullable String getPassword() {
    return password;
  }

  public void setPassword(@Nullable String password) {
    this.password = password;
  }

  public @Nullable String getToken() {
    return token;
  }

  public void setToken(@Nullable String token) {
    this.token = token;
  }

  public @Nullable String getCredentialsFile() {
    return credentialsFile;
  }

  public void setCredentialsFile(@Nullable String credentialsFile) {
    this.credentialsFile = credentialsFile;
  }

  public @Nullable String getConnectionName() {
    return connectionName;
  }

  public void setConnectionName(@Nullable String connectionName) {
    this.connectionName = connectionName;
  }

  public Duration getConnectionTimeout() {
    return connectionTimeout;
  }

  public void setConnectionTimeout(Duration connectionTimeout) {
    this.connectionTimeout = connectionTimeout;
  }

  public Duration getCloseTimeout() {
    return closeTimeout;
  }

  public void setCloseTimeout(Duration closeTimeout) {
    this.closeTimeout = closeTimeout;
  }

  public int getMaxPendingPerSubscription() {
    return maxPendingPerSubscription;
  }

  public void setMaxPendingPerSubscription(int maxPendingPerSubscription) {
    this.maxPendingPerSubscription = maxPendingPerSubscription;
  }

  public Tls getTls() {
    return tls;
  }

  public Map<String, Map<String, String>> getStreams() {
    return streams;
  }

  public void setStreams(Map<String, Map<String, String>> streams) {
    this.streams = streams;
  }

  public Publisher getPublisher() {
    return publisher;
  }

  /** {@code alchemist.nats.tls.*}. */
  public static class Tls {
    /** Connect with TLS; the JVM's default trust store unless bundle is set. */
    private boolean enabled = false;

    /** Name of a Spring Boot SSL bundle (spring.ssl.bundle.*) that holds the trust and keys. */
    private @Nullable String bundle;

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    public @Nullable String getBundle() {
      return bundle;
    }

    public void setBundle(@Nullable String bundle) {
      this.bundle = bundle;
    }
  }

  /** {@code alchemist.nats.publisher.*}. */
  public static class Publisher {
    /** Whether to make a JetStreamPublisher bean. */
    private boolean enabled = true;

    /** Tag publisher of its metrics. */
    private String name = "default";

    /**
     * Key (in alchemist.nats.streams) of the stream it publishes to: sets Nats-Expected-Stream and
     * the duplicate window. Default the only configured stream, if there is exactly one.
     */
    private @Nullable String stream;

    /** Hard bound on outstanding acks. */
    private int maxInFlight = 4096;

    /** What a publish does when max-in-flight acks are outstanding. */
    private OverflowPolicy overflowPolicy = OverflowPolicy.BLOCK_WITH_TIMEOUT;

    /** How long BLOCK_WITH_TIMEOUT waits for a slot. */
    private Duration blockTimeout = Duration.ofSeconds(5);

    /** How long one attempt waits for its ack before it is retried. */
    private Duration ackTimeout = Duration.ofSeconds(5);

    /** No retry is sent later than this after the first attempt. */
    private Duration maxRetryTime = Duration.ofSeconds(60);

    /** How long close() waits for outstanding acks at shutdown. */
    private Duration closeTimeout = Duration.ofSeconds(30);

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    public String getName() {
      return name;
    }

    public void setName(String name) {
      this.name = name;
    }

    public @Nullable String getStream() {
      return stream;
    }

    public void setStream(@Nullable String stream) {
      this.stream = stream;
    }

    public int getMaxInFlight() {
      return maxInFlight;
    }

    public void setMaxInFlight(int maxInFlight) {
      this.maxInFlight = maxInFlight;
    }

    public OverflowPolicy getOverflowPolicy() {
      return overflowPolicy;
    }

    public void setOverflowPolicy(OverflowPolicy overflowPolicy) {
      this.overflowPolicy = overflowPolicy;
    }

    public Duration getBlockTimeout() {
      return blockTimeout;
    }

    public void setBlockTimeout(Duration blockTimeout) {
      this.blockTimeout = blockTimeout;
    }

    public Duration getAckTimeout() {
      return ackTimeout;
    }

    public void setAckTimeout(Duration ackTimeout) {
      this.ackTimeout = ackTimeout;
    }

    public Duration getMaxRetryTime() {
      return maxRetryTime;
    }

    public void setMaxRetryTime(Duration maxRetryTime) {
      this.maxRetryTime = maxRetryTime;
    }

    public Duration getCloseTimeout() {
      return closeTimeout;
    }

    public void setCloseTimeout(Duration closeTimeout) {
      this.closeTimeout = closeTimeout;
    }
  }
}
