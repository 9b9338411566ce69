package dev.alchemist.store;

/** The transaction writer on the embedded default: private in-memory H2. */
class H2TransactionWriterTest extends TransactionWriterContract {
  private final String url = "jdbc:h2:mem:" + java.util.UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";

  @Override
  protected AlchemistDatabase.Builder builder() {
    return AlchemistDatabase.builder().jdbcUrl(url).schema("alchemist");
  }

  @Override
  protected void dropSchema() throws Exception {
    try (var c = java.sql.DriverManager.getConnection(url);
        var s = c.createStatement()) {
      s.execute("SHUTDOWN");
    }
  }
}
