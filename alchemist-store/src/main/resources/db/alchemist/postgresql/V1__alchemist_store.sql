-- Alchemist store, PostgreSQL variant. The H2 variant beside it keeps the same tables and columns.

CREATE TABLE dialogs (
  id         uuid          PRIMARY KEY,
  user_id    varchar(256)  NOT NULL,
  title      varchar(1024) NOT NULL,
  created_at timestamptz   NOT NULL,
  updated_at timestamptz   NOT NULL
);
-- "a user's recent dialogs"
CREATE INDEX idx_dialogs_user_updated ON dialogs (user_id, updated_at DESC);

CREATE TABLE messages (
  id          uuid        PRIMARY KEY,
  dialog_id   uuid        NOT NULL REFERENCES dialogs (id) ON DELETE CASCADE,
  role        varchar(16) NOT NULL,
  content     text        NOT NULL,
  timestamp   timestamptz NOT NULL,
  token_count integer     NOT NULL CHECK (token_count >= 0)
);
-- The guide's (dialog_id, timestamp DESC) with id appended as the tiebreak: last-N and keyset pages
-- in both directions become one index range scan, and (timestamp, id) is a total order.
CREATE INDEX idx_messages_dialog_timestamp ON messages (dialog_id, timestamp DESC, id DESC);

CREATE TABLE events (
  id         uuid          PRIMARY KEY,
  domain     varchar(64)   NOT NULL,
  entity     varchar(64)   NOT NULL,
  type       varchar(64)   NOT NULL,
  session_id varchar(256),
  created_at timestamptz   NOT NULL,
  payload    text          NOT NULL
);
-- "a domain's recent events"
CREATE INDEX idx_events_domain_created ON events (domain, created_at DESC);
-- The domain_stats refresh reads only the last hour; without this it scans every event ever kept.
CREATE INDEX idx_events_created ON events (created_at);

-- Dashboards read this instead of aggregating events per request.
CREATE MATERIALIZED VIEW domain_stats AS
SELECT domain,
       count(*)                   AS event_count,
       max(created_at)            AS last_event_at,
       count(DISTINCT session_id) AS unique_sessions
FROM events
WHERE created_at > now() - interval '1 hour'
GROUP BY domain;
-- Unique, so that REFRESH MATERIALIZED VIEW CONCURRENTLY is allowed and readers never block.
CREATE UNIQUE INDEX idx_domain_stats_domain ON domain_stats (domain);

-- When domain_stats was last refreshed, by whichever instance: the staleness gauge and the
-- "refreshed recently enough, skip" check of every instance read it.
CREATE TABLE domain_stats_refresh (
  id           integer     PRIMARY KEY CHECK (id = 1),
  refreshed_at timestamptz NOT NULL
);
INSERT INTO domain_stats_refresh (id, refreshed_at) VALUES (1, now());
