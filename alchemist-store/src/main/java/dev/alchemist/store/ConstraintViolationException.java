package dev.alchemist.store;

import java.io.Serial;
import org.jspecify.annotations.Nullable;

/**
 * A write broke an integrity constraint (SQLState class {@code 23}): a duplicate id, a message for
 * a dialog that does not exist, a negative token count. Retrying the same write fails again.
 */
public final class ConstraintViolationException extends DatabaseException {
  @Serial private static final long serialVersionUID = 1L;

  /** Which kind of constraint was broken, from the SQLState. */
  public enum Kind {
    /** 23505: a primary key or unique index already holds the value. */
    UNIQUE,
    /** 23503: the referenced row does not exist (or is still referenced). */
    FOREIGN_KEY,
    /** 23502: a required column was null. */
    NOT_NULL,
    /** 23513: a check constraint rejected the value. */
    CHECK,
    /** Any other 23xxx state. */
    OTHER;

    /** The kind for a {@code 23xxx} SQLState. */
    public static Kind ofSqlState(@Nullable String sqlState) {
      if (sqlState == null) {
        return OTHER;
      }
      return switch (sqlState) {
        case "23505" -> UNIQUE;
        case "23503", "23506" -> FOREIGN_KEY; // 23506: H2's "referenced row missing"
        case "23502" -> NOT_NULL;
        case "23513", "23514" -> CHECK; // 23514: PostgreSQL's check_violation
        default -> OTHER;
      };
    }
  }

  private final Kind kind;

  public ConstraintViolationException(
      String message, Kind kind, @Nullable String sqlState, @Nullable Throwable cause) {
    super(message, sqlState, cause);
    this.kind = kind;
  }

  /** Which kind of constraint was broken. */
  public Kind kind() {
    return kind;
  }
}
