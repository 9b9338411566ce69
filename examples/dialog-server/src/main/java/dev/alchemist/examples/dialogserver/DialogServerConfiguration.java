package dev.alchemist.examples.dialogserver;

import dev.alchemist.cache.CacheManager;
import dev.alchemist.core.Message;
import dev.alchemist.core.flow.DebounceMetrics;
import dev.alchemist.core.flow.FanoutMetrics;
import dev.alchemist.core.flow.FanoutSettings;
import dev.alchemist.core.flow.FrameFanout;
import dev.alchemist.nats.EventBus;
import dev.alchemist.nats.EventSubscription;
import dev.alchemist.nats.SubjectPattern;
import dev.alchemist.store.AlchemistDatabase;
import dev.alchemist.store.BatchSettings;
import dev.alchemist.store.BatchingWriter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Map;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.reactive.handler.SimpleUrlHandlerMapping;

/**
 * The server's own beans; every Alchemist bean they use comes from the starter. Properties: {@code
 * dialog-server.demo-token} (the seeded token), {@code dialog-server.max-body-bytes} (413 beyond
 * it), {@code dialog-server.dashboard.stall-timeout} and {@code .max-connections}.
 */
@Configuration(proxyBeanMethods = false)
class DialogServerConfiguration {

  /** The in-memory token store with the demo token; define a TokenStore bean to replace it. */
  @Bean
  @ConditionalOnMissingBean(TokenStore.class)
  TokenStore tokenStore(
      @Value("${dialog-server.demo-token:demo-token}") String demoToken,
      @Value("${dialog-server.demo-user:demo}") String demoUser) {
    InMemoryTokenStore store = new InMemoryTokenStore();
    store.add(demoToken, demoUser);
    return store;
  }

  @Bean
  TokenAuthenticator tokenAuthenticator(CacheManager caches, TokenStore store) {
    return new TokenAuthenticator(caches, store);
  }

  @Bean
  JsonBodies jsonBodies(@Value("${dialog-server.max-body-bytes:65536}") int maxBytes) {
    return new JsonBodies(maxBytes);
  }

  /** Messages go to the database in batches; the starter's ordered shutdown flushes it first. */
  @Bean(destroyMethod = "close")
  BatchingWriter<Message> messageWriter(AlchemistDatabase db) {
    return db.messageWriter(BatchSettings.defaults());
  }

  @Bean
  ServerActivity serverActivity() {
    return new ServerActivity();
  }

  /** Counts every event on the bus (ours and other services'), by domain, for events/s. */
  @Bean(destroyMethod = "close")
  EventSubscription eventCounter(
      EventBus events,
      ServerActivity activity,
      @Value("${alchemist.nats.subject-root:cim}") String root) {
    return events.subscribe(
        SubjectPattern.parse(root + ".>"),
        received -> activity.eventSeen(received.event().domain()));
  }

  @Bean(destroyMethod = "close")
  FrameFanout<String> dashboardFanout(
      MeterRegistry registry,
      @Value("${dialog-server.dashboard.stall-timeout:10s}") Duration stallTimeout,
      @Value("${dialog-server.dashboard.max-connections:10000}") int maxConnections) {
    FrameFanout<String> fanout =
        FrameFanout.create(
            FanoutSettings.builder()
                .name("dashboard")
                .stallTimeout(stallTimeout)
                .maxConnections(maxConnections)
                .build());
    FanoutMetrics.of(fanout).bindTo(registry);
    return fanout;
  }

  @Bean(destroyMethod = "close")
  DashboardPublisher dashboardPublisher(
      ServerActivity activity,
      MeterRegistry registry,
      FrameFanout<String> fanout,
      @Value("${dialog-server.dashboard.tick:250ms}") Duration tick) {
    DashboardPublisher publisher =
        new DashboardPublisher(activity, new LatencyPercentiles(registry), fanout, tick);
    DebounceMetrics.of(publisher.updater()).bindTo(registry);
    return publisher;
  }

  @Bean
  HandlerMapping dashboardSocket(FrameFanout<String> fanout) {
    // Before the annotated controllers' mapping, so /dashboard is the socket.
    return new SimpleUrlHandlerMapping(
        Map.of("/dashboard", new DashboardSocketHandler(fanout)), -1);
  }
}
