package dev.alchemist.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class CachePolicyTest {

  @Test
  void presets_followTheGuide() {
    assertThat(CachePolicy.DIALOG_HISTORY.ttl()).isEqualTo(Duration.ofMinutes(5));
    assertThat(CachePolicy.AI_RESPONSES.ttl()).isEqualTo(Duration.ofHours(1));
    assertThat(CachePolicy.DOMAIN_STATUS.ttl()).isEqualTo(Duration.ofSeconds(30));
    assertThat(CachePolicy.USER_SESSIONS.ttl()).isEqualTo(Duration.ofMinutes(15));
    assertThat(CachePolicy.USER_SESSIONS.hasNearCache()).isFalse();
    assertThat(CachePolicy.DIALOG_HISTORY.hasNearCache()).isTrue();
  }

  @Test
  void ttl_zero_isRefusedWithFieldAndValue() {
    assertThatThrownBy(() -> CachePolicy.builder("x").ttl(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("ttl must be positive but was PT0S");
  }

  @Test
  void ttl_overAYear_isRefused() {
    assertThatThrownBy(() -> CachePolicy.builder("x").ttl(Duration.ofDays(400)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ttl must be at most PT8760H");
  }

  @Test
  void name_withUppercase_isRefused() {
    assertThatThrownBy(() -> CachePolicy.builder("Users"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("name must match [a-z0-9_-]+");
  }

  @Test
  void build_jitterNotBelowTtl_isIllegalState() {
    CachePolicy.Builder builder =
        CachePolicy.builder("x").ttl(Duration.ofSeconds(10)).ttlJitter(Duration.ofSeconds(10));
    assertThatThrownBy(builder::build)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("ttlJitter (PT10S) must be less than ttl (PT10S) of cache x");
  }

  @Test
  void build_refreshAheadNotBelowShortestTtl_isIllegalState() {
    CachePolicy.Builder builder =
        CachePolicy.builder("x")
            .ttl(Duration.ofSeconds(10))
            .ttlJitter(Duration.ofSeconds(2))
            .refreshAhead(Duration.ofSeconds(8));
    assertThatThrownBy(builder::build)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("refreshAhead (PT8S) must be less than ttl - ttlJitter (PT8S)");
  }

  @Test
  void nearCache_zeroSize_isRefused() {
    assertThatThrownBy(() -> CachePolicy.builder("x").nearCache(0, Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("nearCacheSize must be between 1 and 10000000 but was 0");
  }

  @Test
  void toBuilder_roundTrips() {
    assertThat(CachePolicy.AI_RESPONSES.toBuilder().build()).isEqualTo(CachePolicy.AI_RESPONSES);
  }
}
