package dev.alchemist.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.alchemist.core.DomainEvent;
import dev.alchemist.testing.PostgresAddress;
import dev.alchemist.testing.TestServices;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * The transaction writer on the shared PostgreSQL (own schema, dropped after), and what only
 * PostgreSQL has: the outbox's session locks, which {@link Outbox#addAll} takes in one order.
 */
class PostgresTransactionWriterIT extends TransactionWriterContract {
  private final PostgresAddress pg = TestServices.postgres();
  private final String schema = TestServices.uniquePrefix("txwriter_it");

  @Override
  protected AlchemistDatabase.Builder builder() {
    return PgSchemas.builder(pg, schema);
  }

  @Override
  protected void dropSchema() throws Exception {
    PgSchemas.drop(pg, schema);
  }

  @Test
  void addAll_twoTransactionsSameSessionsInOppositeOrder_bothCommitWithoutDeadlock()
      throws Exception {
    List<String> sessions = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      sessions.add("deadlock-session-" + i);
    }
    int rounds = 30;
    CyclicBarrier together = new CyclicBarrier(2);
    ExecutorService two = Executors.newFixedThreadPool(2);
    try {
      List<Future<?>> runs = new ArrayList<>();
      for (int t = 0; t < 2; t++) {
        boolean reversed = t == 1;
        runs.add(
            two.submit(
                () -> {
                  for (int r = 0; r < rounds; r++) {
                    List<String> order = new ArrayList<>(sessions);
                    if (reversed) {
                      Collections.reverse(order);
                    }
                    List<DomainEvent> batch = new ArrayList<>();
                    for (String s : order) {
                      batch.add(
                          DomainEvent.of(
                              "dialog", "message", "created", s, java.time.Instant.now(), "{}"));
                    }
                    together.await(30, java.util.concurrent.TimeUnit.SECONDS);
                    // Unordered locks would let each transaction hold half the sessions and wait
                    // for the other half: PostgreSQL aborts one with a deadlock.
                    db.useTransaction(tx -> tx.outbox().addAll(batch));
                  }
                  return null;
                }));
      }
      for (Future<?> f : runs) {
        f.get();
      }
    } finally {
      two.shutdownNow();
    }
    assertThat(db.outbox().size()).isEqualTo(2L * rounds * sessions.size());
  }
}
