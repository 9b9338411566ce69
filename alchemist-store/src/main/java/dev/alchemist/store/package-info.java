/**
 * The database side of the guide: a pooled {@link dev.alchemist.store.AlchemistDatabase} (HikariCP
 * + Jdbi + Flyway) on PostgreSQL or embedded H2, typed repositories for dialogs, messages and
 * events, batched and COPY writes, keyset pages, the idempotent {@link
 * dev.alchemist.store.EventProjection}, {@code events} partitioned by day with a retention, and the
 * {@code domain_stats} view served from rollups that every write of events keeps current.
 *
 * <p>No repository method returns an open {@code Stream} or {@code Iterator}: every call borrows a
 * connection, finishes, and gives it back, so none can leak one. Failures surface as subclasses of
 * {@link dev.alchemist.store.DatabaseException}.
 */
@NullMarked
package dev.alchemist.store;

import org.jspecify.annotations.NullMarked;
