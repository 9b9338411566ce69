package dev.alchemist.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PostgresAddressTest {

  @Test
  void toString_withPassword_neverShowsIt() {
    PostgresAddress address =
        new PostgresAddress("jdbc:postgresql://127.0.0.1:5432/test", "app", "hunter2");

    assertThat(address.toString())
        .doesNotContain("hunter2")
        .contains("jdbc:postgresql://127.0.0.1:5432/test")
        .contains("user=app")
        .contains("password=(set)");
  }

  @Test
  void toString_withoutPassword_saysNone() {
    assertThat(new PostgresAddress("jdbc:postgresql:test", "postgres", "").toString())
        .contains("password=(none)");
  }

  @Test
  void new_notAPostgresUrl_namesValue() {
    assertThatThrownBy(() -> new PostgresAddress("jdbc:mysql://h/test", "u", ""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("jdbcUrl must start with jdbc:postgresql: but was 'jdbc:mysql://h/test'");
  }

  @Test
  void new_blankUser_isRejected() {
    assertThatThrownBy(() -> new PostgresAddress("jdbc:postgresql:test", "", ""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("user must not be blank");
  }
}
