namespace Coaching.Storage.Sqlite;

/// <summary>
/// Forward-only schema migrations. Never edit a published step; append a new one. Instants are stored
/// as Unix milliseconds, durations as whole seconds.
/// </summary>
internal static class Schema
{
    public static readonly IReadOnlyList<(int Version, string Sql)> Migrations =
    [
        (1, """
            CREATE TABLE coaches (
                id                  TEXT    NOT NULL PRIMARY KEY,
                display_name        TEXT    NOT NULL,
                bio                 TEXT    NOT NULL,
                email               TEXT    NOT NULL,
                specialties         TEXT    NOT NULL, -- JSON array, for reads; coach_specialties is the index
                time_zone           TEXT    NOT NULL,
                active              INTEGER NOT NULL CHECK (active IN (0, 1)),
                create_time         INTEGER NOT NULL,
                update_time         INTEGER NOT NULL,
                delete_time         INTEGER NULL,
                version             INTEGER NOT NULL CHECK (version >= 1),
                request_scope       TEXT    NULL,
                request_id          TEXT    NULL,
                request_fingerprint TEXT    NULL,
                UNIQUE (request_scope, request_id)
            ) STRICT;

            CREATE TABLE coach_specialties (
                specialty TEXT NOT NULL,
                coach_id  TEXT NOT NULL REFERENCES coaches (id),
                PRIMARY KEY (specialty, coach_id)
            ) STRICT, WITHOUT ROWID;
            CREATE INDEX coach_specialties_by_coach ON coach_specialties (coach_id);

            CREATE TABLE offerings (
                id                    TEXT    NOT NULL PRIMARY KEY,
                coach_id              TEXT    NOT NULL REFERENCES coaches (id),
                title                 TEXT    NOT NULL,
                description           TEXT    NOT NULL,
                duration_s            INTEGER NOT NULL CHECK (duration_s > 0),
                buffer_before_s       INTEGER NOT NULL CHECK (buffer_before_s >= 0),
                buffer_after_s        INTEGER NOT NULL CHECK (buffer_after_s >= 0),
                minimum_notice_s      INTEGER NOT NULL CHECK (minimum_notice_s >= 0),
                booking_horizon_s     INTEGER NOT NULL CHECK (booking_horizon_s > 0),
                daily_cap             INTEGER NOT NULL CHECK (daily_cap >= 0),
                weekly_cap            INTEGER NOT NULL CHECK (weekly_cap >= 0),
                requires_confirmation INTEGER NOT NULL CHECK (requires_confirmation IN (0, 1)),
                cancellation_cutoff_s INTEGER NOT NULL CHECK (cancellation_cutoff_s >= 0),
                create_time           INTEGER NOT NULL,
                update_time           INTEGER NOT NULL,
                delete_time           INTEGER NULL,
                version               INTEGER NOT NULL CHECK (version >= 1),
                request_scope         TEXT    NULL,
                request_id            TEXT    NULL,
                request_fingerprint   TEXT    NULL,
                UNIQUE (request_scope, request_id)
            ) STRICT;
            CREATE INDEX offerings_by_coach ON offerings (coach_id, id);
            """),
        (2, """
            CREATE TABLE weekly_schedules (
                coach_id    TEXT    NOT NULL PRIMARY KEY REFERENCES coaches (id),
                windows     TEXT    NOT NULL, -- JSON [[iso weekday, start minute, end minute], ...]
                update_time INTEGER NOT NULL,
                version     INTEGER NOT NULL CHECK (version >= 1)
            ) STRICT;

            CREATE TABLE date_overrides (
                id                  TEXT    NOT NULL PRIMARY KEY,
                coach_id            TEXT    NOT NULL REFERENCES coaches (id),
                start_date          TEXT    NOT NULL, -- ISO yyyy-MM-dd, so text order is date order
                end_date            TEXT    NOT NULL,
                kind                INTEGER NOT NULL CHECK (kind IN (1, 2)),
                windows             TEXT    NOT NULL, -- JSON [[start minute, end minute], ...]
                reason              TEXT    NOT NULL,
                create_time         INTEGER NOT NULL,
                request_scope       TEXT    NULL,
                request_id          TEXT    NULL,
                request_fingerprint TEXT    NULL,
                UNIQUE (request_scope, request_id),
                CHECK (end_date >= start_date)
            ) STRICT;
            CREATE INDEX date_overrides_by_coach ON date_overrides (coach_id, start_date, id);
            CREATE INDEX date_overrides_by_end ON date_overrides (coach_id, end_date);
            """),
        (3, """
            CREATE TABLE bookings (
                id                  TEXT    NOT NULL PRIMARY KEY,
                coach_id            TEXT    NOT NULL REFERENCES coaches (id),
                offering_id         TEXT    NOT NULL REFERENCES offerings (id),
                client_id           TEXT    NOT NULL,
                start_time          INTEGER NOT NULL,
                end_time            INTEGER NOT NULL,
                block_start         INTEGER NOT NULL,
                block_end           INTEGER NOT NULL,
                buffer_before_s     INTEGER NOT NULL,
                buffer_after_s      INTEGER NOT NULL,
                coach_time_zone     TEXT    NOT NULL,
                agenda              TEXT    NOT NULL,
                state               INTEGER NOT NULL CHECK (state BETWEEN 1 AND 6),
                history             TEXT    NOT NULL, -- JSON array of state changes
                create_time         INTEGER NOT NULL,
                update_time         INTEGER NOT NULL,
                version             INTEGER NOT NULL CHECK (version >= 1),
                request_scope       TEXT    NULL,
                request_id          TEXT    NULL,
                request_fingerprint TEXT    NULL,
                UNIQUE (request_scope, request_id),
                CHECK (block_start <= start_time AND start_time < end_time AND end_time <= block_end)
            ) STRICT;
            -- Active bookings of a coach by blocked time: the busy-time query of every slot listing.
            CREATE INDEX bookings_active_by_coach ON bookings (coach_id, block_start) WHERE state IN (1, 2);
            CREATE INDEX bookings_by_client ON bookings (client_id, start_time, id);
            CREATE INDEX bookings_by_coach ON bookings (coach_id, start_time, id);
            CREATE INDEX bookings_by_start ON bookings (start_time, id);

            -- Claims held by active bookings: one per 5-minute cell of a coach's blocked time ("{coach}|{cell}") and one
            -- per cap seat taken ("{offering}|day|{date}|{k}"). The primary key is the no-double-booking guarantee: a
            -- second booking over any held cell, or past a full cap, cannot be inserted.
            CREATE TABLE booking_claims (
                claim      TEXT NOT NULL PRIMARY KEY,
                booking_id TEXT NOT NULL REFERENCES bookings (id)
            ) STRICT, WITHOUT ROWID;
            CREATE INDEX booking_claims_by_booking ON booking_claims (booking_id);
            """),
        (4, """
            ALTER TABLE bookings ADD COLUMN title TEXT NOT NULL DEFAULT '';
            ALTER TABLE bookings ADD COLUMN coach_name TEXT NOT NULL DEFAULT '';
            ALTER TABLE bookings ADD COLUMN coach_email TEXT NOT NULL DEFAULT '';
            ALTER TABLE bookings ADD COLUMN client_name TEXT NOT NULL DEFAULT '';
            ALTER TABLE bookings ADD COLUMN client_email TEXT NOT NULL DEFAULT '';
            ALTER TABLE bookings ADD COLUMN invite_sequence INTEGER NOT NULL DEFAULT -1;

            -- Every iCalendar message emitted for a booking, exactly as sent; written in the transaction of the change.
            CREATE TABLE invites (
                booking_id  TEXT    NOT NULL REFERENCES bookings (id),
                ordinal     INTEGER NOT NULL CHECK (ordinal >= 1),
                method      INTEGER NOT NULL CHECK (method IN (1, 2)),
                sequence    INTEGER NOT NULL CHECK (sequence >= 0),
                uid         TEXT    NOT NULL,
                content     BLOB    NOT NULL,
                create_time INTEGER NOT NULL,
                PRIMARY KEY (booking_id, ordinal)
            ) STRICT, WITHOUT ROWID;

            -- Personal feeds: the token is derived from a server secret and the generation; only its hash is stored.
            CREATE TABLE feeds (
                owner       TEXT    NOT NULL PRIMARY KEY, -- users/{user} or coaches/{coach}
                generation  INTEGER NOT NULL CHECK (generation >= 1),
                token_hash  TEXT    NOT NULL UNIQUE,
                rotate_time INTEGER NOT NULL
            ) STRICT;

            CREATE TABLE settings (
                name  TEXT NOT NULL PRIMARY KEY,
                value BLOB NOT NULL
            ) STRICT;
            """),
        (5, """
            CREATE TABLE courses (
                id                  TEXT    NOT NULL PRIMARY KEY,
                title               TEXT    NOT NULL,
                description         TEXT    NOT NULL,
                outcomes            TEXT    NOT NULL, -- JSON array
                session_count       INTEGER NOT NULL,
                create_time         INTEGER NOT NULL,
                update_time         INTEGER NOT NULL,
                version             INTEGER NOT NULL,
                request_scope       TEXT    NULL,
                request_id          TEXT    NULL,
                request_fingerprint TEXT    NULL,
                UNIQUE (request_scope, request_id)
            ) STRICT;

            CREATE TABLE cohorts (
                id                  TEXT    NOT NULL PRIMARY KEY,
                course_id           TEXT    NOT NULL REFERENCES courses (id),
                display_name        TEXT    NOT NULL,
                time_zone           TEXT    NOT NULL,
                sessions            TEXT    NOT NULL, -- JSON [[start ms, duration s, title], ...]
                coach_ids           TEXT    NOT NULL, -- JSON array
                capacity            INTEGER NOT NULL CHECK (capacity BETWEEN 1 AND 1000),
                open_time           INTEGER NOT NULL,
                close_time          INTEGER NOT NULL,
                state               INTEGER NOT NULL CHECK (state BETWEEN 1 AND 4),
                next_arrival        INTEGER NOT NULL DEFAULT 1,
                create_time         INTEGER NOT NULL,
                update_time         INTEGER NOT NULL,
                version             INTEGER NOT NULL,
                request_scope       TEXT    NULL,
                request_id          TEXT    NULL,
                request_fingerprint TEXT    NULL,
                UNIQUE (request_scope, request_id)
            ) STRICT;
            CREATE INDEX cohorts_by_course ON cohorts (course_id, id);

            -- Sessions per teaching coach, for the busy-time reads of availability and bookings.
            CREATE TABLE cohort_teaching (
                coach_id   TEXT    NOT NULL,
                start_time INTEGER NOT NULL,
                end_time   INTEGER NOT NULL,
                cohort_id  TEXT    NOT NULL REFERENCES cohorts (id),
                PRIMARY KEY (coach_id, start_time, cohort_id)
            ) STRICT, WITHOUT ROWID;
            CREATE INDEX cohort_teaching_by_cohort ON cohort_teaching (cohort_id);

            CREATE TABLE enrolments (
                id                  TEXT    NOT NULL PRIMARY KEY,
                course_id           TEXT    NOT NULL,
                cohort_id           TEXT    NOT NULL REFERENCES cohorts (id),
                client_id           TEXT    NOT NULL,
                state               INTEGER NOT NULL CHECK (state BETWEEN 1 AND 3),
                arrival             INTEGER NOT NULL,
                create_time         INTEGER NOT NULL,
                update_time         INTEGER NOT NULL,
                version             INTEGER NOT NULL,
                request_scope       TEXT    NULL,
                request_id          TEXT    NULL,
                request_fingerprint TEXT    NULL,
                UNIQUE (request_scope, request_id),
                UNIQUE (cohort_id, arrival)
            ) STRICT;
            -- At most one live (enrolled or waitlisted) enrolment per client and cohort.
            CREATE UNIQUE INDEX enrolments_live ON enrolments (cohort_id, client_id) WHERE state IN (1, 2);
            CREATE INDEX enrolments_by_cohort ON enrolments (cohort_id, state, arrival, id);
            CREATE INDEX enrolments_by_client ON enrolments (client_id, state, arrival, id);
            """),
        (6, """
            -- iCalendar messages sent for enrolments; (enrolment, ordinal) is unique, so a SEQUENCE is never sent twice.
            CREATE TABLE enrolment_invites (
                enrolment_id    TEXT    NOT NULL,
                ordinal         INTEGER NOT NULL CHECK (ordinal >= 1),
                cohort_id       TEXT    NOT NULL,
                method          INTEGER NOT NULL CHECK (method IN (1, 2)),
                sequence        INTEGER NOT NULL,
                uid             TEXT    NOT NULL,
                content         BLOB    NOT NULL,
                create_time     INTEGER NOT NULL,
                sessions_digest TEXT    NOT NULL,
                PRIMARY KEY (enrolment_id, ordinal)
            ) STRICT, WITHOUT ROWID;
            CREATE INDEX enrolment_invites_by_cohort ON enrolment_invites (cohort_id, enrolment_id, ordinal);
            """),
        (7, """
            ALTER TABLE enrolments ADD COLUMN client_name TEXT NOT NULL DEFAULT '';
            ALTER TABLE enrolments ADD COLUMN client_email TEXT NOT NULL DEFAULT '';
            """),
        (8, """
            -- One table of claims for every kind of commitment: a booking's cells and cap seats, or a cohort's session
            -- cells per teaching coach ("{coach}|{unix minute / 5}"). Its primary key refuses the second of any two
            -- overlapping commitments of a coach, whichever kinds they are.
            CREATE TABLE claims (
                claim      TEXT NOT NULL PRIMARY KEY,
                booking_id TEXT NULL REFERENCES bookings (id),
                cohort_id  TEXT NULL REFERENCES cohorts (id),
                CHECK ((booking_id IS NULL) <> (cohort_id IS NULL))
            ) STRICT, WITHOUT ROWID;
            INSERT INTO claims (claim, booking_id) SELECT claim, booking_id FROM booking_claims;
            DROP TABLE booking_claims;
            CREATE INDEX claims_by_booking ON claims (booking_id) WHERE booking_id IS NOT NULL;
            CREATE INDEX claims_by_cohort ON claims (cohort_id) WHERE cohort_id IS NOT NULL;

            -- Sessions of existing cohorts take their claims; a cell a booking already held (possible before this
            -- version) stays the booking's.
            WITH RECURSIVE cells (coach_id, cohort_id, cell, last) AS (
                SELECT t.coach_id, t.cohort_id, t.start_time / 300000, t.end_time / 300000
                FROM cohort_teaching t JOIN cohorts c ON c.id = t.cohort_id WHERE c.state <> 4
                UNION ALL
                SELECT coach_id, cohort_id, cell + 1, last FROM cells WHERE cell + 1 < last)
            INSERT OR IGNORE INTO claims (claim, cohort_id) SELECT coach_id || '|' || cell, cohort_id FROM cells;
            """),
        (9, """
            -- Counts every change of the catalog (coaches, offerings, weekly schedules), whichever process makes it: a
            -- process caches what it read of the catalog with the count it read first, and reads again once it moved.
            CREATE TABLE catalog_version (
                id      INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
                version INTEGER NOT NULL
            ) STRICT;
            INSERT INTO catalog_version (id, version) VALUES (1, 0);
            CREATE TRIGGER coaches_insert_catalog AFTER INSERT ON coaches BEGIN UPDATE catalog_version SET version = version + 1 WHERE id = 1; END;
            CREATE TRIGGER coaches_update_catalog AFTER UPDATE ON coaches BEGIN UPDATE catalog_version SET version = version + 1 WHERE id = 1; END;
            CREATE TRIGGER coaches_delete_catalog AFTER DELETE ON coaches BEGIN UPDATE catalog_version SET version = version + 1 WHERE id = 1; END;
            CREATE TRIGGER offerings_insert_catalog AFTER INSERT ON offerings BEGIN UPDATE catalog_version SET version = version + 1 WHERE id = 1; END;
            CREATE TRIGGER offerings_update_catalog AFTER UPDATE ON offerings BEGIN UPDATE catalog_version SET version = version + 1 WHERE id = 1; END;
            CREATE TRIGGER offerings_delete_catalog AFTER DELETE ON offerings BEGIN UPDATE catalog_version SET version = version + 1 WHERE id = 1; END;
            CREATE TRIGGER weekly_schedules_insert_catalog AFTER INSERT ON weekly_schedules BEGIN UPDATE catalog_version SET version = version + 1 WHERE id = 1; END;
            CREATE TRIGGER weekly_schedules_update_catalog AFTER UPDATE ON weekly_schedules BEGIN UPDATE catalog_version SET version = version + 1 WHERE id = 1; END;
            CREATE TRIGGER weekly_schedules_delete_catalog AFTER DELETE ON weekly_schedules BEGIN UPDATE catalog_version SET version = version + 1 WHERE id = 1; END;
            """),
        (10, """
            -- The outbox: every change that leaves the service records an entry here in the transaction of the change. The
            -- position orders the log (AUTOINCREMENT: assigned under the write lock, so in commit order, and never reused); the
            -- event stream reads it, and fan-out turns each entry into deliveries up to the cursor in outbox_cursor.
            CREATE TABLE outbox (
                position    INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
                id          TEXT    NOT NULL UNIQUE,
                type        TEXT    NOT NULL,
                resource    TEXT    NOT NULL,
                audience    TEXT    NOT NULL, -- JSON array of users/{id}, coaches/{id} or *
                payload     BLOB    NOT NULL,
                mail        TEXT    NULL,     -- JSON of the invite to e-mail
                create_time INTEGER NOT NULL
            ) STRICT;
            CREATE INDEX outbox_by_time ON outbox (create_time);

            CREATE TABLE outbox_cursor (
                id         INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
                fanned_out INTEGER NOT NULL
            ) STRICT;
            INSERT INTO outbox_cursor (id, fanned_out) VALUES (1, 0);

            -- One message for one recipient. A pending delivery is leased to one process at a time (lease_owner until
            -- lease_until); deliveries of one stream (resource, channel, recipient) are made in position order.
            CREATE TABLE deliveries (
                id           TEXT    NOT NULL PRIMARY KEY,
                position     INTEGER NOT NULL,
                entry_id     TEXT    NOT NULL,
                type         TEXT    NOT NULL,
                resource     TEXT    NOT NULL,
                channel      INTEGER NOT NULL CHECK (channel IN (1, 2)),
                recipient    TEXT    NOT NULL,
                role         TEXT    NOT NULL,
                stream       TEXT    NOT NULL,
                state        INTEGER NOT NULL CHECK (state BETWEEN 1 AND 4),
                attempts     INTEGER NOT NULL,
                last_error   TEXT    NOT NULL,
                create_time  INTEGER NOT NULL,
                next_attempt INTEGER NOT NULL,
                lease_owner  TEXT    NULL,
                lease_until  INTEGER NULL
            ) STRICT;
            CREATE INDEX deliveries_due ON deliveries (next_attempt) WHERE state = 1;
            CREATE INDEX deliveries_dead ON deliveries (position) WHERE state = 3;
            CREATE INDEX deliveries_pending_by_stream ON deliveries (stream, position) WHERE state = 1;
            CREATE INDEX deliveries_by_position ON deliveries (position, id);
            CREATE INDEX deliveries_by_resource ON deliveries (resource, position, id);
            CREATE INDEX deliveries_by_entry ON deliveries (entry_id);

            CREATE TABLE webhooks (
                id                  TEXT    NOT NULL PRIMARY KEY,
                url                 TEXT    NOT NULL,
                event_types         TEXT    NOT NULL, -- JSON array
                active              INTEGER NOT NULL CHECK (active IN (0, 1)),
                secret              TEXT    NOT NULL,
                create_time         INTEGER NOT NULL,
                request_scope       TEXT    NULL,
                request_id          TEXT    NULL,
                request_fingerprint TEXT    NULL,
                UNIQUE (request_scope, request_id)
            ) STRICT;
            """),
        (11, """
            -- What an event says besides its cohort (an event is a one-session cohort of the course 'events'); the id is the
            -- cohort's. start_time copies the session's start for discovery; event_topics indexes the topics by start.
            CREATE TABLE event_profiles (
                id             TEXT    NOT NULL PRIMARY KEY,
                kind           INTEGER NOT NULL CHECK (kind IN (1, 2)),
                title          TEXT    NOT NULL,
                description    TEXT    NOT NULL,
                topics         TEXT    NOT NULL, -- JSON array
                join_link      TEXT    NOT NULL,
                visibility     INTEGER NOT NULL CHECK (visibility IN (1, 2)),
                unlimited      INTEGER NOT NULL CHECK (unlimited IN (0, 1)),
                recording_link TEXT    NOT NULL,
                held_time      INTEGER NULL,
                start_time     INTEGER NOT NULL,
                create_time    INTEGER NOT NULL,
                update_time    INTEGER NOT NULL,
                version        INTEGER NOT NULL CHECK (version >= 1)
            ) STRICT;
            CREATE INDEX event_profiles_by_start ON event_profiles (start_time, id);
            CREATE INDEX event_profiles_recorded ON event_profiles (start_time, id) WHERE held_time IS NOT NULL AND recording_link <> '';
            CREATE TABLE event_topics (
                topic      TEXT    NOT NULL,
                start_time INTEGER NOT NULL,
                event_id   TEXT    NOT NULL REFERENCES event_profiles (id),
                PRIMARY KEY (topic, start_time, event_id)
            ) STRICT, WITHOUT ROWID;
            CREATE INDEX event_topics_by_event ON event_topics (event_id);
            """),
        (12, """
            -- Questions for an event's hosts, and one vote per voter and question (the primary key); votes counts them, moved in
            -- the transaction of each vote.
            CREATE TABLE event_questions (
                id                  TEXT    NOT NULL PRIMARY KEY,
                event_id            TEXT    NOT NULL REFERENCES event_profiles (id),
                author_id           TEXT    NOT NULL,
                text                TEXT    NOT NULL,
                anonymous           INTEGER NOT NULL CHECK (anonymous IN (0, 1)),
                state               INTEGER NOT NULL CHECK (state BETWEEN 1 AND 4),
                merged_into         TEXT    NOT NULL,
                votes               INTEGER NOT NULL CHECK (votes >= 0),
                create_time         INTEGER NOT NULL,
                update_time         INTEGER NOT NULL,
                version             INTEGER NOT NULL CHECK (version >= 1),
                request_scope       TEXT    NOT NULL,
                request_id          TEXT    NOT NULL,
                request_fingerprint TEXT    NOT NULL,
                UNIQUE (request_scope, request_id)
            ) STRICT;
            CREATE INDEX event_questions_by_votes ON event_questions (event_id, votes DESC, create_time, id);
            CREATE TABLE question_votes (
                question_id TEXT NOT NULL REFERENCES event_questions (id),
                voter       TEXT NOT NULL,
                PRIMARY KEY (question_id, voter)
            ) STRICT, WITHOUT ROWID;
            """),
        (13, """
            -- Coaches' own calendars (the URL only sealed) and the busy time kept from each, replaced whole by each sync in the
            -- transaction that records it, while the syncing process holds the lease.
            CREATE TABLE calendar_connections (
                id                  TEXT    NOT NULL PRIMARY KEY,
                coach_id            TEXT    NOT NULL,
                source              INTEGER NOT NULL CHECK (source IN (1, 2)),
                sealed_url          BLOB    NOT NULL,
                sealed_credentials  BLOB    NULL,
                url_hint            TEXT    NOT NULL,
                health              INTEGER NOT NULL CHECK (health BETWEEN 1 AND 4),
                last_attempt_time   INTEGER NULL,
                last_success_time   INTEGER NULL,
                event_count         INTEGER NOT NULL,
                busy_count          INTEGER NOT NULL,
                last_error          TEXT    NOT NULL,
                validator           TEXT    NOT NULL,
                next_sync_time      INTEGER NOT NULL,
                lease_owner         TEXT    NULL,
                lease_until         INTEGER NULL,
                create_time         INTEGER NOT NULL,
                request_scope       TEXT    NULL,
                request_id          TEXT    NULL,
                request_fingerprint TEXT    NULL,
                UNIQUE (request_scope, request_id)
            ) STRICT;
            CREATE INDEX calendar_connections_by_coach ON calendar_connections (coach_id, id);
            CREATE INDEX calendar_connections_due ON calendar_connections (next_sync_time);
            CREATE TABLE external_busy (
                connection_id TEXT    NOT NULL REFERENCES calendar_connections (id),
                coach_id      TEXT    NOT NULL,
                start_time    INTEGER NOT NULL,
                end_time      INTEGER NOT NULL,
                PRIMARY KEY (connection_id, start_time)
            ) STRICT, WITHOUT ROWID;
            CREATE INDEX external_busy_by_coach ON external_busy (coach_id, end_time, start_time);
            """),
        (14, """
            -- Busy stretches are stored in pieces of at most a day, so a range read is a bounded range of this index.
            DROP INDEX external_busy_by_coach;
            CREATE INDEX external_busy_by_coach_start ON external_busy (coach_id, start_time, end_time);
            """),
        (15, """
            -- An event's profile (JSON) in its cohort's row: one conditional UPDATE changes both. NULL for other cohorts, and for
            -- events made earlier until they next change (event_profiles holds theirs, and keeps a copy of every profile for discovery).
            ALTER TABLE cohorts ADD COLUMN event TEXT NULL;
            """),
        (16, """
            -- Busy time is read through bookings_by_coach (a start range bounded by the longest session and buffers), so a
            -- booking's write no longer keeps a second index of the coach's bookings: one B-tree page fewer per booking in the WAL.
            DROP INDEX IF EXISTS bookings_active_by_coach;
            """),
    ];
}
