package dev.alchemist.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.alchemist.cache.internal.KeyCodec;
import java.time.Instant;
import java.util.UUID;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class CacheKeysTest {

  enum Kind {
    USER,
    BOT
  }

  record TenantUser(String tenant, long user) {}

  record Mixed(Kind kind, UUID id, int n, boolean flag) {}

  record Bad(Instant at) {}

  @Test
  void encode_string_escapesColonBracesPercentAndControls() {
    assertThat(CacheKeys.encode("plain text é")).isEqualTo("plain text é");
    assertThat(CacheKeys.encode("a:b{c}%\n")).isEqualTo("a%3Ab%7Bc%7D%25%0A");
  }

  @Test
  void encode_scalars_useDocumentedForms() {
    UUID id = UUID.fromString("0F8FAD5B-D9CB-469F-A165-70867728950E");
    assertThat(CacheKeys.encode(id)).isEqualTo("0f8fad5b-d9cb-469f-a165-70867728950e");
    assertThat(CacheKeys.encode(-42L)).isEqualTo("-42");
    assertThat(CacheKeys.encode(7)).isEqualTo("7");
    assertThat(CacheKeys.encode(true)).isEqualTo("true");
    assertThat(CacheKeys.encode(Kind.BOT)).isEqualTo("BOT");
  }

  @Test
  void encode_record_joinsComponentsWithColon() {
    assertThat(CacheKeys.encode(new TenantUser("t:7", 42))).isEqualTo("t%3A7:42");
  }

  @Test
  void redisKey_followsLayout() {
    assertThat(CacheKeys.redisKey("app", CachePolicy.DOMAIN_STATUS, "billing"))
        .isEqualTo("app:domain_status:v1:billing");
  }

  @Test
  void encode_unsupportedType_isRefusedNamingIt() {
    assertThatThrownBy(() -> CacheKeys.encode(Instant.EPOCH))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("java.time.Instant is not supported");
    assertThatThrownBy(() -> CacheKeys.encode(new Bad(Instant.EPOCH)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("component at of type java.time.Instant");
  }

  @Test
  void encode_tooLong_isRefused() {
    assertThatThrownBy(() -> CacheKeys.encode("x".repeat(1025)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("encoded key must be at most 1024 characters but was 1025");
  }

  @Test
  void decode_record_roundTrips() {
    KeyCodec<Mixed> codec = KeyCodec.forType(Mixed.class);
    Mixed key = new Mixed(Kind.USER, UUID.randomUUID(), -3, true);
    assertThat(codec.decode(codec.encode(key))).isEqualTo(key);
  }

  @Test
  void decode_foreignText_isRefused() {
    KeyCodec<TenantUser> codec = KeyCodec.forType(TenantUser.class);
    assertThatThrownBy(() -> codec.decode("only-one-part"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> KeyCodec.forType(String.class).decode("a:b"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Property
  void string_roundTripsAndNeverContainsSeparatorsOrBraces(@ForAll String text) {
    KeyCodec<String> codec = KeyCodec.forType(String.class);
    String encoded = codec.encode(text.length() > 300 ? text.substring(0, 300) : text);
    assertThat(encoded).doesNotContain(":", "{", "}", "\n");
    assertThat(codec.decode(encoded))
        .isEqualTo(text.length() > 300 ? text.substring(0, 300) : text);
  }

  @Property
  void record_roundTrips(@ForAll String tenant, @ForAll long user) {
    String t = tenant.length() > 200 ? tenant.substring(0, 200) : tenant;
    KeyCodec<TenantUser> codec = KeyCodec.forType(TenantUser.class);
    TenantUser key = new TenantUser(t, user);
    assertThat(codec.decode(codec.encode(key))).isEqualTo(key);
  }
}
