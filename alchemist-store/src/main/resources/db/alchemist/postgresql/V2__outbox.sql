-- The transactional outbox: events written in the same transaction as the rows that caused them,
-- relayed to JetStream by OutboxRelay and deleted once acknowledged. seq orders the relay; rows of
-- one session get their seq in commit order because Outbox.add takes a per-session transaction
-- lock first (see JdbiOutbox).
CREATE TABLE outbox (
  seq        bigserial     PRIMARY KEY,
  id         uuid          NOT NULL UNIQUE,
  domain     varchar(64)   NOT NULL,
  entity     varchar(64)   NOT NULL,
  type       varchar(64)   NOT NULL,
  session_id varchar(256),
  created_at timestamptz   NOT NULL,
  payload    text          NOT NULL
);
