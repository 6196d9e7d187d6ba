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
    ];
}
