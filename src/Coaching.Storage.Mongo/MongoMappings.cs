using System.Linq.Expressions;
using Coaching.Storage.Mongo.Availability;
using Coaching.Storage.Mongo.Bookings;
using Coaching.Storage.Mongo.Calendar;
using Coaching.Storage.Mongo.Courses;
using Coaching.Storage.Mongo.Coaches;
using Coaching.Storage.Mongo.Outbox;
using MongoDB.Bson.Serialization;
using MongoDB.Bson.Serialization.Serializers;

namespace Coaching.Storage.Mongo;

/// <summary>
/// Explicit class maps for every stored document: element names are fixed here (snake_case), not derived
/// from C# property names, so renaming a property can never silently change the stored schema.
/// </summary>
public static class MongoMappings
{
    private static readonly Lock Gate = new();
    private static bool _registered;

    /// <summary>Registers the class maps; safe to call many times.</summary>
    public static void Register()
    {
        lock (Gate)
        {
            if (_registered)
            {
                return;
            }

            BsonClassMap.RegisterClassMap<CoachDocument>(map =>
            {
                map.MapIdMember(d => d.Id);
                map.MapMember(d => d.DisplayName).SetElementName("display_name");
                map.MapMember(d => d.Bio).SetElementName("bio");
                map.MapMember(d => d.Email).SetElementName("email");
                map.MapMember(d => d.Specialties).SetElementName("specialties");
                map.MapMember(d => d.TimeZone).SetElementName("time_zone");
                map.MapMember(d => d.Active).SetElementName("active");
                MapTimes(map, d => d.CreateTime, d => d.UpdateTime);
                map.MapMember(d => d.DeleteTime).SetElementName("delete_time").SetIgnoreIfNull(true)
                    .SetSerializer(new NullableSerializer<DateTime>(UtcDate));
                map.MapMember(d => d.Version).SetElementName("version");
                MapRequestKey(map, d => d.RequestScope, d => d.RequestId, d => d.RequestFingerprint);
            });

            BsonClassMap.RegisterClassMap<OfferingDocument>(map =>
            {
                map.MapIdMember(d => d.Id);
                map.MapMember(d => d.CoachId).SetElementName("coach_id");
                map.MapMember(d => d.Title).SetElementName("title");
                map.MapMember(d => d.Description).SetElementName("description");
                map.MapMember(d => d.DurationSeconds).SetElementName("duration_s");
                map.MapMember(d => d.BufferBeforeSeconds).SetElementName("buffer_before_s");
                map.MapMember(d => d.BufferAfterSeconds).SetElementName("buffer_after_s");
                map.MapMember(d => d.MinimumNoticeSeconds).SetElementName("minimum_notice_s");
                map.MapMember(d => d.BookingHorizonSeconds).SetElementName("booking_horizon_s");
                map.MapMember(d => d.DailyCap).SetElementName("daily_cap");
                map.MapMember(d => d.WeeklyCap).SetElementName("weekly_cap");
                map.MapMember(d => d.RequiresConfirmation).SetElementName("requires_confirmation");
                map.MapMember(d => d.CancellationCutoffSeconds).SetElementName("cancellation_cutoff_s");
                MapTimes(map, d => d.CreateTime, d => d.UpdateTime);
                map.MapMember(d => d.DeleteTime).SetElementName("delete_time").SetIgnoreIfNull(true)
                    .SetSerializer(new NullableSerializer<DateTime>(UtcDate));
                map.MapMember(d => d.Version).SetElementName("version");
                MapRequestKey(map, d => d.RequestScope, d => d.RequestId, d => d.RequestFingerprint);
            });

            BsonClassMap.RegisterClassMap<WindowDocument>(map =>
            {
                map.MapMember(d => d.Day).SetElementName("day").SetIgnoreIfDefault(true);
                map.MapMember(d => d.Start).SetElementName("start");
                map.MapMember(d => d.End).SetElementName("end");
            });

            BsonClassMap.RegisterClassMap<ScheduleDocument>(map =>
            {
                map.MapIdMember(d => d.CoachId);
                map.MapMember(d => d.Outbox).SetElementName("outbox").SetIgnoreIfNull(true);
                map.MapMember(d => d.OutboxPending).SetElementName("outbox_pending").SetIgnoreIfNull(true);
                map.MapMember(d => d.Windows).SetElementName("windows");
                map.MapMember(d => d.UpdateTime).SetElementName("update_time").SetSerializer(UtcDate);
                map.MapMember(d => d.Version).SetElementName("version");
            });

            BsonClassMap.RegisterClassMap<OverrideDocument>(map =>
            {
                map.MapIdMember(d => d.Id);
                map.MapMember(d => d.Outbox).SetElementName("outbox").SetIgnoreIfNull(true);
                map.MapMember(d => d.OutboxPending).SetElementName("outbox_pending").SetIgnoreIfNull(true);
                map.MapMember(d => d.Deleted).SetElementName(OverrideDocument.DeletedElement).SetIgnoreIfNull(true);
                map.MapMember(d => d.CoachId).SetElementName("coach_id");
                map.MapMember(d => d.StartDate).SetElementName("start_date");
                map.MapMember(d => d.EndDate).SetElementName("end_date");
                map.MapMember(d => d.Kind).SetElementName("kind");
                map.MapMember(d => d.Windows).SetElementName("windows");
                map.MapMember(d => d.Reason).SetElementName("reason");
                map.MapMember(d => d.CreateTime).SetElementName("create_time").SetSerializer(UtcDate);
                MapRequestKey(map, d => d.RequestScope, d => d.RequestId, d => d.RequestFingerprint);
            });

            BsonClassMap.RegisterClassMap<BookingEventDocument>(map =>
            {
                map.MapMember(d => d.State).SetElementName("state");
                map.MapMember(d => d.Actor).SetElementName("actor");
                map.MapMember(d => d.Time).SetElementName("time").SetSerializer(UtcDate);
                map.MapMember(d => d.Reason).SetElementName("reason");
                map.MapMember(d => d.PreviousStart).SetElementName("previous_start").SetIgnoreIfNull(true)
                    .SetSerializer(new NullableSerializer<DateTime>(UtcDate));
                map.MapMember(d => d.RequestId).SetElementName("request_id").SetIgnoreIfNull(true);
            });

            BsonClassMap.RegisterClassMap<InviteDocument>(map =>
            {
                map.MapMember(d => d.Ordinal).SetElementName("ordinal");
                map.MapMember(d => d.Method).SetElementName("method");
                map.MapMember(d => d.Sequence).SetElementName("sequence");
                map.MapMember(d => d.Uid).SetElementName("uid");
                map.MapMember(d => d.Content).SetElementName("content");
                map.MapMember(d => d.CreateTime).SetElementName("create_time").SetSerializer(UtcDate);
            });

            BsonClassMap.RegisterClassMap<BookingDocument>(map =>
            {
                map.MapIdMember(d => d.Id);
                map.MapMember(d => d.CoachId).SetElementName("coach_id");
                map.MapMember(d => d.OfferingId).SetElementName("offering_id");
                map.MapMember(d => d.ClientId).SetElementName("client_id");
                map.MapMember(d => d.StartTime).SetElementName("start_time").SetSerializer(UtcDate);
                map.MapMember(d => d.EndTime).SetElementName("end_time").SetSerializer(UtcDate);
                map.MapMember(d => d.BlockStart).SetElementName("block_start").SetSerializer(UtcDate);
                map.MapMember(d => d.BlockEnd).SetElementName("block_end").SetSerializer(UtcDate);
                map.MapMember(d => d.BufferBeforeSeconds).SetElementName("buffer_before_s");
                map.MapMember(d => d.BufferAfterSeconds).SetElementName("buffer_after_s");
                map.MapMember(d => d.CoachTimeZone).SetElementName("coach_time_zone");
                map.MapMember(d => d.Agenda).SetElementName("agenda");
                map.MapMember(d => d.Title).SetElementName("title");
                map.MapMember(d => d.CoachName).SetElementName("coach_name");
                map.MapMember(d => d.CoachEmail).SetElementName("coach_email");
                map.MapMember(d => d.ClientName).SetElementName("client_name");
                map.MapMember(d => d.ClientEmail).SetElementName("client_email");
                map.MapMember(d => d.InviteSequence).SetElementName("invite_sequence");
                map.MapMember(d => d.Invites).SetElementName("invites");
                map.MapMember(d => d.State).SetElementName("state");
                map.MapMember(d => d.History).SetElementName("history");
                map.MapMember(d => d.HistoryArchived).SetElementName("history_archived");
                map.MapMember(d => d.InvitesArchived).SetElementName("invites_archived");
                map.MapMember(d => d.Claims).SetElementName("claims").SetIgnoreIfNull(true);
                map.MapMember(d => d.Outbox).SetElementName("outbox").SetIgnoreIfNull(true);
                map.MapMember(d => d.OutboxPending).SetElementName("outbox_pending").SetIgnoreIfNull(true);
                MapTimes(map, d => d.CreateTime, d => d.UpdateTime);
                map.MapMember(d => d.Version).SetElementName("version");
                MapRequestKey(map, d => d.RequestScope, d => d.RequestId, d => d.RequestFingerprint);
            });

            BsonClassMap.RegisterClassMap<FeedDocument>(map =>
            {
                map.MapIdMember(d => d.Owner);
                map.MapMember(d => d.Generation).SetElementName("generation");
                map.MapMember(d => d.TokenHash).SetElementName("token_hash");
                map.MapMember(d => d.RotateTime).SetElementName("rotate_time").SetSerializer(UtcDate);
            });

            BsonClassMap.RegisterClassMap<Events.EventDocument>(map =>
            {
                map.MapIdMember(d => d.Id);
                map.MapMember(d => d.Kind).SetElementName("kind");
                map.MapMember(d => d.Title).SetElementName("title");
                map.MapMember(d => d.Description).SetElementName("description");
                map.MapMember(d => d.Topics).SetElementName("topics");
                map.MapMember(d => d.JoinLink).SetElementName("join_link");
                map.MapMember(d => d.Visibility).SetElementName("visibility");
                map.MapMember(d => d.Unlimited).SetElementName("unlimited");
                map.MapMember(d => d.RecordingLink).SetElementName("recording_link");
                map.MapMember(d => d.HeldTime).SetElementName("held_time").SetIgnoreIfNull(true).SetSerializer(new NullableSerializer<DateTime>(UtcDate));
                map.MapMember(d => d.Recorded).SetElementName("recorded");
                map.MapMember(d => d.StartTime).SetElementName("start_time").SetSerializer(UtcDate);
                MapTimes(map, d => d.CreateTime, d => d.UpdateTime);
                map.MapMember(d => d.Version).SetElementName("version");
            });

            BsonClassMap.RegisterClassMap<Events.QuestionDocument>(map =>
            {
                map.MapIdMember(d => d.Id);
                map.MapMember(d => d.EventId).SetElementName("event_id");
                map.MapMember(d => d.AuthorId).SetElementName("author_id");
                map.MapMember(d => d.Text).SetElementName("text");
                map.MapMember(d => d.Anonymous).SetElementName("anonymous");
                map.MapMember(d => d.State).SetElementName("state");
                map.MapMember(d => d.MergedInto).SetElementName("merged_into");
                map.MapMember(d => d.Votes).SetElementName("votes");
                map.MapMember(d => d.Voters).SetElementName("voters");
                MapTimes(map, d => d.CreateTime, d => d.UpdateTime);
                map.MapMember(d => d.Version).SetElementName("version");
                map.MapMember(d => d.RequestScope).SetElementName("request_scope");
                map.MapMember(d => d.RequestId).SetElementName("request_id");
                map.MapMember(d => d.RequestFingerprint).SetElementName("request_fingerprint");
                map.MapMember(d => d.Deleted).SetElementName(OverrideDocument.DeletedElement).SetIgnoreIfNull(true);
                map.MapMember(d => d.Outbox).SetElementName("outbox").SetIgnoreIfNull(true);
                map.MapMember(d => d.OutboxPending).SetElementName("outbox_pending").SetIgnoreIfNull(true);
            });

            BsonClassMap.RegisterClassMap<Calendars.CalendarConnectionDocument>(map =>
            {
                map.MapIdMember(d => d.Id);
                map.MapMember(d => d.CoachId).SetElementName("coach_id");
                map.MapMember(d => d.Source).SetElementName("source");
                map.MapMember(d => d.SealedUrl).SetElementName("sealed_url");
                map.MapMember(d => d.SealedCredentials).SetElementName("sealed_credentials").SetIgnoreIfNull(true);
                map.MapMember(d => d.UrlHint).SetElementName("url_hint");
                map.MapMember(d => d.Health).SetElementName("health");
                map.MapMember(d => d.LastAttemptTime).SetElementName("last_attempt_time").SetSerializer(new NullableSerializer<DateTime>(UtcDate));
                map.MapMember(d => d.LastSuccessTime).SetElementName("last_success_time").SetSerializer(new NullableSerializer<DateTime>(UtcDate));
                map.MapMember(d => d.EventCount).SetElementName("event_count");
                map.MapMember(d => d.BusyCount).SetElementName("busy_count");
                map.MapMember(d => d.LastError).SetElementName("last_error");
                map.MapMember(d => d.Validator).SetElementName("validator");
                map.MapMember(d => d.NextSyncTime).SetElementName("next_sync_time").SetSerializer(UtcDate);
                map.MapMember(d => d.LeaseOwner).SetElementName("lease_owner");
                map.MapMember(d => d.LeaseUntil).SetElementName("lease_until").SetSerializer(new NullableSerializer<DateTime>(UtcDate));
                map.MapMember(d => d.CreateTime).SetElementName("create_time").SetSerializer(UtcDate);
                map.MapMember(d => d.BusyGeneration).SetElementName("busy_generation");
                MapRequestKey(map, d => d.RequestScope, d => d.RequestId, d => d.RequestFingerprint);
            });

            BsonClassMap.RegisterClassMap<Calendars.BusyBucketDocument>(map =>
            {
                map.MapIdMember(d => d.Id);
                map.MapMember(d => d.ConnectionId).SetElementName("connection_id");
                map.MapMember(d => d.CoachId).SetElementName("coach_id");
                map.MapMember(d => d.Generation).SetElementName("generation");
                map.MapMember(d => d.Month).SetElementName("month").SetSerializer(UtcDate);
                map.MapMember(d => d.Intervals).SetElementName("intervals");
            });

            BsonClassMap.RegisterClassMap<CourseDocument>(map =>
            {
                map.MapIdMember(d => d.Id);
                map.MapMember(d => d.Title).SetElementName("title");
                map.MapMember(d => d.Description).SetElementName("description");
                map.MapMember(d => d.Outcomes).SetElementName("outcomes");
                map.MapMember(d => d.SessionCount).SetElementName("session_count");
                MapTimes(map, d => d.CreateTime, d => d.UpdateTime);
                map.MapMember(d => d.Version).SetElementName("version");
                MapRequestKey(map, d => d.RequestScope, d => d.RequestId, d => d.RequestFingerprint);
            });

            BsonClassMap.RegisterClassMap<SessionDocument>(map =>
            {
                map.MapMember(d => d.Start).SetElementName("start").SetSerializer(UtcDate);
                map.MapMember(d => d.End).SetElementName("end").SetSerializer(UtcDate);
                map.MapMember(d => d.Title).SetElementName("title");
            });

            BsonClassMap.RegisterClassMap<EntryDocument>(map =>
            {
                map.MapMember(d => d.Id).SetElementName("id");
                map.MapMember(d => d.Client).SetElementName("client");
                map.MapMember(d => d.ClientName).SetElementName("client_name");
                map.MapMember(d => d.ClientEmail).SetElementName("client_email");
                map.MapMember(d => d.Arrival).SetElementName("arrival");
                MapTimes(map, d => d.CreateTime, d => d.UpdateTime);
                map.MapMember(d => d.Version).SetElementName("version");
                map.MapMember(d => d.RequestScope).SetElementName("request_scope").SetIgnoreIfNull(true);
                map.MapMember(d => d.RequestId).SetElementName("request_id").SetIgnoreIfNull(true);
            });

            BsonClassMap.RegisterClassMap<CohortDocument>(map =>
            {
                map.MapIdMember(d => d.Id);
                map.MapMember(d => d.Kind).SetElementName(CohortDocument.KindElement);
                map.MapMember(d => d.Claims).SetElementName("claims").SetIgnoreIfNull(true);
                map.MapMember(d => d.Outbox).SetElementName("outbox").SetIgnoreIfNull(true);
                map.MapMember(d => d.OutboxPending).SetElementName("outbox_pending").SetIgnoreIfNull(true);
                map.MapMember(d => d.CourseId).SetElementName("course_id");
                map.MapMember(d => d.DisplayName).SetElementName("display_name");
                map.MapMember(d => d.TimeZone).SetElementName("time_zone");
                map.MapMember(d => d.Sessions).SetElementName("sessions");
                map.MapMember(d => d.CoachIds).SetElementName("coach_ids");
                map.MapMember(d => d.Capacity).SetElementName("capacity");
                map.MapMember(d => d.OpenTime).SetElementName("open_time").SetSerializer(UtcDate);
                map.MapMember(d => d.CloseTime).SetElementName("close_time").SetSerializer(UtcDate);
                map.MapMember(d => d.State).SetElementName("state");
                map.MapMember(d => d.NextArrival).SetElementName("next_arrival");
                map.MapMember(d => d.Enrolled).SetElementName("enrolled");
                map.MapMember(d => d.Waitlist).SetElementName("waitlist");
                map.MapMember(d => d.Withdrawn).SetElementName("withdrawn");
                map.MapMember(d => d.LastEntryTime).SetElementName("last_entry_time").SetIgnoreIfNull(true)
                    .SetSerializer(new NullableSerializer<DateTime>(UtcDate));
                MapTimes(map, d => d.CreateTime, d => d.UpdateTime);
                map.MapMember(d => d.Version).SetElementName("version");
                map.MapMember(d => d.Event).SetElementName("event").SetIgnoreIfNull(true);
                // Bookings in the same collection own the plain request_* names and their unique index.
                MapRequestKey(map, d => d.RequestScope, d => d.RequestId, d => d.RequestFingerprint, CohortDocument.RequestPrefix);
            });

            BsonClassMap.RegisterClassMap<BookingRecordDocument>(map =>
            {
                map.MapIdMember(d => d.Id);
                map.MapMember(d => d.BookingId).SetElementName("booking_id");
                map.MapMember(d => d.Kind).SetElementName("kind");
                map.MapMember(d => d.Seq).SetElementName("seq");
                map.MapMember(d => d.Event).SetElementName("event").SetIgnoreIfNull(true);
                map.MapMember(d => d.Invite).SetElementName("invite").SetIgnoreIfNull(true);
            });

            BsonClassMap.RegisterClassMap<EnrolmentRecordDocument>(map =>
            {
                map.MapIdMember(d => d.Id);
                map.MapMember(d => d.CourseId).SetElementName("course_id");
                map.MapMember(d => d.CohortId).SetElementName("cohort_id");
                map.MapMember(d => d.Entry).SetElementName("entry");
            });

            BsonClassMap.RegisterClassMap<EnrolmentRequestDocument>(map =>
            {
                map.MapIdMember(d => d.Id);
                map.MapMember(d => d.Fingerprint).SetElementName("fingerprint");
                map.MapMember(d => d.CourseId).SetElementName("course_id");
                map.MapMember(d => d.CohortId).SetElementName("cohort_id");
                map.MapMember(d => d.EnrolmentId).SetElementName("enrolment_id");
                map.MapMember(d => d.CreateTime).SetElementName("create_time").SetSerializer(UtcDate);
            });

            BsonClassMap.RegisterClassMap<EnrolmentInviteDocument>(map =>
            {
                map.MapIdMember(d => d.Id);
                map.MapMember(d => d.EnrolmentId).SetElementName("enrolment_id");
                map.MapMember(d => d.CohortId).SetElementName("cohort_id");
                map.MapMember(d => d.Ordinal).SetElementName("ordinal");
                map.MapMember(d => d.Method).SetElementName("method");
                map.MapMember(d => d.Sequence).SetElementName("sequence");
                map.MapMember(d => d.Uid).SetElementName("uid");
                map.MapMember(d => d.Content).SetElementName("content");
                map.MapMember(d => d.CreateTime).SetElementName("create_time").SetSerializer(UtcDate);
                map.MapMember(d => d.SessionsDigest).SetElementName("sessions_digest");
                map.MapMember(d => d.Outbox).SetElementName("outbox").SetIgnoreIfNull(true);
                map.MapMember(d => d.OutboxPending).SetElementName("outbox_pending").SetIgnoreIfNull(true);
            });

            RegisterOutbox();
            _registered = true;
        }
    }

