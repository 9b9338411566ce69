package dev.alchemist.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SubjectTest {

  @Test
  void of_defaultRoot_buildsGuideSubject() {
    Subject s = Subject.of("dialog", "message", "created");
    assertThat(s.toString()).isEqualTo("cim.dialog.message.created");
    assertThat(s.eventType()).isEqualTo("dialog.message.created");
    assertThat(s.root()).isEqualTo("cim");
  }

  @Test
  void subject_sameTokens_returnsSameCachedInstance() {
    SubjectSpace space = SubjectSpace.of("t1.cim");
    Subject a = space.subject("workflow", "execution", "started");
    Subject b = space.subject(new String("workflow"), "execution", "started");
    assertThat(b).isSameAs(a);
    assertThat(a.toString()).isEqualTo("t1.cim.workflow.execution.started");
    assertThat(space.cachedSubjects()).isEqualTo(1);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "Dialog", "a b", "a.b", "*", ">", "$sys", "ä", "tab\t"})
  void subject_badToken_throwsNamingField(String token) {
    assertThatThrownBy(() -> Subject.of("dialog", token, "created"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("entity");
  }

  @Test
  void subject_tooLong_throws() {
    String t = "a".repeat(64);
    SubjectSpace space = SubjectSpace.of(t + "." + t);
    assertThatThrownBy(() -> space.subject(t, t, t))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at most 255 characters");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "", "a..b", ".a", "a.", "a b", "a\tb", "a\nb", "a.*", "a.>", "a*b", "$JS.API", "a.$b",
      })
  void validate_badPublishSubject_throws(String subject) {
    assertThatThrownBy(() -> Subject.validate(subject))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(Subject.isValid(subject)).isFalse();
  }

  @Test
  void validate_seventeenTokens_throws() {
    String subject = "a" + ".a".repeat(16);
    assertThatThrownBy(() -> Subject.validate(subject))
        .hasMessageContaining("at most 16 tokens but had 17");
    assertThat(Subject.isValid(subject)).isFalse();
    assertThat(Subject.isValid("a" + ".a".repeat(15))).isTrue();
  }

  @Test
  void validate_256Characters_throws() {
    assertThatThrownBy(() -> Subject.validate("a".repeat(256)))
        .hasMessageContaining("at most 255 characters but was 256");
    assertThat(Subject.isValid("a".repeat(255))).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"a.>.b", "a*", "a.b*", ">a", "a..*", "", "a. b", "$x.>"})
  void parse_badPattern_throws(String pattern) {
    assertThatThrownBy(() -> SubjectPattern.parse(pattern))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void matches_guideExamples_followNatsSemantics() {
    SubjectPattern creations = SubjectPattern.parse("cim.*.*.created");
    SubjectPattern dialog = SubjectPattern.parse("cim.dialog.>");
    assertThat(creations.matches(Subject.of("dialog", "message", "created"))).isTrue();
    assertThat(creations.matches(Subject.of("workflow", "execution", "created"))).isTrue();
    assertThat(creations.matches(Subject.of("dialog", "message", "deleted"))).isFalse();
    assertThat(creations.matches("cim.dialog.created")).isFalse();
    assertThat(creations.matches("cim.a.b.created.x")).isFalse();
    assertThat(dialog.matches("cim.dialog.message.created")).isTrue();
    assertThat(dialog.matches("cim.dialog.x")).isTrue();
    assertThat(dialog.matches("cim.dialog")).isFalse();
    assertThat(dialog.matches("cim.dialogs.x")).isFalse();
    assertThat(SubjectPattern.parse(">").matches("a")).isTrue();
    assertThat(SubjectPattern.parse("*").matches("a.b")).isFalse();
    assertThat(SubjectPattern.parse("a.b").matches("a.b")).isTrue();
    assertThat(SubjectPattern.parse("a.b").matches("a.bc")).isFalse();
    assertThat(SubjectPattern.parse("a.*").matches("a..")).isFalse();
    assertThat(SubjectPattern.parse(">").matches("a..b")).isFalse();
  }

  @Test
  void pattern_relativeToSpace_prefixesRoot() {
    SubjectSpace space = SubjectSpace.of("tenant");
    assertThat(space.pattern("*.*.created").toString()).isEqualTo("tenant.*.*.created");
    assertThat(space.all().matches(space.subject("a", "b", "c"))).isTrue();
    assertThat(space.all().matches(Subject.of("a", "b", "c"))).isFalse();
  }

  @Test
  void of_badRoot_throws() {
    assertThatThrownBy(() -> SubjectSpace.of("CIM")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SubjectSpace.of("a" + ".a".repeat(13)))
        .hasMessageContaining("at most 13 tokens");
  }
}
