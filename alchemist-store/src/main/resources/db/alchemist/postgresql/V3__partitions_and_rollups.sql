-- Partitioned events with retention, and the incremental domain_stats (issue 15).
--
-- events becomes PARTITION BY RANGE (created_at) with one partition per UTC day, named
-- events_pYYYYMMDD. A partitioned table's unique keys must include the partition key, so the
-- primary key is (id, created_at): a redelivered event has the same id and the same created_at,
-- so it still collides. The library creates partitions ahead and drops those wholly older than
-- the retention (see DomainStatsStore and Partitions); there is no DEFAULT partition.
--
-- The existing rows are copied into daily partitions (not attached as one legacy partition), so
-- that retention drops whole days from the first maintenance run on. The copy costs one pass
-- over the old table inside this migration.

ALTER TABLE events RENAME TO events_unpartitioned;
ALTER INDEX events_pkey RENAME TO events_unpartitioned_pkey;
ALTER INDEX idx_events_domain_created RENAME TO events_unpartitioned_domain_created;
ALTER INDEX idx_events_created RENAME TO events_unpartitioned_created;

CREATE TABLE events (
  id         uuid          NOT NULL,
  domain     varchar(64)   NOT NULL,
  entity     varchar(64)   NOT NULL,
  type       varchar(64)   NOT NULL,
  session_id varchar(256),
  created_at timestamptz   NOT NULL,
  payload    text          NOT NULL,
  PRIMARY KEY (id, created_at)
) PARTITION BY RANGE (created_at);
-- "a domain's recent events"
CREATE INDEX idx_events_domain_created ON events (domain, created_at DESC);
-- deleteOlderThan and range reads inside a day's partition
CREATE INDEX idx_events_created ON events (created_at);

-- One partition per UTC day that holds rows, and today's.
DO $$
DECLARE
  d date;
BEGIN
  FOR d IN
    SELECT DISTINCT (created_at AT TIME ZONE 'UTC')::date FROM events_unpartitioned
    UNION
    SELECT (now() AT TIME ZONE 'UTC')::date
  LOOP
    EXECUTE format(
      'CREATE TABLE %I PARTITION OF events FOR VALUES FROM (%L) TO (%L)',
      'events_p' || to_char(d, 'YYYYMMDD'),
      to_char(d, 'YYYY-MM-DD') || ' 00:00:00+00',
      to_char(d + 1, 'YYYY-MM-DD') || ' 00:00:00+00');
  END LOOP;
END
$$;

INSERT INTO events (id, domain, entity, type, session_id, created_at, payload)
SELECT id, domain, entity, type, session_id, created_at, payload FROM events_unpartitioned;

DROP MATERIALIZED VIEW domain_stats;
DROP TABLE domain_stats_refresh;
DROP TABLE events_unpartitioned;

-- Per domain and minute: how many events, and the newest. Written in the same transaction as the
-- events they count; rows older than the window plus a margin are pruned by the maintenance run.
CREATE TABLE domain_stats_minute (
  domain        varchar(64) NOT NULL,
  minute_start  timestamptz NOT NULL,
  event_count   bigint      NOT NULL CHECK (event_count >= 0),
  last_event_at timestamptz NOT NULL,
  -- sessions whose newest event falls in this minute: summed over the window, the exact distinct
  -- count of sessions in it (each session's newest event lies in exactly one minute)
  newest_sessions bigint    NOT NULL DEFAULT 0,
  PRIMARY KEY (domain, minute_start)
);

-- Per domain and session: its newest event. A session has an event in the window exactly when its
-- newest event is in the window; domain_stats_minute.newest_sessions counts the sessions per the
-- minute of their newest event, so the view sums 61 rows per domain instead of counting sessions.
CREATE TABLE domain_sessions (
  domain     varchar(64)  NOT NULL,
  session_id varchar(256) NOT NULL,
  last_seen  timestamptz  NOT NULL,
  -- what last_seen was before the last upsert moved it: the minute to take the session from
  previous_seen timestamptz,
  PRIMARY KEY (domain, session_id)
);
CREATE INDEX idx_domain_sessions_last_seen ON domain_sessions (last_seen);

-- The guide's columns and meanings, over the window that starts at the beginning of the minute
-- one hour ago: the guide's hour plus at most the first 59.99 s of that minute. Reads at most
-- (domains x 61) minute rows, whatever the event rate and the number of sessions.
CREATE VIEW domain_stats AS
SELECT domain,
       sum(event_count)::bigint     AS event_count,
       max(last_event_at)           AS last_event_at,
       sum(newest_sessions)::bigint AS unique_sessions
FROM domain_stats_minute
WHERE minute_start >= date_trunc('minute', now() - interval '1 hour')
GROUP BY domain;

-- When the maintenance run (partitions, retention, pruning) last ran, by whichever instance.
CREATE TABLE store_maintenance (
  id     integer     PRIMARY KEY CHECK (id = 1),
  ran_at timestamptz NOT NULL
);
INSERT INTO store_maintenance (id, ran_at) VALUES (1, now() - interval '1 day');

-- The rollups of what is already stored, for the window and a margin.
INSERT INTO domain_sessions (domain, session_id, last_seen)
SELECT domain, session_id, max(created_at)
FROM events
WHERE session_id IS NOT NULL AND created_at >= date_trunc('minute', now() - interval '65 minutes')
GROUP BY 1, 2;

INSERT INTO domain_stats_minute (domain, minute_start, event_count, last_event_at)
SELECT domain, date_trunc('minute', created_at), count(*), max(created_at)
FROM events
WHERE created_at >= date_trunc('minute', now() - interval '65 minutes')
GROUP BY 1, 2;

UPDATE domain_stats_minute m
SET newest_sessions = (SELECT count(*) FROM domain_sessions s
                        WHERE s.domain = m.domain
                          AND date_trunc('minute', s.last_seen) = m.minute_start);
