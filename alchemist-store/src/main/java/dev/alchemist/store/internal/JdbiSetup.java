package dev.alchemist.store.internal;

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
import org.jdbi.v3.core.statement.StatementExceptions;
import org.jdbi.v3.core.statement.StatementExceptions.MessageRendering;

/** The Jdbi instance the repositories share: record mappers and time handling. */
final class JdbiSetup {
  private JdbiSetup() {}

  static Jdbi create(DataSource dataSource) {
    Jdbi jdbi = Jdbi.create(dataSource);
    // Jdbi's default message appends the statement and its bound values (users' text); the
    // store's own messages say which operation and rows failed instead.
    jdbi.getConfig(StatementExceptions.class).setMessageRendering(MessageRendering.NONE);
    // Records map by constructor, columns matched to components by snake_case name.
    jdbi.registerRowMapper(ConstructorMapper.factory(Dialog.class));
    jdbi.registerRowMapper(ConstructorMapper.factory(Message.class));
    jdbi.registerRowMapper(ConstructorMapper.factory(DomainEvent.class));
    jdbi.registerRowMapper(ConstructorMapper.factory(DomainStats.class));
    // Instants are bound as OffsetDateTime in UTC, which pgjdbc and H2 both send as "timestamp
    // with time zone" exactly; a java.sql.Timestamp would go through the JVM's default zone.
    // Reading, getTimestamp is exact for "timestamp with time zone" columns (all of ours) and
    // allocates less than parsing an OffsetDateTime, which the read benchmark showed.
    jdbi.registerArgument(new InstantArgumentFactory());
    jdbi.registerColumnMapper(
        Instant.class,
        (rs, column, ctx) -> {
          java.sql.Timestamp value = rs.getTimestamp(column);
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
