using Coaching.Domain.Outbox;
using Coaching.Storage.Mongo.Outbox;
using Coaching.Domain.Common;
using Coaching.Domain.Courses;
using MongoDB.Bson;
using MongoDB.Driver;
using NodaTime;

namespace Coaching.Storage.Mongo.Courses;

/// <summary>
/// The atomic cohort updates, as aggregation-pipeline updates so one write can read the document's own arrays and
/// counters. Exposed so tests can check their shape without a server.
/// </summary>
public static class CohortUpdates
{
    private static readonly FilterDefinitionBuilder<CohortDocument> F = Builders<CohortDocument>.Filter;

    /// <summary>Cohorts, not the bookings sharing their collection.</summary>
    public static FilterDefinition<CohortDocument> IsCohort { get; } = F.Eq(d => d.Kind, CohortDocument.CohortKind);

    /// <summary>
    /// Indexes of cohorts in the shared collection, each partial on <c>kind: "cohort"</c> so bookings do not fill them (and each
    /// cohort query names the kind, which lets the desk use them). Every compound index has at most one array-valued path.
    /// The claims index is the bookings' <c>claims_unique</c>, shared on purpose.
    /// </summary>
    public static IReadOnlyList<CreateIndexModel<CohortDocument>> Indexes { get; } =
    [
        CohortIndex(Builders<CohortDocument>.IndexKeys.Ascending($"{CohortDocument.RequestPrefix}request_scope").Ascending($"{CohortDocument.RequestPrefix}request_id"),
            "request_key_unique", unique: true),
        CohortIndex(Builders<CohortDocument>.IndexKeys.Ascending("course_id").Ascending("_id"), "by_course"),
        CohortIndex(Builders<CohortDocument>.IndexKeys.Ascending("coach_ids"), "teaching"),
        CohortIndex(Builders<CohortDocument>.IndexKeys.Ascending("enrolled.id"), "enrolled_id"),
        CohortIndex(Builders<CohortDocument>.IndexKeys.Ascending("waitlist.id"), "waitlist_id"),
        CohortIndex(Builders<CohortDocument>.IndexKeys.Ascending("withdrawn.id"), "withdrawn_id"),
        CohortIndex(Builders<CohortDocument>.IndexKeys.Ascending("enrolled.client"), "enrolled_client"),
        CohortIndex(Builders<CohortDocument>.IndexKeys.Ascending("waitlist.client"), "waitlist_client"),
        CohortIndex(Builders<CohortDocument>.IndexKeys.Ascending("withdrawn.client"), "withdrawn_client"),
    ];

    /// <summary>Indexes of withdrawn-enrolment records: a cohort's, and a client's, in list order.</summary>
    public static IReadOnlyList<CreateIndexModel<EnrolmentRecordDocument>> RecordIndexes { get; } =
    [
        new(Builders<EnrolmentRecordDocument>.IndexKeys.Ascending("cohort_id").Ascending("entry.arrival").Ascending("_id"), new CreateIndexOptions { Name = "by_cohort" }),
        new(Builders<EnrolmentRecordDocument>.IndexKeys.Ascending("entry.client").Ascending("entry.arrival").Ascending("_id"), new CreateIndexOptions { Name = "by_client" }),
    ];

    private static CreateIndexModel<CohortDocument> CohortIndex(IndexKeysDefinition<CohortDocument> keys, string name, bool unique = false) =>
        new(keys, new CreateIndexOptions<CohortDocument>
        {
            Name = $"cohort_{name}",
            Unique = unique,
            PartialFilterExpression = new BsonDocument(CohortDocument.KindElement, CohortDocument.CohortKind),
        });

    /// <summary>
    /// The open cohort, with the client in neither line, and a seat free (<paramref name="toWaitlist"/> false) or none free and room
    /// in the waitlist (true).
    /// Each condition is checked by the server in the same operation as the push, so the two updates can never over-fill.
    /// </summary>
    public static FilterDefinition<CohortDocument> CanJoin(string cohortId, string clientId, bool toWaitlist) =>
        F.Eq(d => d.Id, cohortId) & IsCohort
        & F.Eq(d => d.State, (int)CohortState.Open)
        & F.Not(F.ElemMatch(d => d.Enrolled, e => e.Client == clientId))
        & F.Not(F.ElemMatch(d => d.Waitlist, e => e.Client == clientId))
        & new BsonDocument("$expr", toWaitlist
            ? new BsonDocument("$and", new BsonArray
            {
                new BsonDocument("$gte", new BsonArray { new BsonDocument("$size", "$enrolled"), "$capacity" }),
                new BsonDocument("$lt", new BsonArray { new BsonDocument("$size", "$waitlist"), Cohort.MaxWaitlist }),
            })
            : new BsonDocument("$lt", new BsonArray { new BsonDocument("$size", "$enrolled"), "$capacity" }));

