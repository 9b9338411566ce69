package dev.alchemist.store.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.UnknownHostException;
import java.sql.BatchUpdateException;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

class ScrubbedTest {

  @Test
  void text_pgjdbcBatchEntry_dropsStatementAndValues() {
    String pg =
        "Batch entry 0 INSERT INTO messages (id, content) VALUES (('a1'::uuid), ('my secret"
            + " diary')) was aborted: ERROR: duplicate key value violates unique constraint"
            + " \"messages_pkey\"\n  Detail: Key (id)=(a1) already exists.";

    assertThat(Scrubbed.text(pg))
        .isEqualTo(
            "Batch entry 0 was aborted: ERROR: duplicate key value violates unique constraint"
                + " \"messages_pkey\"");
  }

  @Test
  void text_h2KeyValuesAndStatement_dropsBoth() {
    String h2 =
        "Unique index or primary key violation: \"PUBLIC.PK ON PUBLIC.MESSAGES(ID) VALUES ( /* 1"
            + " */ 'it''s private' )\"; SQL statement:\nINSERT INTO messages VALUES ('x')";

    assertThat(Scrubbed.text(h2))
        .isEqualTo(
            "Unique index or primary key violation: \"PUBLIC.PK ON PUBLIC.MESSAGES(ID) VALUES ("
                + " /* 1 */ '?' )\"");
  }

  @Test
  void text_hostWithUserInfoAndPasswordParameter_redactsBoth() {
    assertThat(Scrubbed.text("alice:s3cret@127.0.0.1")).isEqualTo("alice:***@127.0.0.1");
    assertThat(Scrubbed.text("url jdbc:postgresql://h/db?password=s3cret&user=a"))
        .isEqualTo("url jdbc:postgresql://h/db?password=***&user=a");
  }

  @Test
  void copy_chainWithNextException_keepsTypesStatesAndStackButNotText() {
    SQLException next = new SQLException("ERROR: x\n  Detail: Key (c)=(secret)", "23505", 7);
    BatchUpdateException batch =
        new BatchUpdateException(
            "Batch entry 0 INSERT ... ('secret') was aborted", "23505", 0, new int[0], next);
    batch.setNextException(next);
    RuntimeException top = new RuntimeException("wrapped", batch);
    top.addSuppressed(new UnknownHostException("alice:secret@host"));

    Throwable copy = Scrubbed.copy(top);

    assertThat(copy.toString()).isEqualTo("java.lang.RuntimeException: wrapped");
    assertThat(copy.getStackTrace()).isEqualTo(top.getStackTrace());
    SQLException batchCopy = (SQLException) copy.getCause();
    assertThat(batchCopy.toString())
        .isEqualTo("java.sql.BatchUpdateException: Batch entry 0 was aborted");
    assertThat(batchCopy.getSQLState()).isEqualTo("23505");
    assertThat(batchCopy.getCause()).isSameAs(batchCopy.getNextException());
    assertThat(((SQLException) batchCopy.getCause()).getErrorCode()).isEqualTo(7);
    assertThat(copy.getSuppressed()[0].toString())
        .isEqualTo("java.net.UnknownHostException: alice:***@host");
    assertThat(PostgresText.all(copy)).doesNotContain("secret");
  }

  @Test
  void jdbcLogin_userInfoAndPasswordParameters_leaveTheUrl() {
    JdbcLogin login =
        JdbcLogin.of(
            "jdbc:postgresql://al%40ce:p%3Ass+w@127.0.0.1:5432/app?sslpassword=k&ssl=true"
                + "&password=other",
            null, null);

    assertThat(login.url())
        .isEqualTo("jdbc:postgresql://127.0.0.1:5432/app?ssl=true&logServerErrorDetail=false");
    assertThat(login.user()).isEqualTo("al@ce");
    assertThat(login.password()).isEqualTo("other"); // the parameter comes after the user info
    assertThat(login.secretProperties()).containsEntry("sslpassword", "k");
    assertThat(login.toString()).doesNotContain("other").doesNotContain("p:ss");
  }

  @Test
  void jdbcLogin_builderLoginAndOwnDetailSetting_win() {
    JdbcLogin login =
        JdbcLogin.of(
            "jdbc:postgresql://u:p@h/db?logServerErrorDetail=true", "builder", "builder-pw");

    assertThat(login.url()).isEqualTo("jdbc:postgresql://h/db?logServerErrorDetail=true");
    assertThat(login.user()).isEqualTo("builder");
    assertThat(login.password()).isEqualTo("builder-pw");
    assertThat(JdbcLogin.of("jdbc:h2:mem:x;PASSWORD=a", null, null).url())
        .isEqualTo("jdbc:h2:mem:x;PASSWORD=a");
  }

  /** Every text of a chain, the way a logger would print it. */
  private static final class PostgresText {
    static String all(Throwable t) {
      java.io.StringWriter out = new java.io.StringWriter();
      t.printStackTrace(new java.io.PrintWriter(out, true));
      return out.toString();
    }
  }
}
