using Coaching.Domain.Courses;
using Coaching.Domain.Migration;
using Coaching.Storage.Mongo.Availability;
using Coaching.Storage.Mongo.Bookings;
using Coaching.Storage.Mongo.Calendar;
using Coaching.Storage.Mongo.Coaches;
using Coaching.Storage.Mongo.Courses;
using Coaching.Storage.Mongo.Outbox;
using MongoDB.Bson;
using MongoDB.Driver;

namespace Coaching.Storage.Mongo.Migration;

/// <summary>
/// MongoDB as the target of a copy. Every item becomes the documents the stores themselves would hold for it (built with the
/// same document types), written as upserts by id in one unordered bulk write per collection, so writing a page again changes
/// nothing; then the page's last key goes to <c>migration_progress</c>, where a later run resumes. Claims are copied as the
/// source held them, so the unique claims index accepts exactly the commitments the source's claims table did.
/// </summary>
public sealed class MongoMigrationTarget(MongoStore store) : IMigrationTarget
{
    /// <summary>Where each kind's copy got to: one document per kind, <c>{_id: kind, after: key}</c>.</summary>
    public const string ProgressCollection = "migration_progress";

    private static readonly FilterDefinitionBuilder<BsonDocument> F = Builders<BsonDocument>.Filter;

    private IMongoCollection<BsonDocument> Progress => store.Database.GetCollection<BsonDocument>(ProgressCollection);

    private IMongoCollection<BsonDocument> Collection(string name) => store.Database.GetCollection<BsonDocument>(name);

    /// <inheritdoc />
    public async Task<bool> HoldsForeignDataAsync(CancellationToken cancellationToken)
    {
        if (await Progress.Find(FilterDefinition<BsonDocument>.Empty).AnyAsync(cancellationToken))
        {
            return false;
        }

        foreach (var name in new[] { CoachDocument.Collection, BookingDocument.Collection, CourseDocument.Collection, LogDocument.Collection })
        {
            if (await Collection(name).Find(FilterDefinition<BsonDocument>.Empty).AnyAsync(cancellationToken))
            {
                return true;
            }
        }

        return false;
    }

    /// <inheritdoc />
    public async Task<string?> ResumePointAsync(MigrationKind kind, CancellationToken cancellationToken) =>
        await Progress.Find(F.Eq("_id", kind.ToString())).FirstOrDefaultAsync(cancellationToken) is { } progress ? progress["after"].AsString : null;

    /// <inheritdoc />
    public async Task WriteAsync(MigrationKind kind, IReadOnlyList<IExported> items, CancellationToken cancellationToken)
    {
        foreach (var group in items.SelectMany(Documents).GroupBy(d => d.Collection))
        {
            await Collection(group.Key).BulkWriteAsync(
                group.Select(d => new ReplaceOneModel<BsonDocument>(F.Eq("_id", d.Document["_id"]), d.Document) { IsUpsert = true }),
                new BulkWriteOptions { IsOrdered = false }, cancellationToken);
        }

        if (kind == MigrationKind.Log && items.Count > 0)
        {
            // New entries take positions after the copied ones.
            await store.OutboxState.UpdateOneAsync(s => s.Id == OutboxStateDocument.LogId,
                Builders<OutboxStateDocument>.Update.Max(s => s.LastPosition, items.Cast<ExportedLogEntry>().Max(e => e.Position))
                    .SetOnInsert(s => s.RelayOwner, string.Empty).SetOnInsert(s => s.RelayUntil, DateTime.UnixEpoch),
                new UpdateOptions { IsUpsert = true }, cancellationToken);
        }

        if (items.Count > 0)
        {
            await Progress.UpdateOneAsync(F.Eq("_id", kind.ToString()), Builders<BsonDocument>.Update.Set("after", items[^1].Key),
                new UpdateOptions { IsUpsert = true }, cancellationToken);
        }
    }

