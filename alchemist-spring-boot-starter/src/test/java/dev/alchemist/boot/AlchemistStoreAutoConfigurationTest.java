package dev.alchemist.boot;

import static dev.alchemist.boot.AlchemistCacheAutoConfigurationTest.messages;
import static org.assertj.core.api.Assertions.assertThat;

import dev.alchemist.store.AlchemistDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

class AlchemistStoreAutoConfigurationTest {

  private static ApplicationContextRunner withDataSource() {
    return Runners.alchemist()
        .withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class))
        .withPropertyValues(
            "spring.datasource.url=jdbc:h2:mem:host_" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
  }

  @Test
  void database_neitherDataSourceNorUrl_noBean() {
    Runners.alchemist()
        .run(context -> assertThat(context).doesNotHaveBean(AlchemistDatabase.class));
  }

  @Test
  void database_embedded_isPrivateH2() {
    Runners.alchemist()
        .withPropertyValues("alchemist.store.embedded=true")
        .run(
            context -> {
              AlchemistDatabase db = context.getBean(AlchemistDatabase.class);
              assertThat(db.settings().embedded()).isTrue();
            });
  }

  @Test
  void database_bootMadeADataSource_usesIt() {
    withDataSource()
        .run(
            context -> {
              AlchemistDatabase db = context.getBean(AlchemistDatabase.class);
              assertThat(db.dataSource()).isSameAs(context.getBean(DataSource.class));
              assertThat(db.poolState()).isPresent();
            });
  }

  @Test
  void database_jdbcUrlSet_winsOverTheDataSource() {
    withDataSource()
        .withPropertyValues(
            "alchemist.store.jdbc-url=jdbc:h2:mem:own_" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1",
            "alchemist.store.pool.max-connections=3",
            "alchemist.store.pool.pool-name=mine")
        .run(
            context -> {
              AlchemistDatabase db = context.getBean(AlchemistDatabase.class);
              assertThat(db.dataSource()).isNotSameAs(context.getBean(DataSource.class));
              assertThat(db.settings().pool().maxConnections()).isEqualTo(3);
              assertThat(db.settings().pool().poolName()).isEqualTo("mine");
            });
  }

  @Test
  void database_storeModuleAbsent_noBean() {
    withDataSource()
        .withClassLoader(new FilteredClassLoader(AlchemistDatabase.class))
        .run(context -> assertThat(context).doesNotHaveBean("alchemistDatabase"));
  }

  @Test
  void database_hostBean_wins() {
    withDataSource()
        .withUserConfiguration(HostDatabase.class)
        .run(
            context -> {
              assertThat(context).hasSingleBean(AlchemistDatabase.class);
              assertThat(context.getBean(AlchemistDatabase.class).settings().embedded()).isTrue();
            });
  }

  @Test
  void database_unsupportedUrl_failsNamingThePropertyNotThePassword() {
    Runners.alchemist()
        .withPropertyValues(
            "alchemist.store.jdbc-url=jdbc:mysql://db:3306/app?user=app&password=hunter2")
        .run(
            context -> {
              assertThat(context).hasFailed();
              String message = messages(context.getStartupFailure());
              assertThat(message)
                  .contains("alchemist.store.jdbc-url")
                  .contains("must start with jdbc:postgresql: or jdbc:h2:");
              assertThat(message).doesNotContain("hunter2");
            });
  }

  @Test
  void database_maintenanceAndRetentionProperties_reachTheSettings() {
    Runners.alchemist()
        .withPropertyValues(
            "alchemist.store.embedded=true",
            "alchemist.store.maintenance-interval=30s",
            "alchemist.store.event-retention=3d",
            "alchemist.store.partitions-ahead=5")
        .run(
            context -> {
              AlchemistDatabase db = context.getBean(AlchemistDatabase.class);
              assertThat(db.settings().maintenanceInterval()).isEqualTo(Duration.ofSeconds(30));
              assertThat(db.settings().eventRetention()).isEqualTo(Duration.ofDays(3));
              assertThat(db.settings().partitionsAhead()).isEqualTo(5);
            });
  }

  @Test
  void database_formerRefreshIntervalName_stillSetsTheMaintenanceInterval() {
    Runners.alchemist()
        .withPropertyValues(
            "alchemist.store.embedded=true", "alchemist.store.domain-stats-refresh-interval=0s")
        .run(
            context ->
                assertThat(
                        context.getBean(AlchemistDatabase.class).settings().maintenanceInterval())
                    .isZero());
  }

  @Test
  void database_retentionBelowADay_failsNamingTheProperty() {
    Runners.alchemist()
        .withPropertyValues("alchemist.store.embedded=true", "alchemist.store.event-retention=1h")
        .run(
            context -> {
              assertThat(context).hasFailed();
              assertThat(messages(context.getStartupFailure()))
                  .contains("alchemist.store.event-retention")
                  .contains("eventRetention must be between PT24H and PT87600H but was PT1H");
            });
  }

  @Test
  void database_minIdleAboveMax_failsNamingThePool() {
    Runners.alchemist()
        .withPropertyValues(
            "alchemist.store.jdbc-url=jdbc:h2:mem:x",
            "alchemist.store.pool.max-connections=2",
            "alchemist.store.pool.min-idle=5")
        .run(
            context -> {
              assertThat(context).hasFailed();
              assertThat(messages(context.getStartupFailure()))
                  .contains("alchemist.store.pool")
                  .contains("minIdle (5) must not exceed maxConnections (2)");
            });
  }

  @Test
  void database_besideTheHostsFlyway_bothMigrationsRunAndKeepTheirHistories() {
    withDataSource()
        .withConfiguration(AutoConfigurations.of(FlywayAutoConfiguration.class))
        .withPropertyValues("spring.flyway.locations=classpath:db/host")
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              AlchemistDatabase db = context.getBean(AlchemistDatabase.class);
              List<String> tables = tables(db.dataSource());
              assertThat(tables)
                  .contains(
                      "flyway_schema_history",
                      "alchemist_schema_history",
                      "host_orders",
                      "messages");
            });
  }

  private static List<String> tables(DataSource dataSource) throws Exception {
    List<String> names = new ArrayList<>();
    try (Connection c = dataSource.getConnection();
        ResultSet rs =
            c.createStatement()
                .executeQuery(
                    "SELECT table_name FROM information_schema.tables WHERE table_schema = 'PUBLIC'")) {
      while (rs.next()) {
        names.add(rs.getString(1).toLowerCase(java.util.Locale.ROOT));
      }
    }
    return names;
  }

  @Configuration(proxyBeanMethods = false)
  static class HostDatabase {
    @Bean(destroyMethod = "close")
    AlchemistDatabase hostDatabase() {
      return AlchemistDatabase.builder().embedded().build();
    }
  }
}
