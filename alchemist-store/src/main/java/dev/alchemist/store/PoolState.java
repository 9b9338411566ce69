package dev.alchemist.store;

/**
 * A snapshot of the connection pool, in HikariCP's terms.
 *
 * @param total connections open
 * @param active connections lent out
 * @param idle connections waiting in the pool
 * @param waiting threads waiting for a connection
 */
public record PoolState(int total, int active, int idle, int waiting) {
  @Override
  public String toString() {
    return "total=" + total + ", active=" + active + ", idle=" + idle + ", waiting=" + waiting;
  }
}
