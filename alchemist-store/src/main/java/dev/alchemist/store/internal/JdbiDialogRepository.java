package dev.alchemist.store.internal;

import dev.alchemist.core.Checks;
import dev.alchemist.core.Dialog;
import dev.alchemist.store.DialogRepository;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.jdbi.v3.core.statement.SqlStatement;

/** {@link DialogRepository} on Jdbi. */
final class JdbiDialogRepository implements DialogRepository {
  private static final String COLUMNS = "id, user_id, title, created_at, updated_at";
  private static final String INSERT =
      "INSERT INTO dialogs (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?)";

  private final Sql sql;

  JdbiDialogRepository(Sql sql) {
    this.sql = sql;
  }

  @Override
  public void insert(Dialog dialog) {
    Checks.notNull("dialog", dialog);
    sql.withHandle("dialogs.insert", h -> bind(h.createUpdate(INSERT), dialog).execute());
  }

  @Override
  public int insertAll(Collection<Dialog> dialogs) {
    List<Dialog> rows = Batches.copyNonNull("dialogs", dialogs);
    if (rows.isEmpty()) {
      return 0;
    }
    return sql.inTransaction(
        Batches.describe("dialogs.insertAll", rows, Dialog::id),
        h -> insertChunked(h, rows, sql.chunkSize));
  }

  static int insertChunked(Handle h, List<Dialog> rows, int chunkSize) {
    return Batches.chunked(
        rows, chunkSize, () -> h.prepareBatch(INSERT), JdbiDialogRepository::add);
  }

  private static void add(PreparedBatch batch, Dialog d) {
    bind(batch, d).add();
  }

  private static <S extends SqlStatement<S>> S bind(S statement, Dialog d) {
    return statement
        .bind(0, d.id())
        .bind(1, d.userId())
        .bind(2, d.title())
        .bind(3, d.createdAt())
        .bind(4, d.updatedAt());
  }

  @Override
  public Optional<Dialog> find(UUID id) {
    Checks.notNull("id", id);
    return sql.read(
        "dialogs.find",
        h ->
            h.createQuery("SELECT " + COLUMNS + " FROM dialogs WHERE id = ?")
                .bind(0, id)
                .mapTo(Dialog.class)
                .findOne());
  }

  @Override
  public List<Dialog> recentForUser(String userId, int limit) {
    Checks.notBlank("userId", userId);
    Sql.checkLimit("limit", limit);
    return sql.read(
        "dialogs.recentForUser",
        h ->
            h.createQuery(
                    "SELECT "
                        + COLUMNS
                        + " FROM dialogs WHERE user_id = ? ORDER BY updated_at DESC LIMIT ?")
                .bind(0, userId)
                .bind(1, limit)
                .mapTo(Dialog.class)
                .list());
  }

  @Override
  public boolean touch(UUID id, Instant updatedAt) {
    Checks.notNull("id", id);
    Checks.notNull("updatedAt", updatedAt);
    return sql.withHandle(
            "dialogs.touch",
            h ->
                h.createUpdate(
                        "UPDATE dialogs SET updated_at = GREATEST(updated_at, ?) WHERE id = ?")
                    .bind(0, updatedAt)
                    .bind(1, id)
                    .execute())
        > 0;
  }

  @Override
  public boolean delete(UUID id) {
    Checks.notNull("id", id);
    return sql.withHandle(
            "dialogs.delete",
            h -> h.createUpdate("DELETE FROM dialogs WHERE id = ?").bind(0, id).execute())
        > 0;
  }
}