    /// <summary>
    /// Appends the candidate to <c>enrolled</c> or <c>waitlist</c>, stamping the arrival counter in the same write. The cohort's own
    /// version (its etag) is left alone: enrolments are not edits of the cohort, as on SQLite.
    /// </summary>
    public static PipelineDefinition<CohortDocument, CohortDocument> Join(Enrolment candidate, IdempotencyKey key, bool toWaitlist, OutboxEntry entry)
    {
        var line = toWaitlist ? "waitlist" : "enrolled";
        return new BsonDocument[]
        {
            new("$set", new BsonDocument
            {
                { line, new BsonDocument("$concatArrays", new BsonArray { $"${line}", new BsonArray { EntryDocument.NewEntryExpression(candidate, key) } }) },
                { "next_arrival", new BsonDocument("$add", new BsonArray { "$next_arrival", 1 }) },
                { "last_entry_time", OrderedTime(candidate.CreateTime.ToDateTimeUtc()) },
            }),
            Record([entry]),
        };
    }

    /// <summary>
    /// The stage that appends outbox entries to the document in the update of the change that made them (a literal, so no
    /// value in them is read as a field path), and flags the document for the relay.
    /// </summary>
    public static BsonDocument Record(IEnumerable<OutboxEntry> entries) => new("$set", new BsonDocument
    {
        {
            "outbox", new BsonDocument("$concatArrays", new BsonArray
            {
                new BsonDocument("$ifNull", new BsonArray { "$outbox", new BsonArray() }),
                new BsonDocument("$literal", new BsonArray(entries.Select(e => OutboxEntryDocument.From(e).ToBsonDocument()))),
            })
        },
        { "outbox_pending", true },
    });

    /// <summary>
    /// The cohort whose lines are as they were when it was read: every write that changes an entry sets <c>last_entry_time</c>
    /// to a later value, so a match means the waitlist the promotions were predicted from is still the one the update sees,
    /// and the entries announcing them, built from that read, go into the same write.
    /// </summary>
    public static FilterDefinition<CohortDocument> LinesAsRead(CohortDocument seen) => F.Eq(d => d.LastEntryTime, seen.LastEntryTime);

    /// <summary>The cohort holding the enrolment, at the expected version, in <c>enrolled</c> (or <c>waitlist</c>).</summary>
    public static FilterDefinition<CohortDocument> Holding(string cohortId, string enrolmentId, long version, bool inWaitlist) =>
        F.Eq(d => d.Id, cohortId) & IsCohort & (inWaitlist
            ? F.ElemMatch(d => d.Waitlist, e => e.Id == enrolmentId && e.Version == version)
            : F.ElemMatch(d => d.Enrolled, e => e.Id == enrolmentId && e.Version == version));

    /// <summary>
    /// Withdraws an enrolment. From <c>enrolled</c>: the entry moves to <c>withdrawn</c> and the first of the waitlist moves
    /// into <c>enrolled</c>, in this one update. From <c>waitlist</c>: the entry moves to <c>withdrawn</c> and the line closes up.
    /// <paramref name="entries"/> announce the withdrawal and the promotion it makes (predicted from a read of the cohort and
    /// kept true by <see cref="LinesAsRead"/>).
    /// </summary>
    public static PipelineDefinition<CohortDocument, CohortDocument> Withdraw(string enrolmentId, Instant now, bool fromWaitlist,
        params IReadOnlyList<OutboxEntry> entries)
    {
        var at = now.ToDateTimeUtc();
        var source = fromWaitlist ? "$waitlist" : "$enrolled";
        var set = new BsonDocument
        {
            { "withdrawn", new BsonDocument("$concatArrays", new BsonArray { "$withdrawn", Touch(Select(source, enrolmentId, equal: true), OrderedTime(at)) }) },
            { "last_entry_time", OrderedTime(at) },
        };
        if (fromWaitlist)
        {
            set["waitlist"] = Select("$waitlist", enrolmentId, equal: false);
        }
        else
        {
            set["enrolled"] = new BsonDocument("$concatArrays", new BsonArray
            {
                Select("$enrolled", enrolmentId, equal: false),
                Touch(new BsonDocument("$slice", new BsonArray { "$waitlist", 1 }), OrderedTime(at)),
            });
            set["waitlist"] = Rest("$waitlist", 1);
        }

        return new BsonDocument[] { new("$set", set), Record(entries) };
    }

    /// <summary>The cohort at the expected version whose enrolment does not exceed the new capacity.</summary>
    public static FilterDefinition<CohortDocument> Resizable(string cohortId, long version, int capacity) =>
        F.Eq(d => d.Id, cohortId) & IsCohort & F.Eq(d => d.Version, version)
        & new BsonDocument("$expr", new BsonDocument("$lte", new BsonArray { new BsonDocument("$size", "$enrolled"), capacity }));