    private static void RegisterOutbox()
    {
        BsonClassMap.RegisterClassMap<OutboxEntryDocument>(map =>
        {
            map.MapMember(d => d.Id).SetElementName("id");
            map.MapMember(d => d.Type).SetElementName("type");
            map.MapMember(d => d.Resource).SetElementName("resource");
            map.MapMember(d => d.Audience).SetElementName("audience");
            map.MapMember(d => d.Payload).SetElementName("payload");
            map.MapMember(d => d.Mail).SetElementName("mail").SetIgnoreIfNull(true);
            map.MapMember(d => d.CreateTime).SetElementName("create_time").SetSerializer(UtcDate);
        });

        BsonClassMap.RegisterClassMap<MailDocument>(map =>
        {
            map.MapMember(d => d.Method).SetElementName("method");
            map.MapMember(d => d.Uid).SetElementName("uid");
            map.MapMember(d => d.Sequence).SetElementName("sequence");
            map.MapMember(d => d.Invite).SetElementName("invite");
            map.MapMember(d => d.AttendeeName).SetElementName("attendee_name");
            map.MapMember(d => d.AttendeeEmail).SetElementName("attendee_email");
            map.MapMember(d => d.OrganizerName).SetElementName("organizer_name");
            map.MapMember(d => d.OrganizerEmail).SetElementName("organizer_email");
            map.MapMember(d => d.Title).SetElementName("title");
            map.MapMember(d => d.Start).SetElementName("start").SetSerializer(UtcDate);
            map.MapMember(d => d.End).SetElementName("end").SetSerializer(UtcDate);
            map.MapMember(d => d.TimeZoneId).SetElementName("time_zone");
        });

        BsonClassMap.RegisterClassMap<LogDocument>(map =>
        {
            map.MapIdMember(d => d.Id);
            map.MapMember(d => d.Position).SetElementName("position");
            map.MapMember(d => d.Entry).SetElementName("entry");
            map.MapMember(d => d.CreateTime).SetElementName("create_time").SetSerializer(UtcDate);
        });

        BsonClassMap.RegisterClassMap<OutboxStateDocument>(map =>
        {
            map.MapIdMember(d => d.Id);
            map.MapMember(d => d.LastPosition).SetElementName("last_position");
            map.MapMember(d => d.RelayOwner).SetElementName("relay_owner");
            map.MapMember(d => d.RelayUntil).SetElementName("relay_until").SetSerializer(UtcDate);
        });

        BsonClassMap.RegisterClassMap<DeliveryDocument>(map =>
        {
            map.MapIdMember(d => d.Id);
            map.MapMember(d => d.Position).SetElementName("position");
            map.MapMember(d => d.EntryId).SetElementName("entry_id");
            map.MapMember(d => d.Type).SetElementName("type");
            map.MapMember(d => d.Resource).SetElementName("resource");
            map.MapMember(d => d.Channel).SetElementName("channel");
            map.MapMember(d => d.Recipient).SetElementName("recipient");
            map.MapMember(d => d.Role).SetElementName("role");
            map.MapMember(d => d.Stream).SetElementName("stream");
            map.MapMember(d => d.State).SetElementName("state");
            map.MapMember(d => d.Attempts).SetElementName("attempts");
            map.MapMember(d => d.LastError).SetElementName("last_error");
            map.MapMember(d => d.CreateTime).SetElementName("create_time").SetSerializer(UtcDate);
            map.MapMember(d => d.NextAttempt).SetElementName("next_attempt").SetSerializer(UtcDate);
            map.MapMember(d => d.LeaseOwner).SetElementName("lease_owner").SetIgnoreIfNull(true);
            map.MapMember(d => d.LeaseUntil).SetElementName("lease_until").SetIgnoreIfNull(true).SetSerializer(new NullableSerializer<DateTime>(UtcDate));
        });

        BsonClassMap.RegisterClassMap<WebhookDocument>(map =>
        {
            map.MapIdMember(d => d.Id);
            map.MapMember(d => d.Url).SetElementName("url");
            map.MapMember(d => d.EventTypes).SetElementName("event_types");
            map.MapMember(d => d.Active).SetElementName("active");
            map.MapMember(d => d.Secret).SetElementName("secret");
            map.MapMember(d => d.CreateTime).SetElementName("create_time").SetSerializer(UtcDate);
            MapRequestKey(map, d => d.RequestScope, d => d.RequestId, d => d.RequestFingerprint);
        });
    }

    private static DateTimeSerializer UtcDate => DateTimeSerializer.UtcInstance;

    // Idempotency keys are absent (not null) on documents created without one, so the partial unique index skips them.
    private static void MapRequestKey<T>(BsonClassMap<T> map, Expression<Func<T, string?>> scope, Expression<Func<T, string?>> id,
        Expression<Func<T, string?>> fingerprint, string prefix = "")
    {
        map.MapMember(scope).SetElementName($"{prefix}request_scope").SetIgnoreIfNull(true);
        map.MapMember(id).SetElementName($"{prefix}request_id").SetIgnoreIfNull(true);
        map.MapMember(fingerprint).SetElementName($"{prefix}request_fingerprint").SetIgnoreIfNull(true);
    }

    private static void MapTimes<T>(BsonClassMap<T> map, Expression<Func<T, DateTime>> create, Expression<Func<T, DateTime>> update)
    {
        map.MapMember(create).SetElementName("create_time").SetSerializer(UtcDate);
        map.MapMember(update).SetElementName("update_time").SetSerializer(UtcDate);
    }
}
