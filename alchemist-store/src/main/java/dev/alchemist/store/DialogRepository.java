package dev.alchemist.store;

import dev.alchemist.core.Dialog;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Dialogs, by id and by user. Every method borrows one pooled connection and returns it before it
 * returns; results are fully read lists or optionals.
 *
 * <p>Thread-safe. Failures throw {@link DatabaseException} subclasses.
 */
public interface DialogRepository {

  /**
   * Inserts one dialog.
   *
   * @throws ConstraintViolationException ({@code UNIQUE}) if the id exists
   */
  void insert(Dialog dialog);

  /**
   * Inserts all dialogs in one transaction, in batches of the configured chunk size: all or none.
   *
   * @return how many were inserted
   */
  int insertAll(Collection<Dialog> dialogs);

  /** The dialog with this id, if any. */
  Optional<Dialog> find(UUID id);

  /**
   * A user's dialogs, most recently updated first (index {@code dialogs(user_id, updated_at
   * DESC)}).
   *
   * @param limit 1 to 10 000
   */
  List<Dialog> recentForUser(String userId, int limit);

  /**
   * Sets {@code updated_at}, never moving it backwards.
   *
   * @return false if there is no such dialog
   */
  boolean touch(UUID id, Instant updatedAt);

  /**
   * Deletes a dialog and, by cascade, its messages.
   *
   * @return false if there was no such dialog
   */
  boolean delete(UUID id);
}
