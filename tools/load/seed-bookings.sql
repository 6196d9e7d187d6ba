-- Grows an embedded database to a million bookings for the "flat as data grows" figures of the README's Load section.
-- Run with the server stopped, after one `coaching load` run has made coaches and bookings to copy:
--   sqlite3 "$DATA_DIR/coaching.db" < tools/load/seed-bookings.sql
-- Every coach that has bookings gets copies of its earliest booking, one every 15 minutes going back in time (a booking
-- history of years), until the database holds a million bookings; each copy has its own id, request id, time claims and
-- invite, exactly like a booking made through the API.
PRAGMA foreign_keys = ON;
BEGIN;
CREATE TEMP TABLE template AS
  SELECT b.*, row_number() OVER (ORDER BY b.coach_id) - 1 AS slot,
         (SELECT count(DISTINCT coach_id) FROM bookings) AS coaches,
         (SELECT 1000000 - count(*) FROM bookings) AS wanted
  FROM bookings b
  WHERE b.id = (SELECT id FROM bookings e WHERE e.coach_id = b.coach_id ORDER BY start_time, id LIMIT 1);
CREATE TEMP TABLE copies AS
  WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < (SELECT max(wanted / coaches + 1) FROM template))
  SELECT t.id AS template_id, 'seed' || t.slot || '-' || n.i AS id, t.coach_id, n.i * 900000 AS shift
  FROM template t JOIN n
  WHERE (n.i - 1) * t.coaches + t.slot < t.wanted;
INSERT INTO bookings (id, coach_id, offering_id, client_id, start_time, end_time, block_start, block_end, buffer_before_s, buffer_after_s,
                      coach_time_zone, agenda, state, history, create_time, update_time, version, request_scope, request_id, request_fingerprint,
                      title, coach_name, coach_email, client_name, client_email, invite_sequence)
  SELECT c.id, t.coach_id, t.offering_id, 'seed-client-' || (abs(random()) % 5000), t.start_time - c.shift, t.end_time - c.shift,
         t.block_start - c.shift, t.block_end - c.shift, t.buffer_before_s, t.buffer_after_s, t.coach_time_zone, t.agenda, t.state, t.history,
         t.create_time - c.shift, t.update_time - c.shift, t.version, t.request_scope, c.id, t.request_fingerprint,
         t.title, t.coach_name, t.coach_email, t.client_name, t.client_email, t.invite_sequence
  FROM copies c JOIN template t ON t.id = c.template_id;
WITH RECURSIVE cell(id, coach_id, at, last) AS (
    SELECT c.id, t.coach_id, (t.block_start - c.shift) / 300000, (t.block_end - c.shift) / 300000
    FROM copies c JOIN template t ON t.id = c.template_id
    UNION ALL SELECT id, coach_id, at + 1, last FROM cell WHERE at + 1 < last)
INSERT INTO claims (claim, booking_id) SELECT coach_id || '|' || at, id FROM cell;
INSERT INTO invites (booking_id, ordinal, method, sequence, uid, content, create_time)
  SELECT c.id, i.ordinal, i.method, i.sequence, i.uid, i.content, i.create_time - c.shift
  FROM copies c JOIN invites i ON i.booking_id = c.template_id;
COMMIT;
SELECT count(*) || ' bookings' FROM bookings;