    /// <summary>
    /// Stores the changed fields and promotes as many waitlisted people as the (new) capacity has free seats. The claims are
    /// replaced in the same write (removed once cancelled), so the unique claims index refuses a session over another
    /// commitment of a teaching coach before anything of the change is visible. <paramref name="entries"/> announce the change
    /// and the promotions (predicted from a read of the cohort and kept true by <see cref="LinesAsRead"/>).
    /// </summary>
    public static PipelineDefinition<CohortDocument, CohortDocument> Update(Cohort updated, params IReadOnlyList<OutboxEntry> entries)
    {
        var free = new BsonDocument("$max", new BsonArray { 0, new BsonDocument("$subtract", new BsonArray { updated.Capacity, new BsonDocument("$size", "$enrolled") }) });
        var promoted = new BsonDocument("$cond", new BsonArray
        {
            new BsonDocument("$gt", new BsonArray { free, 0 }),
            new BsonDocument("$slice", new BsonArray { "$waitlist", free }),
            new BsonArray(),
        });
        var document = CohortDocument.From(updated, null).ToBsonDocument();
        var set = new BsonDocument
        {
            { "display_name", new BsonDocument("$literal", document["display_name"]) },
            { "time_zone", new BsonDocument("$literal", document["time_zone"]) },
            { "sessions", new BsonDocument("$literal", document["sessions"]) },
            { "coach_ids", new BsonDocument("$literal", document["coach_ids"]) },
            { "capacity", updated.Capacity },
            { "open_time", document["open_time"] },
            { "close_time", document["close_time"] },
            { "state", (int)updated.State },
            { "update_time", document["update_time"] },
            { "version", updated.Version },
            { "claims", CohortDocument.ClaimsOf(updated) is { } claims ? new BsonDocument("$literal", new BsonArray(claims)) : "$$REMOVE" },
            { "enrolled", new BsonDocument("$concatArrays", new BsonArray { "$enrolled", Touch(promoted, OrderedTime(updated.UpdateTime.ToDateTimeUtc())) }) },
            { "last_entry_time", OrderedTime(updated.UpdateTime.ToDateTimeUtc()) },
            { "waitlist", new BsonDocument("$cond", new BsonArray { new BsonDocument("$gt", new BsonArray { free, 0 }), Rest("$waitlist", free), "$waitlist" }) },
        };
        if (document.TryGetValue("event", out var profile))
        {
            // The event's profile changes in this same write as its cohort (a cohort without one keeps its element as it is).
            set.Add("event", new BsonDocument("$literal", profile));
        }

        return new BsonDocument[] { new("$set", set), Record(entries) };
    }

    private static BsonDocument Select(string array, string enrolmentId, bool equal) => new("$filter", new BsonDocument
    {
        { "input", array },
        { "cond", new BsonDocument(equal ? "$eq" : "$ne", new BsonArray { "$$this.id", new BsonDocument("$literal", enrolmentId) }) },
    });

    /// <summary>
    /// The time stamped on entries a write changes: <paramref name="at"/>, or 1 ms after the cohort's latest entry change
    /// (<c>last_entry_time</c>, which every entry-changing write sets to this same value) when that is later, so entry times
    /// follow the order the cohort's writes commit in, even after withdrawn entries leave the document. A document written
    /// before that field existed falls back to its entries' times. <see cref="CohortDocument.OrderedTime"/> computes the same
    /// from a before-image.
    /// </summary>
    public static BsonDocument OrderedTime(DateTime at) => new("$max", new BsonArray
    {
        at,
        new BsonDocument("$add", new BsonArray
        {
            new BsonDocument("$ifNull", new BsonArray
            {
                "$last_entry_time",
                // $reduce with a two-operand $max: BSON comparison of dates, nulls ignored, on every server version.
                new BsonDocument("$reduce", new BsonDocument
                {
                    { "input", new BsonDocument("$concatArrays", new BsonArray { "$enrolled.update_time", "$waitlist.update_time", "$withdrawn.update_time" }) },
                    { "initialValue", BsonNull.Value },
                    { "in", new BsonDocument("$max", new BsonArray { "$$value", "$$this" }) },
                }),
            }),
            1,
        }),
    });

    /// <summary>
    /// Takes withdrawn entries out of the cohort document once they are safely kept in <c>enrolment_records</c>: the follow-up of a
    /// withdrawal, idempotent (a pull of ids already gone changes nothing).
    /// </summary>
    public static UpdateDefinition<CohortDocument> ForgetWithdrawn(IEnumerable<string> enrolmentIds) =>
        Builders<CohortDocument>.Update.PullFilter(d => d.Withdrawn, Builders<EntryDocument>.Filter.In(e => e.Id, enrolmentIds));

    // Entries that change line get a new update time and version.
    private static BsonDocument Touch(BsonValue entries, BsonValue at) => new("$map", new BsonDocument
    {
        { "input", entries },
        { "in", new BsonDocument("$mergeObjects", new BsonArray
            {
                "$$this",
                new BsonDocument { { "update_time", at }, { "version", new BsonDocument("$add", new BsonArray { "$$this.version", 1 }) } },
            }) },
    });

    // The array without its first n elements ($slice with a position needs a positive count, hence the max).
    private static BsonDocument Rest(string array, BsonValue n) => new("$slice", new BsonArray
    {
        array, n, new BsonDocument("$max", new BsonArray { 1, new BsonDocument("$size", array) }),
    });
}
