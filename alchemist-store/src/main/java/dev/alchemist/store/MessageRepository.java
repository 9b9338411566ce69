package dev.alchemist.store;

import dev.alchemist.core.Message;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * The messages of dialogs, ordered by {@code (timestamp, id)}. Reads use the index {@code
 * messages(dialog_id, timestamp DESC, id DESC)}: the last N and any keyset page cost one index
 * range scan of the rows returned, however long the dialog is.
 *
 * <p>Thread-safe. Failures throw {@link DatabaseException} subclasses.
 */
public interface MessageRepository {

  /**
   * Appends one message.
   *
   * @throws ConstraintViolationException {@code FOREIGN_KEY} if the dialog does not exist, {@code
   *     UNIQUE} if the id does
   */
  void append(Message message);

  /**
   * Inserts all messages in one transaction, in JDBC batches of the configured chunk size (pgjdbc
   * rewrites each batch into multi-row inserts): all or none.
   *
   * @return how many were inserted
   */
  int insertAll(Collection<Message> messages);

  /**
   * Loads many messages at once for imports: PostgreSQL {@code COPY FROM STDIN} in one transaction;
   * on H2, which has no COPY, the same as {@link #insertAll}. Rows are streamed from the iterable,
   * so it need not fit in memory twice.
   *
   * @return how many were loaded
   */
  long bulkLoad(Iterable<Message> messages);

  /** The message with this id, if any. */
  Optional<Message> find(UUID id);

  /**
   * The newest {@code n} messages of a dialog, returned oldest first (ready to display).
   *
   * @param n 1 to 10 000
   */
  List<Message> lastN(UUID dialogId, int n);

  /**
   * A page of messages strictly older than {@code before}, or the newest page when {@code before}
   * is null. Pass {@link MessagePage#next()} to continue further back.
   *
   * @param limit 1 to 10 000
   */
  MessagePage olderThan(UUID dialogId, @Nullable MessageCursor before, int limit);

  /**
   * A page of messages strictly newer than {@code after}, or the oldest page when {@code after} is
   * null. Pass {@link MessagePage#next()} to continue forward; messages appended meanwhile appear
   * on later pages, none is skipped or repeated.
   *
   * @param limit 1 to 10 000
   */
  MessagePage newerThan(UUID dialogId, @Nullable MessageCursor after, int limit);

  /** How many messages the dialog holds. */
  long count(UUID dialogId);
}
