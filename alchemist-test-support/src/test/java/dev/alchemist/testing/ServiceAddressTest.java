package dev.alchemist.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ServiceAddressTest {

  @Test
  void parse_hostAndPort_keepsBoth() {
    ServiceAddress address = ServiceAddress.parse("redis", 6379, "redis://10.0.0.7:7000", "VAR");

    assertThat(address).isEqualTo(new ServiceAddress("redis", "10.0.0.7", 7000));
    assertThat(address.uri()).isEqualTo("redis://10.0.0.7:7000");
    assertThat(address).hasToString("redis://10.0.0.7:7000");
  }

  @Test
  void parse_noPort_usesDefault() {
    assertThat(ServiceAddress.parse("nats", 4222, "nats://localhost/", "VAR").port())
        .isEqualTo(4222);
  }

  @Test
  void parse_ipv6_dropsBracketsInHostKeepsThemInUri() {
    ServiceAddress address = ServiceAddress.parse("redis", 6379, "redis://[::1]:6380", "VAR");

    assertThat(address.host()).isEqualTo("::1");
    assertThat(address.uri()).isEqualTo("redis://[::1]:6380");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "127.0.0.1:6379",
        "nats://127.0.0.1:6379",
        "redis://",
        "redis://user:pw@127.0.0.1:6379",
        "redis://127.0.0.1:6379/0",
        "redis://127.0.0.1:6379?timeout=1",
        "redis://127.0.0.1:99999",
        "redis://bad host:1"
      })
  void parse_malformed_namesSourceAndValue(String value) {
    assertThatThrownBy(() -> ServiceAddress.parse("redis", 6379, value, "ALCHEMIST_REDIS_URI"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ALCHEMIST_REDIS_URI")
        .hasMessageContaining("redis://host:port");
  }

  @Test
  void new_portOutOfRange_namesValueAndLimit() {
    assertThatThrownBy(() -> new ServiceAddress("redis", "h", 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("port must be between 1 and 65535 but was 0");
  }

  @Test
  void new_badSchemeOrHost_isRejected() {
    assertThatThrownBy(() -> new ServiceAddress("Redis", "h", 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'Redis'");
    assertThatThrownBy(() -> new ServiceAddress("redis", " ", 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("host must not be blank");
  }
}
