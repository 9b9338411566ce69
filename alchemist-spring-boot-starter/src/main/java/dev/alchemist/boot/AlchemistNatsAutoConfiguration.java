package dev.alchemist.boot;

import static dev.alchemist.boot.internal.PropertyChecks.build;
import static dev.alchemist.boot.internal.PropertyChecks.set;
import static dev.alchemist.boot.internal.PropertyChecks.setSecret;

import dev.alchemist.core.codec.CodecRegistry;
import dev.alchemist.nats.EventBus;
import dev.alchemist.nats.InProcessEventBus;
import dev.alchemist.nats.JetStreamPublisher;
import dev.alchemist.nats.JetStreamPublisherSettings;
import dev.alchemist.nats.NatsEvents;
import dev.alchemist.nats.StreamProvisioningException;
import dev.alchemist.nats.StreamSpec;
import dev.alchemist.nats.SubjectSpace;
import io.micrometer.core.instrument.MeterRegistry;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import javax.net.ssl.SSLContext;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * {@link NatsEvents} from {@code alchemist.nats.*} with the streams of {@code
 * alchemist.nats.streams.*} provisioned at startup and a {@link JetStreamPublisher} bean; without
 * {@code alchemist.nats.servers}, the in-process {@link EventBus}. Active when alchemist-nats is on
 * the classpath; each bean backs off when the host defines one.
 */
@AutoConfiguration(
    after = AlchemistCoreAutoConfiguration.class,
    afterName = {
      AlchemistCoreAutoConfiguration.METRICS_AUTO_CONFIGURATION,
      "org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration"
    })
@ConditionalOnClass(NatsEvents.class)
@ConditionalOnProperty(prefix = "alchemist.nats", name = "enabled", matchIfMissing = true)
@EnableConfigurationProperties(AlchemistNatsProperties.class)
@Import({
  AlchemistNatsAutoConfiguration.Connected.class,
  AlchemistNatsAutoConfiguration.InProcess.class
})
public class AlchemistNatsAutoConfiguration {
  private static final String PREFIX = "alchemist.nats.";
  private static final String STREAMS = PREFIX + "streams.";

  /** The beans on a NATS connection, when servers are configured. */
  @Configuration(proxyBeanMethods = false)
  @Conditional(ServersConfigured.class)
  static class Connected {

    /** Connects at startup; closed after the publishers drained and the consumers stopped. */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    NatsEvents alchemistNatsEvents(
        AlchemistNatsProperties properties,
        ObjectProvider<CodecRegistry> codecs,
        ObjectProvider<MeterRegistry> registry,
        ObjectProvider<SslBundles> sslBundles) {
      NatsEvents.Builder b = NatsEvents.builder();
      b.options(options(properties, sslBundles.getIfAvailable()));
      set(
          PREFIX + "subject-root",
          properties.getSubjectRoot(),
          r -> b.subjects(SubjectSpace.of(r)));
      set(PREFIX + "close-timeout", properties.getCloseTimeout(), b::closeTimeout);
      set(
          PREFIX + "max-pending-per-subscription",
          properties.getMaxPendingPerSubscription(),
          b::maxPendingPerSubscription);
      codecs.ifAvailable(b::codecs);
      registry.ifAvailable(b::meterRegistry);
      return build("alchemist.nats", b::build);
    }

    /** Creates or updates every configured stream; startup fails on drift it cannot fix. */
    @Bean
    @ConditionalOnMissingBean
    ProvisionedStreams alchemistStreams(AlchemistNatsProperties properties, NatsEvents events) {
      Map<String, StreamSpec> specs = specs(properties.getStreams());
      Map<String, dev.alchemist.nats.ProvisionResult> results = new LinkedHashMap<>();
      for (Map.Entry<String, StreamSpec> e : specs.entrySet()) {
        try {
          results.put(e.getKey(), events.provisioner().provision(e.getValue()));
        } catch (StreamProvisioningException failure) {
          throw new IllegalStateException(
              STREAMS + e.getKey() + ": " + failure.getMessage(), failure);
        }
      }
      return new ProvisionedStreams(specs, results);
    }

    /** Drained (every outstanding ack awaited) at shutdown, before the connection closes. */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    @ConditionalOnProperty(
        prefix = "alchemist.nats.publisher",
        name = "enabled",
        matchIfMissing = true)
    JetStreamPublisher alchemistJetStreamPublisher(
        AlchemistNatsProperties properties, NatsEvents events, ProvisionedStreams streams) {
      AlchemistNatsProperties.Publisher p = properties.getPublisher();
      String prefix = PREFIX + "publisher.";
      JetStreamPublisherSettings.Builder b = JetStreamPublisherSettings.builder();
      StreamSpec stream = publisherStream(p.getStream(), streams.specs());
      if (stream != null) {
        b.stream(stream);
      }
      set(prefix + "name", p.getName(), b::name);
      set(prefix + "max-in-flight", p.getMaxInFlight(), b::maxInFlight);
      set(prefix + "overflow-policy", p.getOverflowPolicy(), b::overflowPolicy);
      set(prefix + "block-timeout", p.getBlockTimeout(), b::blockTimeout);
      set(prefix + "ack-timeout", p.getAckTimeout(), b::ackTimeout);
      set(prefix + "max-retry-time", p.getMaxRetryTime(), b::maxRetryTime);
      set(prefix + "close-timeout", p.getCloseTimeout(), b::closeTimeout);
      JetStreamPublisherSettings settings = build("alchemist.nats.publisher", b::build);
      return events.jetStreamPublisher(settings);
    }
  }