    /// <inheritdoc />
    public async Task<long> CountAsync(MigrationKind kind, CancellationToken cancellationToken) => kind switch
    {
        MigrationKind.Settings => await CountAsync(store.Settings, FilterDefinition<BsonDocument>.Empty, cancellationToken),
        MigrationKind.Coaches => await CountAsync(CoachDocument.Collection, cancellationToken),
        MigrationKind.Offerings => await CountAsync(OfferingDocument.Collection, cancellationToken),
        MigrationKind.Schedules => await CountAsync(ScheduleDocument.Collection, cancellationToken),
        MigrationKind.Overrides => await CountAsync(Collection(OverrideDocument.Collection), F.Ne(OverrideDocument.DeletedElement, true), cancellationToken),
        MigrationKind.Courses => await CountAsync(CourseDocument.Collection, cancellationToken),
        MigrationKind.Cohorts => await CountAsync(Collection(CohortDocument.Collection), F.Eq(CohortDocument.KindElement, CohortDocument.CohortKind), cancellationToken),
        MigrationKind.EnrolmentInvites => await CountAsync(EnrolmentInviteDocument.Collection, cancellationToken),
        MigrationKind.Bookings => await CountAsync(Collection(BookingDocument.Collection), F.Exists(CohortDocument.KindElement, false), cancellationToken),
        MigrationKind.Feeds => await CountAsync(FeedDocument.Collection, cancellationToken),
        MigrationKind.Webhooks => await CountAsync(WebhookDocument.Collection, cancellationToken),
        MigrationKind.Log => await CountAsync(LogDocument.Collection, cancellationToken),
        MigrationKind.Deliveries => await CountAsync(DeliveryDocument.Collection, cancellationToken),
        MigrationKind.Events => await CountAsync(Mongo.Events.EventDocument.Collection, cancellationToken),
        MigrationKind.Questions => await CountAsync(Collection(Mongo.Events.QuestionDocument.Collection), F.Ne("deleted", true), cancellationToken),
        MigrationKind.CalendarConnections => await CountAsync(Calendars.CalendarConnectionDocument.Collection, cancellationToken),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "not a kind this store holds"),
    };

    /// <inheritdoc />
    public async Task<ClaimDigest> ClaimsAsync(CancellationToken cancellationToken)
    {
        var claims = Collection(BookingDocument.Collection).Aggregate()
            .Match(F.Exists("claims"))
            .Unwind("claims")
            .Project(new BsonDocument { { "_id", 0 }, { "claims", 1 } });
        var digest = ClaimDigest.Empty;
        using var cursor = await claims.ToCursorAsync(cancellationToken);
        while (await cursor.MoveNextAsync(cancellationToken))
        {
            digest = cursor.Current.Aggregate(digest, (d, document) => d.Add(document["claims"].AsString));
        }

        return digest;
    }

    /// <summary>
    /// The documents that hold <paramref name="item"/> in this store, by collection: what the stores write for it, with its
    /// history, invites and withdrawn enrolments split off into records exactly as the stores' follow-ups would leave them.
    /// </summary>
    public static IEnumerable<(string Collection, BsonDocument Document)> Documents(IExported item)
    {
        MongoMappings.Register();
        return item switch
        {
            ExportedSetting s => [("settings", new BsonDocument { { "_id", s.Name }, { "value", new BsonBinaryData(s.Value) } })],
            ExportedCoach c => [Of(CoachDocument.Collection, WithDeleteTime(CoachDocument.From(c.Coach, c.Request), c.DeleteTime?.ToDateTimeUtc()))],
            ExportedOffering o => [Of(OfferingDocument.Collection, OfferingOf(o))],
            ExportedSchedule s => [Of(ScheduleDocument.Collection, ScheduleDocument.From(s.Schedule))],
            ExportedOverride o => [Of(OverrideDocument.Collection, OverrideDocument.From(o.Override, o.Request))],
            ExportedCourse c => [Of(CourseDocument.Collection, CourseDocument.From(c.Course, c.Request))],
            ExportedCohort c => CohortDocuments(c),
            ExportedEnrolmentInvites e => e.Invites.Select(i => Of(EnrolmentInviteDocument.Collection, new EnrolmentInviteDocument
            {
                Id = $"{e.EnrolmentId}:{i.Invite.Ordinal}", EnrolmentId = e.EnrolmentId, CohortId = e.CohortId, Ordinal = i.Invite.Ordinal,
                Method = (int)i.Invite.Method, Sequence = i.Invite.Sequence, Uid = i.Invite.Uid, Content = i.Invite.Content,
                CreateTime = i.Invite.CreateTime.ToDateTimeUtc(), SessionsDigest = i.SessionsDigest,
            })),
            ExportedBooking b => BookingDocuments(b),
            ExportedFeed f => [Of(FeedDocument.Collection, FeedDocument.From(f.Feed))],
            ExportedWebhook w => [Of(WebhookDocument.Collection, new WebhookDocument
            {
                Id = w.Webhook.Id, Url = w.Webhook.Url, EventTypes = [.. w.Webhook.EventTypes], Active = w.Webhook.Active, Secret = w.Webhook.Secret,
                CreateTime = w.Webhook.CreateTime.ToDateTimeUtc(), RequestScope = w.Request?.Scope, RequestId = w.Request?.RequestId,
                RequestFingerprint = w.Request?.Fingerprint,
            })],
            ExportedLogEntry l => [Of(LogDocument.Collection, new LogDocument
            {
                Id = l.Entry.Id, Position = l.Position, Entry = OutboxEntryDocument.From(l.Entry), CreateTime = l.Entry.Time.ToDateTimeUtc(),
            })],
            ExportedDelivery d => [Of(DeliveryDocument.Collection, DeliveryDocument.From(d.Delivery))],
            ExportedEventProfile e => [Of(Mongo.Events.EventDocument.Collection, Mongo.Events.EventDocument.From(e.Profile))],
            ExportedQuestion q => [Of(Mongo.Events.QuestionDocument.Collection, QuestionOf(q))],
            ExportedCalendarConnection c => [Of(Calendars.CalendarConnectionDocument.Collection, Calendars.CalendarConnectionDocument.From(c.Connection, c.Request)),
                .. Calendars.BusyBucketDocument.Of(c.Connection.Id, c.Connection.CoachId, 0, c.Busy).Select(b => Of(Calendars.BusyBucketDocument.Collection, b))],
            _ => throw new ArgumentOutOfRangeException(nameof(item), item.GetType().Name, "not an item this store holds"),
        };
    }

    // A question as the store keeps it: its voters, its request key, no pending entries (the log holds them).
    private static Mongo.Events.QuestionDocument QuestionOf(ExportedQuestion q)
    {
        var document = Mongo.Events.QuestionDocument.From(q.Question, q.Request);
        document.Voters = [.. q.Voters];
        return document;
    }

    private static (string, BsonDocument) Of<T>(string collection, T document) => (collection, document.ToBsonDocument());

    private static CoachDocument WithDeleteTime(CoachDocument document, DateTime? deleteTime)
    {
        document.DeleteTime = deleteTime;
        return document;
    }

    private static OfferingDocument OfferingOf(ExportedOffering o)
    {
        var document = OfferingDocument.From(o.Offering, o.Request);
        document.DeleteTime = o.DeleteTime?.ToDateTimeUtc();
        return document;
    }

    private static IEnumerable<(string, BsonDocument)> BookingDocuments(ExportedBooking b)
    {
        var document = BookingDocument.From(b.Booking, b.Claims.Count > 0 ? b.Claims : null, b.Request);
        document.Invites = [.. b.Invites.Select(InviteDocument.From)];
        var (records, kept) = BookingArchive.Split(document);
        document.History = kept.History;
        document.Invites = kept.Invites;
        document.HistoryArchived = kept.HistoryArchived;
        document.InvitesArchived = kept.InvitesArchived;
        return [Of(BookingDocument.Collection, document), .. records.Select(r => Of(BookingRecordDocument.Collection, r))];
    }

    private static IEnumerable<(string, BsonDocument)> CohortDocuments(ExportedCohort c)
    {
        var document = CohortDocument.From(c.Cohort, c.Request);
        document.Claims = c.Claims.Count > 0 ? [.. c.Claims] : null;
        document.NextArrival = c.NextArrival;
        var entries = c.Enrolments.Select(e => (e.Enrolment.State, Entry: EntryOf(e))).OrderBy(e => e.Entry.Arrival).ToList();
        document.Enrolled = [.. entries.Where(e => e.State == EnrolmentState.Enrolled).Select(e => e.Entry)];
        document.Waitlist = [.. entries.Where(e => e.State == EnrolmentState.Waitlisted).Select(e => e.Entry)];
        document.LastEntryTime = entries.Count == 0 ? null : entries.Max(e => e.Entry.UpdateTime);
        var withdrawn = entries.Where(e => e.State == EnrolmentState.Withdrawn).Select(e => Of(EnrolmentRecordDocument.Collection, EnrolmentRecordDocument.From(document, e.Entry)));
        var requests = c.Enrolments.Where(e => e.Request is not null).Select(e => Of(EnrolmentRequestDocument.Collection, new EnrolmentRequestDocument
        {
            Id = EnrolmentRequestDocument.KeyOf(e.Request!), Fingerprint = e.Request!.Fingerprint, CourseId = e.Enrolment.CourseId,
            CohortId = e.Enrolment.CohortId, EnrolmentId = e.Enrolment.Id, CreateTime = e.Enrolment.CreateTime.ToDateTimeUtc(),
        }));
        return [Of(CohortDocument.Collection, document), .. withdrawn, .. requests];
    }

    private static EntryDocument EntryOf(ExportedEnrolment e) => new()
    {
        Id = e.Enrolment.Id, Client = e.Enrolment.ClientId, ClientName = e.Enrolment.ClientName, ClientEmail = e.Enrolment.ClientEmail,
        Arrival = e.Enrolment.Arrival, CreateTime = e.Enrolment.CreateTime.ToDateTimeUtc(), UpdateTime = e.Enrolment.UpdateTime.ToDateTimeUtc(),
        Version = e.Enrolment.Version, RequestScope = e.Request?.Scope, RequestId = e.Request?.RequestId,
    };

    private Task<long> CountAsync(string collection, CancellationToken ct) => CountAsync(Collection(collection), FilterDefinition<BsonDocument>.Empty, ct);

    private static Task<long> CountAsync(IMongoCollection<BsonDocument> collection, FilterDefinition<BsonDocument> filter, CancellationToken ct) =>
        collection.CountDocumentsAsync(filter, cancellationToken: ct);
}
