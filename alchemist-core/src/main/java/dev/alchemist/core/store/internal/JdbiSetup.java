package dev.alchemist.core.store.internal;

import dev.alchemist.core.Dialog;
import dev.alchemist.core.DomainEvent;
import dev.alchemist.core.DomainStats;
import dev.alchemist.core.Message;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import javax.sql.DataSource;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.argument.AbstractArgumentFactory;
import org.jdbi.v3.core.argument.Argument;
import org.jdbi.v3.core.config.ConfigRegistry;
import org.jdbi.v3.core.mapper.reflect.ConstructorMapper;

/** The Jdbi instance the repositories share: record mappers and time handling. */
final class JdbiSetup {
  private JdbiSetup() {}

  static Jdbi create(DataSource dataSource) {
    Jdbi jdbi = Jdbi.create(dataSource);
    // Records map by constructor, columns matched to components by snake_case name.
    jdbi.registerRowMapper(ConstructorMapper.factory(Dialog.class));
    jdbi.registerRowMapper(ConstructorMapper.factory(Message.class));
    jdbi.registerRowMapper(ConstructorMapper.factory(DomainEvent.class));
    jdbi.registerRowMapper(ConstructorMapper.factory(DomainStats.class));
    // Instants travel as OffsetDateTime in UTC, which pgjdbc and H2 both map to "timestamp with
    // time zone" exactly; java.sql.Timestamp would route them through the JVM's default zone.
    jdbi.registerArgument(new InstantArgumentFactory());
    jdbi.registerColumnMapper(
        Instant.class,
        (rs, column, ctx) -> {
          OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
          return value == null ? null : value.toInstant();
        });
    return jdbi;
  }

  static OffsetDateTime utc(Instant instant) {
    return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
  }

  private static final class InstantArgumentFactory extends AbstractArgumentFactory<Instant> {
    InstantArgumentFactory() {
      super(Types.TIMESTAMP_WITH_TIMEZONE);
    }

    @Override
    protected Argument build(Instant value, ConfigRegistry config) {
      OffsetDateTime utc = utc(value);
      return (position, statement, ctx) -> statement.setObject(position, utc);
    }
  }
}