  /**
   * The embedded default when no NATS servers are configured. Conditional on the servers being
   * absent, not only on a missing {@code EventBus} bean: the order in which nested configurations
   * are read is not guaranteed, so the missing-bean check could run before {@link Connected}'s
   * {@code NatsEvents} was registered and leave two buses.
   */
  @Configuration(proxyBeanMethods = false)
  @Conditional(NoServersConfigured.class)
  static class InProcess {
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean(EventBus.class)
    EventBus alchemistEventBus(
        AlchemistNatsProperties properties, ObjectProvider<MeterRegistry> registry) {
      InProcessEventBus.Builder b = InProcessEventBus.builder();
      set(
          PREFIX + "subject-root",
          properties.getSubjectRoot(),
          r -> b.subjects(SubjectSpace.of(r)));
      registry.ifAvailable(b::meterRegistry);
      return b.build();
    }
  }

  static Options options(AlchemistNatsProperties p, @Nullable SslBundles sslBundles) {
    Options.Builder b =
        new Options.Builder()
            // The same reconnect policy NatsEvents.Builder.url(...) gives.
            .maxReconnects(-1)
            .reconnectWait(Duration.ofMillis(250))
            .reconnectJitter(Duration.ofMillis(100))
            .dontForceFlushOnRequest();
    set(PREFIX + "servers", p.getServers(), s -> b.servers(s.toArray(String[]::new)));
    if (p.getUser() != null || p.getPassword() != null) {
      if (p.getUser() == null || p.getPassword() == null) {
        throw new IllegalStateException(
            PREFIX + "user and " + PREFIX + "password must be set together");
      }
      b.userInfo(p.getUser(), p.getPassword());
    }
    setSecret(PREFIX + "token", p.getToken(), t -> b.token(t.toCharArray()));
    set(
        PREFIX + "credentials-file",
        p.getCredentialsFile(),
        f -> b.authHandler(Nats.credentials(f)));
    set(PREFIX + "connection-name", p.getConnectionName(), b::connectionName);
    set(PREFIX + "connection-timeout", p.getConnectionTimeout(), b::connectionTimeout);
    AlchemistNatsProperties.Tls tls = p.getTls();
    if (tls.isEnabled() || tls.getBundle() != null) {
      b.sslContext(sslContext(tls.getBundle(), sslBundles));
    }
    return b.build();
  }

  private static SSLContext sslContext(@Nullable String bundle, @Nullable SslBundles bundles) {
    if (bundle == null) {
      try {
        return SSLContext.getDefault();
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(PREFIX + "tls.enabled: no default SSLContext", e);
      }
    }
    if (bundles == null) {
      throw new IllegalStateException(
          PREFIX + "tls.bundle is set to '" + bundle + "' but there are no SSL bundles");
    }
    return bundles.getBundle(bundle).createSslContext();
  }

  static Map<String, StreamSpec> specs(Map<String, Map<String, String>> streams) {
    Map<String, StreamSpec> specs = new LinkedHashMap<>();
    for (Map.Entry<String, Map<String, String>> stream : streams.entrySet()) {
      String prefix = STREAMS + stream.getKey() + ".";
      Properties keys = new Properties();
      boolean development = false;
      for (Map.Entry<String, String> e : stream.getValue().entrySet()) {
        if (e.getKey().equals("development")) {
          development = Boolean.parseBoolean(e.getValue().trim());
        } else {
          keys.setProperty(prefix + e.getKey(), e.getValue());
        }
      }
      // StreamSpec names the full property in its message when a value is malformed.
      StreamSpec spec = StreamSpec.fromProperties(keys, prefix);
      if (development) {
        spec = spec.forDevelopment();
      }
      specs.put(stream.getKey(), spec);
    }
    return specs;
  }

  private static @Nullable StreamSpec publisherStream(
      @Nullable String key, Map<String, StreamSpec> specs) {
    if (key == null) {
      return specs.size() == 1 ? specs.values().iterator().next() : null;
    }
    StreamSpec spec = specs.get(key);
    if (spec == null) {
      throw new IllegalStateException(
          PREFIX
              + "publisher.stream is '"
              + key
              + "' but alchemist.nats.streams has "
              + specs.keySet());
    }
    return spec;
  }

  /** {@code alchemist.nats.servers} names at least one server. */
  static final class ServersConfigured extends SpringBootCondition {
    @Override
    public ConditionOutcome getMatchOutcome(
        ConditionContext context, AnnotatedTypeMetadata metadata) {
      return serversSet(context)
          ? ConditionOutcome.match("alchemist.nats.servers is set")
          : ConditionOutcome.noMatch("alchemist.nats.servers is not set");
    }
  }

  /** {@code alchemist.nats.servers} is not set: the in-process bus is the embedded default. */
  static final class NoServersConfigured extends SpringBootCondition {
    @Override
    public ConditionOutcome getMatchOutcome(
        ConditionContext context, AnnotatedTypeMetadata metadata) {
      return serversSet(context)
          ? ConditionOutcome.noMatch("alchemist.nats.servers is set")
          : ConditionOutcome.match("alchemist.nats.servers is not set");
    }
  }

  private static boolean serversSet(ConditionContext context) {
    return !Binder.get(context.getEnvironment())
        .bind(PREFIX + "servers", Bindable.listOf(String.class))
        .orElse(List.of())
        .isEmpty();
  }
}
