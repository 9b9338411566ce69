package dev.alchemist.store.internal;

import dev.alchemist.core.Checks;
import dev.alchemist.core.Message;
import dev.alchemist.store.Dialect;
import dev.alchemist.store.MessageCursor;
import dev.alchemist.store.MessagePage;
import dev.alchemist.store.MessageRepository;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.jdbi.v3.core.statement.SqlStatement;
import org.jspecify.annotations.Nullable;

/**
 * {@link MessageRepository} on Jdbi. Every read is a range of the index {@code (dialog_id,
 * timestamp DESC, id DESC)}; keyset predicates use row comparisons, which PostgreSQL turns into
 * index bounds.
 */
final class JdbiMessageRepository implements MessageRepository {
  static final String COLUMNS = "id, dialog_id, role, content, timestamp, token_count";
  private static final String INSERT =
      "INSERT INTO messages (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?)";
  private static final String SELECT = "SELECT " + COLUMNS + " FROM messages ";
  private static final String NEWEST_FIRST = " ORDER BY timestamp DESC, id DESC LIMIT ?";
  private static final String OLDEST_FIRST = " ORDER BY timestamp ASC, id ASC LIMIT ?";
  private static final String LAST_N = SELECT + "WHERE dialog_id = ?" + NEWEST_FIRST;
  private static final String OLDER =
      SELECT + "WHERE dialog_id = ? AND (timestamp, id) < (?, ?)" + NEWEST_FIRST;
  private static final String NEWER =
      SELECT + "WHERE dialog_id = ? AND (timestamp, id) > (?, ?)" + OLDEST_FIRST;
  private static final String FIRST = SELECT + "WHERE dialog_id = ?" + OLDEST_FIRST;

  private final Sql sql;
  private final @Nullable CopyLoader copy;

  JdbiMessageRepository(Sql sql, @Nullable CopyLoader copy) {
    this.sql = sql;
    this.copy = copy;
  }

  @Override
  public void append(Message message) {
    Checks.notNull("message", message);
    sql.withHandle("messages.append", h -> bind(h.createUpdate(INSERT), message).execute());
  }

  @Override
  public int insertAll(Collection<Message> messages) {
    List<Message> rows = Batches.copyNonNull("messages", messages);
    if (rows.isEmpty()) {
      return 0;
    }
    return sql.inTransaction(
        Batches.describe("messages.insertAll", rows, Message::id), h -> insertChunked(h, rows));
  }

  private int insertChunked(Handle h, Iterable<Message> rows) {
    return Batches.chunked(
        rows, sql.chunkSize, () -> h.prepareBatch(INSERT), JdbiMessageRepository::add);
  }

  private static void add(PreparedBatch batch, Message m) {
    bind(batch, m).add();
  }

  private static <S extends SqlStatement<S>> S bind(S statement, Message m) {
    return statement
        .bind(0, m.id())
        .bind(1, m.dialogId())
        .bind(2, m.role())
        .bind(3, m.content())
        .bind(4, m.timestamp())
        .bind(5, m.tokenCount());
  }

  @Override
  public long bulkLoad(Iterable<Message> messages) {
    Checks.notNull("messages", messages);
    if (copy != null && sql.dialect == Dialect.POSTGRESQL) {
      return sql.inTransaction("messages.bulkLoad", h -> copy.copyMessages(h, messages));
    }
    return sql.inTransaction("messages.bulkLoad", h -> insertChunked(h, messages));
  }

  @Override
  public Optional<Message> find(UUID id) {
    Checks.notNull("id", id);
    return sql.read(
        "messages.find",
        h -> h.createQuery(SELECT + "WHERE id = ?").bind(0, id).mapTo(Message.class).findOne());
  }

  @Override
  public List<Message> lastN(UUID dialogId, int n) {
    Checks.notNull("dialogId", dialogId);
    Sql.checkLimit("n", n);
    List<Message> newestFirst =
        sql.read(
            "messages.lastN",
            h ->
                h.createQuery(LAST_N)
                    .bind(0, dialogId)
                    .bind(1, n)
                    .mapTo(Message.class)
                    .collectIntoList());
    return reversed(newestFirst);
  }

  @Override
  public MessagePage olderThan(UUID dialogId, @Nullable MessageCursor before, int limit) {
    Checks.notNull("dialogId", dialogId);
    Sql.checkLimit("limit", limit);
    // One row more than asked tells whether another page exists without a second query.
    List<Message> newestFirst =
        sql.read(
            "messages.olderThan",
            h -> {
              if (before == null) {
                return h.createQuery(LAST_N)
                    .bind(0, dialogId)
                    .bind(1, limit + 1)
                    .mapTo(Message.class)
                    .collectIntoList();
              }
              return h.createQuery(OLDER)
                  .bind(0, dialogId)
                  .bind(1, before.timestamp())
                  .bind(2, before.id())
                  .bind(3, limit + 1)
                  .mapTo(Message.class)
                  .collectIntoList();
            });
    boolean more = newestFirst.size() > limit;
    List<Message> page = reversed(more ? newestFirst.subList(0, limit) : newestFirst);
    return new MessagePage(page, more ? MessageCursor.at(page.get(0)) : null);
  }

  @Override
  public MessagePage newerThan(UUID dialogId, @Nullable MessageCursor after, int limit) {
    Checks.notNull("dialogId", dialogId);
    Sql.checkLimit("limit", limit);
    List<Message> oldestFirst =
        sql.read(
            "messages.newerThan",
            h -> {
              if (after == null) {
                return h.createQuery(FIRST)
                    .bind(0, dialogId)
                    .bind(1, limit + 1)
                    .mapTo(Message.class)
                    .collectIntoList();
              }
              return h.createQuery(NEWER)
                  .bind(0, dialogId)
                  .bind(1, after.timestamp())
                  .bind(2, after.id())
                  .bind(3, limit + 1)
                  .mapTo(Message.class)
                  .collectIntoList();
            });
    boolean more = oldestFirst.size() > limit;
    List<Message> page = more ? oldestFirst.subList(0, limit) : oldestFirst;
    return new MessagePage(page, more ? MessageCursor.at(page.get(page.size() - 1)) : null);
  }

  @Override
  public long count(UUID dialogId) {
    Checks.notNull("dialogId", dialogId);
    return sql.read(
        "messages.count",
        h ->
            h.createQuery("SELECT count(*) FROM messages WHERE dialog_id = ?")
                .bind(0, dialogId)
                .mapTo(Long.class)
                .one());
  }

  private static List<Message> reversed(List<Message> rows) {
    List<Message> copy = new ArrayList<>(rows);
    Collections.reverse(copy);
    return Collections.unmodifiableList(copy);
  }
}
