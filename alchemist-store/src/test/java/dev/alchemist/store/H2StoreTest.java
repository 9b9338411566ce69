package dev.alchemist.store;

/** The store contract on the embedded default: private in-memory H2. */
class H2StoreTest extends StoreContract {
  private final String url = "jdbc:h2:mem:" + java.util.UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";

  @Override
  protected AlchemistDatabase.Builder builder() {
    return AlchemistDatabase.builder().jdbcUrl(url).schema("alchemist");
  }

  @Override
  protected AlchemistDatabase secondInstance() {
    return AlchemistDatabase.builder()
        .jdbcUrl(url)
        .schema("alchemist")
        .pool(PoolSettings.builder().poolName("second").maxConnections(2).build())
        .maintenanceInterval(java.time.Duration.ZERO)
        .meterRegistry(new io.micrometer.core.instrument.simple.SimpleMeterRegistry())
        .build();
  }

  @Override
  protected Dialect expectedDialect() {
    return Dialect.H2;
  }

  @Override
  protected void dropSchema() throws Exception {
    try (var c = java.sql.DriverManager.getConnection(url);
        var s = c.createStatement()) {
      s.execute("SHUTDOWN");
    }
  }
}
