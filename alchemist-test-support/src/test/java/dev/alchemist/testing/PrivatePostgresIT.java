package dev.alchemist.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

class PrivatePostgresIT {

  private static int selectOne(String url, String user, String password) throws SQLException {
    try (Connection c = DriverManager.getConnection(url, user, password);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT 1")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  @Test
  void start_stopImmediatelyAndStartAgain_answersOnTheSamePort() throws Exception {
    Path directory;
    try (PrivatePostgres pg = PrivatePostgres.start()) {
      directory = pg.logFile().getParent();
      assertThat(selectOne(pg.jdbcUrl(), pg.user(), "")).isEqualTo(1);
      int port = pg.port();

      pg.stopImmediately();
      assertThatThrownBy(() -> selectOne(pg.jdbcUrl(), pg.user(), ""))
          .isInstanceOf(SQLException.class)
          .hasMessageContaining("refused");

      pg.startAgain();
      assertThat(pg.port()).isEqualTo(port);
      assertThat(selectOne(pg.jdbcUrl(), pg.user(), "")).isEqualTo(1);
    }
    assertThat(Files.exists(directory)).isFalse();
  }

  @Test
  void withPassword_wrongPassword_isRefusedAndRightOneLogsIn() throws Exception {
    try (PrivatePostgres pg = PrivatePostgres.withPassword("alice", "right-horse")) {
      assertThat(selectOne(pg.jdbcUrl(), "alice", "right-horse")).isEqualTo(1);
      assertThatThrownBy(() -> selectOne(pg.jdbcUrl(), "alice", "wrong"))
          .isInstanceOfSatisfying(
              SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("28P01"));
    }
  }
}
