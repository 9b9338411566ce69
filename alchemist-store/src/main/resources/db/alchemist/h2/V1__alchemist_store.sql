-- Alchemist store, H2 variant (the embedded default). Same tables and columns as the PostgreSQL
-- variant; domain_stats is a plain table that the library refreshes in one transaction, because H2
-- has no materialized views.

CREATE TABLE dialogs (
  id         uuid                     PRIMARY KEY,
  user_id    varchar(256)             NOT NULL,
  title      varchar(1024)            NOT NULL,
  created_at timestamp with time zone NOT NULL,
  updated_at timestamp with time zone NOT NULL
);
CREATE INDEX idx_dialogs_user_updated ON dialogs (user_id, updated_at DESC);

CREATE TABLE messages (
  id          uuid                     PRIMARY KEY,
  dialog_id   uuid                     NOT NULL REFERENCES dialogs (id) ON DELETE CASCADE,
  role        varchar(16)              NOT NULL,
  content     varchar(1048576)         NOT NULL,
  timestamp   timestamp with time zone NOT NULL,
  token_count integer                  NOT NULL CHECK (token_count >= 0)
);
CREATE INDEX idx_messages_dialog_timestamp ON messages (dialog_id, timestamp DESC, id DESC);

CREATE TABLE events (
  id         uuid                     PRIMARY KEY,
  domain     varchar(64)              NOT NULL,
  entity     varchar(64)              NOT NULL,
  type       varchar(64)              NOT NULL,
  session_id varchar(256),
  created_at timestamp with time zone NOT NULL,
  payload    varchar(524288)          NOT NULL
);
CREATE INDEX idx_events_domain_created ON events (domain, created_at DESC);
CREATE INDEX idx_events_created ON events (created_at);

CREATE TABLE domain_stats (
  domain          varchar(64)              PRIMARY KEY,
  event_count     bigint                   NOT NULL,
  last_event_at   timestamp with time zone,
  unique_sessions bigint                   NOT NULL
);

CREATE TABLE domain_stats_refresh (
  id           integer                  PRIMARY KEY CHECK (id = 1),
  refreshed_at timestamp with time zone NOT NULL
);
INSERT INTO domain_stats_refresh (id, refreshed_at) VALUES (1, CURRENT_TIMESTAMP);
