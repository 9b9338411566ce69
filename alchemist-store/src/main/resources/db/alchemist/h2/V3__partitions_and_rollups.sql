-- Incremental domain_stats and retention, H2 variant (issue 15). events stays a plain table (H2 has
-- no declarative partitioning): retention DELETEs older rows on the maintenance schedule. The
-- primary key becomes (id, created_at) as on PostgreSQL, so both dedupe the same way.

ALTER TABLE events DROP PRIMARY KEY;
ALTER TABLE events ADD PRIMARY KEY (id, created_at);

DROP TABLE domain_stats;
DROP TABLE domain_stats_refresh;

CREATE TABLE domain_stats_minute (
  domain        varchar(64)              NOT NULL,
  minute_start  timestamp with time zone NOT NULL,
  event_count   bigint                   NOT NULL CHECK (event_count >= 0),
  last_event_at timestamp with time zone NOT NULL,
  newest_sessions bigint                 DEFAULT 0 NOT NULL,
  PRIMARY KEY (domain, minute_start)
);

CREATE TABLE domain_sessions (
  domain     varchar(64)              NOT NULL,
  session_id varchar(256)             NOT NULL,
  last_seen  timestamp with time zone NOT NULL,
  previous_seen timestamp with time zone,
  PRIMARY KEY (domain, session_id)
);
CREATE INDEX idx_domain_sessions_last_seen ON domain_sessions (last_seen);

CREATE VIEW domain_stats AS
SELECT domain,
       CAST(sum(event_count) AS bigint)     AS event_count,
       max(last_event_at)                   AS last_event_at,
       CAST(sum(newest_sessions) AS bigint) AS unique_sessions
FROM domain_stats_minute
WHERE minute_start >= DATE_TRUNC('MINUTE', CURRENT_TIMESTAMP - INTERVAL '1' HOUR)
GROUP BY domain;

CREATE TABLE store_maintenance (
  id     integer                  PRIMARY KEY CHECK (id = 1),
  ran_at timestamp with time zone NOT NULL
);
INSERT INTO store_maintenance (id, ran_at) VALUES (1, CURRENT_TIMESTAMP - INTERVAL '1' DAY);

INSERT INTO domain_sessions (domain, session_id, last_seen)
SELECT domain, session_id, max(created_at)
FROM events
WHERE session_id IS NOT NULL
  AND created_at >= DATE_TRUNC('MINUTE', CURRENT_TIMESTAMP - INTERVAL '65' MINUTE)
GROUP BY domain, session_id;

INSERT INTO domain_stats_minute (domain, minute_start, event_count, last_event_at)
SELECT domain, DATE_TRUNC('MINUTE', created_at), count(*), max(created_at)
FROM events
WHERE created_at >= DATE_TRUNC('MINUTE', CURRENT_TIMESTAMP - INTERVAL '65' MINUTE)
GROUP BY domain, DATE_TRUNC('MINUTE', created_at);

UPDATE domain_stats_minute m
SET newest_sessions = (SELECT count(*) FROM domain_sessions s
                        WHERE s.domain = m.domain
                          AND DATE_TRUNC('MINUTE', s.last_seen) = m.minute_start);
