using Coaching.Domain.Outbox;
using Coaching.Domain.Common;
using Coaching.Domain.Courses;
using MongoDB.Driver;
using NodaTime;

namespace Coaching.Storage.Mongo.Courses;

/// <summary>
/// Courses and cohorts in MongoDB. A cohort document embeds its enrolments, so enrolment (a conditional push to the
/// seats or to the end of the waitlist), withdrawal with promotion, and a capacity raise with promotion are each one
/// single-document update — atomic on any topology, with no multi-document transaction.
/// </summary>
public sealed class MongoCourseStore(MongoStore store) : ICourseStore
{
    private const int JoinAttempts = 8;
    private static readonly FilterDefinitionBuilder<CohortDocument> F = Builders<CohortDocument>.Filter;

    /// <inheritdoc />
    public async Task<CreateResult<Course>> CreateCourseAsync(Course course, IdempotencyKey? key, CancellationToken cancellationToken)
    {
        try
        {
            await store.Courses.InsertOneAsync(CourseDocument.From(course, key), cancellationToken: cancellationToken);
            return new CreateResult<Course>(course, true, key?.Fingerprint);
        }
        catch (MongoWriteException e) when (key is not null && MongoErrors.IsDuplicateKey(e))
        {
            var original = await store.Courses.Find(d => d.RequestScope == key.Scope && d.RequestId == key.RequestId).FirstAsync(cancellationToken);
            return new CreateResult<Course>(original.ToDomain(), false, original.RequestFingerprint);
        }
    }

    /// <inheritdoc />
    public async Task<Course?> GetCourseAsync(string courseId, CancellationToken cancellationToken) =>
        (await store.Courses.Find(d => d.Id == courseId).FirstOrDefaultAsync(cancellationToken))?.ToDomain();

    /// <inheritdoc />
    public async Task<IReadOnlyList<Course>> GetCoursesAsync(IReadOnlyCollection<string> courseIds, CancellationToken cancellationToken)
    {
        var documents = await store.Courses.Find(Builders<CourseDocument>.Filter.In(d => d.Id, courseIds)).SortBy(d => d.Id)
            .ToListAsync(cancellationToken);
        return documents.ConvertAll(d => d.ToDomain());
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<Cohort>> GetCohortsAsync(IReadOnlyCollection<string> cohortIds, CancellationToken cancellationToken)
    {
        var documents = await store.Cohorts.Find(F.In(d => d.Id, cohortIds) & CohortUpdates.IsCohort).SortBy(d => d.Id)
            .ToListAsync(cancellationToken);
        return documents.ConvertAll(d => d.ToDomain());
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<Course>> ListCoursesAsync(string? afterId, int limit, CancellationToken cancellationToken)
    {
        var documents = await store.Courses.Find(Builders<CourseDocument>.Filter.Gt(d => d.Id, afterId ?? string.Empty)).SortBy(d => d.Id).Limit(limit)
            .ToListAsync(cancellationToken);
        return documents.ConvertAll(d => d.ToDomain());
    }

    /// <inheritdoc />
    public async Task<CohortWrite> CreateCohortAsync(Cohort cohort, IdempotencyKey? key, CancellationToken cancellationToken)
    {
        try
        {
            await store.Cohorts.InsertOneAsync(CohortDocument.From(cohort, key), cancellationToken: cancellationToken);
            return new CohortWrite.Stored(cohort);
        }
        catch (MongoWriteException e) when (MongoErrors.IsDuplicateKey(e))
        {
            // Either the request key (a retry: the original exists) or a claim (another commitment holds the time).
            var original = key is null ? null : await store.Cohorts.WithReadConcern(ReadConcern.Local)
                .Find(CohortUpdates.IsCohort & F.Eq(d => d.RequestScope, key.Scope) & F.Eq(d => d.RequestId, key.RequestId))
                .FirstOrDefaultAsync(cancellationToken);
            return original is not null
                ? new CohortWrite.RequestSeen(original.ToDomain(), original.RequestFingerprint ?? string.Empty)
                : new CohortWrite.SessionConflict();
        }
    }

    /// <inheritdoc />
    public async Task<Cohort?> GetCohortAsync(string courseId, string cohortId, CancellationToken cancellationToken) =>
        (await FindCohortAsync(courseId, cohortId, cancellationToken))?.ToDomain();

    /// <inheritdoc />
    public async Task<IReadOnlyList<Cohort>> ListCohortsAsync(string? courseId, CohortState? state, string? afterId, int limit, CancellationToken cancellationToken)
    {
        var filter = CohortUpdates.IsCohort & F.Gt(d => d.Id, afterId ?? string.Empty);
        if (courseId is not null)
        {
            filter &= F.Eq(d => d.CourseId, courseId);
        }

        if (state is { } s)
        {
            filter &= F.Eq(d => d.State, (int)s);
        }

        var documents = await store.Cohorts.Find(filter).SortBy(d => d.Id).Limit(limit).ToListAsync(cancellationToken);
        return documents.ConvertAll(d => d.ToDomain());
    }

    /// <inheritdoc />
    public async Task<CohortWrite> UpdateCohortAsync(Cohort updated, long expectedVersion, OutboxEntry changed, Announce<Enrolment> announce,
        CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < JoinAttempts; attempt++)
        {
            // A capacity raise seats people from the waitlist. Who, is read first and checked by the write (LinesAsRead), so
            // the entries announcing them are recorded in the same write as the promotion itself.
            var seen = await ReadCohortAsync(updated.Id, cancellationToken);
            if (seen is null || seen.CourseId != updated.CourseId)
            {
                return new CohortWrite.Missing();
            }

            var free = Math.Max(0, updated.Capacity - seen.Enrolled.Count);
            var at = seen.OrderedTime(updated.UpdateTime);
            List<OutboxEntry> entries = [changed, .. seen.Waitlist.Take(free)
                .Select(e => announce("enrolment.promoted", e.Touched(at).ToDomain(seen, EnrolmentState.Enrolled, 0)))];
            CohortDocument? stored;
            try
            {
                stored = await store.Cohorts.FindOneAndUpdateAsync(
                    CohortUpdates.Resizable(updated.Id, expectedVersion, updated.Capacity) & CohortUpdates.LinesAsRead(seen),
                    CohortUpdates.Update(updated, entries), new FindOneAndUpdateOptions<CohortDocument> { ReturnDocument = ReturnDocument.After },
                    cancellationToken);
            }
            catch (MongoCommandException e) when (MongoErrors.IsDuplicateKey(e))
            {
                return new CohortWrite.SessionConflict();
            }

            if (stored is not null)
            {
                return new CohortWrite.Stored(stored.ToDomain());
            }

            // The filter matched nothing: say why, from the primary's latest state; lines changed since the read: read again.
            var current = await ReadCohortAsync(updated.Id, cancellationToken);
            if (current is null)
            {
                return new CohortWrite.Missing();
            }

            if (current.Version != expectedVersion)
            {
                return new CohortWrite.Stale();
            }

            if (current.Enrolled.Count > updated.Capacity)
            {
                return new CohortWrite.CapacityBelowEnrolment(current.Enrolled.Count);
            }

            await Backoff.DelayAsync(attempt, cancellationToken);
        }

        throw CourseErrors.Contention(ResourceNames.Cohort(updated.CourseId, updated.Id), "The cohort's enrolment is changing too fast; retry the request.");
    }

    /// <inheritdoc />
    public async Task<EnrolOutcome> EnrolAsync(Enrolment candidate, IdempotencyKey key, Announce<Enrolment> announce, CancellationToken cancellationToken)
    {
        var claim = new EnrolmentRequestDocument
        {
            Id = EnrolmentRequestDocument.KeyOf(key), Fingerprint = key.Fingerprint, CourseId = candidate.CourseId, CohortId = candidate.CohortId,
            EnrolmentId = candidate.Id, CreateTime = candidate.CreateTime.ToDateTimeUtc(),
        };
        try
        {
            await store.EnrolmentRequests.InsertOneAsync(claim, cancellationToken: cancellationToken);
        }
        catch (MongoWriteException e) when (MongoErrors.IsDuplicateKey(e))
        {
            // Read what won on the primary: a majority read could still miss a claim the unique key already saw.
            var seen = await store.EnrolmentRequests.WithReadConcern(ReadConcern.Local).Find(d => d.Id == claim.Id)
                .FirstAsync(cancellationToken);
            var original = (await store.Cohorts.WithReadConcern(ReadConcern.Local).Find(F.Eq(d => d.Id, seen.CohortId) & CohortUpdates.IsCohort)
                .FirstOrDefaultAsync(cancellationToken))?.Enrolments().FirstOrDefault(x => x.Id == seen.EnrolmentId)
                ?? await FindRecordAsync(seen.CohortId, seen.EnrolmentId, cancellationToken);
            if (original is not null || seen.Fingerprint != key.Fingerprint)
            {
                return new EnrolOutcome.RequestSeen(seen.Fingerprint, original);
            }

            // The claim is ours but its cohort update never landed: finish it under the id it recorded.
            candidate = candidate with { Id = seen.EnrolmentId };
        }

        return await JoinAsync(candidate, key, announce, cancellationToken);
    }

    private async Task<EnrolOutcome> JoinAsync(Enrolment candidate, IdempotencyKey key, Announce<Enrolment> announce, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < JoinAttempts; attempt++)
        {
            var cohort = await store.Cohorts.WithReadConcern(ReadConcern.Local).Find(F.Eq(d => d.Id, candidate.CohortId) & CohortUpdates.IsCohort)
                .FirstOrDefaultAsync(cancellationToken);
            if (cohort is null)
            {
                return new EnrolOutcome.NotOpen();
            }

            if (cohort.Enrolments().FirstOrDefault(e => e.ClientId == candidate.ClientId && e.State != EnrolmentState.Withdrawn) is { } existing)
            {
                return new EnrolOutcome.AlreadyEnrolled(existing);
            }

            if (cohort.State != (int)CohortState.Open)
            {
                return new EnrolOutcome.NotOpen();
            }

            var toWaitlist = cohort.Enrolled.Count >= cohort.Capacity;
            if (toWaitlist && cohort.Waitlist.Count >= Cohort.MaxWaitlist)
            {
                return new EnrolOutcome.WaitlistFull();
            }

            var joined = await store.Cohorts.FindOneAndUpdateAsync(CohortUpdates.CanJoin(candidate.CohortId, candidate.ClientId, toWaitlist),
                CohortUpdates.Join(candidate, key, toWaitlist, announce(toWaitlist ? "enrolment.waitlisted" : "enrolment.enrolled",
                    candidate with { State = toWaitlist ? EnrolmentState.Waitlisted : EnrolmentState.Enrolled })),
                new FindOneAndUpdateOptions<CohortDocument> { ReturnDocument = ReturnDocument.After },
                cancellationToken);
            if (joined is not null)
            {
                return new EnrolOutcome.Joined(joined.Enrolments().First(e => e.Id == candidate.Id));
            }

            // The seat count or the client's presence changed between the read and the update: read again and retry.
            await Backoff.DelayAsync(attempt, cancellationToken);
        }

        throw CourseErrors.Contention(ResourceNames.Cohort(candidate.CourseId, candidate.CohortId), "The cohort is changing too fast; retry the request.");
    }

    /// <inheritdoc />
    public async Task<Enrolment?> GetEnrolmentAsync(string courseId, string cohortId, string enrolmentId, CancellationToken cancellationToken)
    {
        var cohort = await FindCohortAsync(courseId, cohortId, cancellationToken);
        return cohort?.Enrolments().FirstOrDefault(e => e.Id == enrolmentId)
            ?? (cohort is null ? null : await FindRecordAsync(cohortId, enrolmentId, cancellationToken));
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<Enrolment>> ListEnrolmentsAsync(EnrolmentQuery query, CancellationToken cancellationToken)
    {
        var filter = CohortUpdates.IsCohort & (query.CohortId is not null
            ? F.Eq(d => d.Id, query.CohortId)
            : F.ElemMatch(d => d.Enrolled, e => e.Client == query.ClientId) | F.ElemMatch(d => d.Waitlist, e => e.Client == query.ClientId)
              | F.ElemMatch(d => d.Withdrawn, e => e.Client == query.ClientId));
        var cohortsTask = store.Cohorts.Find(filter).ToListAsync(cancellationToken);
        // Withdrawn enrolments also live as records once they left their cohort document; an entry seen in both (between the
        // withdrawal and its follow-up) is the same enrolment.
        var recordsTask = query.State is null or EnrolmentState.Withdrawn && query.After is not { State: > EnrolmentState.Withdrawn }
            ? ListRecordsAsync(query, cancellationToken)
            : Task.FromResult(new List<Enrolment>());
        var inCohorts = (await cohortsTask).SelectMany(c => c.Enrolments());
        return [.. inCohorts.Concat(await recordsTask)
            .Where(e => (query.ClientId is null || e.ClientId == query.ClientId) && (query.State is null || e.State == query.State))
            .DistinctBy(e => e.Id)
            .OrderBy(EnrolmentCursor.Of)
            .Where(e => query.After is not { } after || EnrolmentCursor.Of(e) > after)
            .Take(query.Limit)];
    }

    private async Task<List<Enrolment>> ListRecordsAsync(EnrolmentQuery query, CancellationToken ct)
    {
        var r = Builders<EnrolmentRecordDocument>.Filter;
        var filter = query.CohortId is not null ? r.Eq(d => d.CohortId, query.CohortId) : r.Eq(d => d.Entry.Client, query.ClientId);
        if (query.After is { State: EnrolmentState.Withdrawn } after)
        {
            filter &= r.Gt(d => d.Entry.Arrival, after.Arrival) | (r.Eq(d => d.Entry.Arrival, after.Arrival) & r.Gt(d => d.Id, after.Id));
        }

        var records = await store.EnrolmentRecords.Find(filter).Sort(Builders<EnrolmentRecordDocument>.Sort.Ascending(d => d.Entry.Arrival).Ascending(d => d.Id))
            .Limit(query.Limit).ToListAsync(ct);
        return records.ConvertAll(d => d.ToDomain());
    }

    private async Task<Enrolment?> FindRecordAsync(string cohortId, string enrolmentId, CancellationToken ct) =>
        (await store.EnrolmentRecords.Find(d => d.Id == enrolmentId && d.CohortId == cohortId).FirstOrDefaultAsync(ct))?.ToDomain();

    // The follow-up of a withdrawal: keep the cohort's withdrawn entries (those left over from earlier follow-ups and the one just
    // withdrawn, all known from the image before the update) as records, upserted by id, then pull them from the cohort document.
    // Idempotent and safe to repeat; if it fails, the entries simply stay in the document until the next withdrawal's
    // follow-up, and every read finds them there.
    private async Task ArchiveWithdrawnAsync(CohortDocument before, EntryDocument withdrawn, CancellationToken ct)
    {
        List<EntryDocument> entries = [.. before.Withdrawn, withdrawn];
        try
        {
            await MongoStore.UpsertAsync(store.EnrolmentRecords, entries.Select(e => EnrolmentRecordDocument.From(before, e)), r => r.Id, ct);
            await store.Cohorts.UpdateOneAsync(F.Eq(d => d.Id, before.Id) & CohortUpdates.IsCohort,
                CohortUpdates.ForgetWithdrawn(entries.Select(e => e.Id)), cancellationToken: ct);
        }
#pragma warning disable CA1031 // A failed follow-up loses nothing (the entries stay in the cohort document); the withdrawal stands.
        catch (MongoException)
#pragma warning restore CA1031
        {
        }
    }

    /// <inheritdoc />
    public async Task<WithdrawOutcome> WithdrawAsync(Enrolment enrolment, long expectedVersion, Instant now, Announce<Enrolment> announce,
        CancellationToken cancellationToken)
    {
        var fromWaitlist = enrolment.State == EnrolmentState.Waitlisted;
        var withdrawn = announce("enrolment.withdrawn", enrolment with { State = EnrolmentState.Withdrawn });
        for (var attempt = 0; attempt < JoinAttempts; attempt++)
        {
            // Leaving a seat promotes the first of the waitlist. Who, is read first and checked by the write (LinesAsRead), so
            // the entry announcing the promotion is recorded in the same write as the promotion itself. Leaving the waitlist
            // promotes nobody and needs no read.
            var seen = fromWaitlist ? null : await ReadCohortAsync(enrolment.CohortId, cancellationToken);
            var promoted = seen?.Waitlist.FirstOrDefault()?.Touched(seen.OrderedTime(now)).ToDomain(seen, EnrolmentState.Enrolled, 0);
            var filter = CohortUpdates.Holding(enrolment.CohortId, enrolment.Id, expectedVersion, fromWaitlist);
            var before = await store.Cohorts.FindOneAndUpdateAsync(seen is null ? filter : filter & CohortUpdates.LinesAsRead(seen),
                CohortUpdates.Withdraw(enrolment.Id, now, fromWaitlist, promoted is null ? [withdrawn] : [withdrawn, announce("enrolment.promoted", promoted)]),
                new FindOneAndUpdateOptions<CohortDocument> { ReturnDocument = ReturnDocument.Before },
                cancellationToken);
            if (before is not null)
            {
                var left = (fromWaitlist ? before.Waitlist : before.Enrolled).First(e => e.Id == enrolment.Id).Touched(before.OrderedTime(now));
                await ArchiveWithdrawnAsync(before, left, cancellationToken);
                return new WithdrawOutcome.Withdrawn(left.ToDomain(before, EnrolmentState.Withdrawn, 0), promoted);
            }

            var cohort = await ReadCohortAsync(enrolment.CohortId, cancellationToken);
            var current = cohort?.Enrolments().FirstOrDefault(e => e.Id == enrolment.Id)
                ?? await FindRecordAsync(enrolment.CohortId, enrolment.Id, cancellationToken);
            if (current is null)
            {
                return new WithdrawOutcome.Missing();
            }

            if (current.State == EnrolmentState.Withdrawn)
            {
                return new WithdrawOutcome.AlreadyWithdrawn();
            }

            if (current.State != enrolment.State || current.Version != expectedVersion)
            {
                return new WithdrawOutcome.Stale();
            }

            // Still held as expected: the waitlist moved between the read and the write. Read again and retry.
            await Backoff.DelayAsync(attempt, cancellationToken);
        }

        throw CourseErrors.Contention(ResourceNames.Cohort(enrolment.CourseId, enrolment.CohortId), "The cohort's enrolment is changing too fast; retry the request.");
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<TeachingSession>> ListTeachingAsync(IReadOnlyCollection<string> coachIds, Instant rangeStart,
        Instant rangeEnd, CancellationToken cancellationToken)
    {
        var start = rangeStart.ToDateTimeUtc();
        var end = rangeEnd.ToDateTimeUtc();
        var cohorts = await store.Cohorts.Find(CohortUpdates.IsCohort & F.AnyIn(d => d.CoachIds, coachIds) & F.Ne(d => d.State, (int)CohortState.Cancelled)
                & F.ElemMatch(d => d.Sessions, s => s.Start < end && s.End > start))
            .Project(d => new { d.Id, d.CourseId, d.CoachIds, d.Sessions })
            .ToListAsync(cancellationToken);
        return [.. cohorts.SelectMany(c => c.CoachIds.Where(coachIds.Contains)
            .SelectMany(coach => c.Sessions.Select((s, i) => (Session: s, Index: i)).Where(x => x.Session.Start < end && x.Session.End > start)
                .Select(x => new TeachingSession(coach, c.CourseId, c.Id, x.Index, x.Session.ToDomain()))))];
    }

    // The primary's latest state of a cohort, to predict a write (which checks the prediction) or explain why one matched nothing.
    private async Task<CohortDocument?> ReadCohortAsync(string cohortId, CancellationToken ct) =>
        await store.Cohorts.WithReadConcern(ReadConcern.Local).Find(F.Eq(d => d.Id, cohortId) & CohortUpdates.IsCohort).FirstOrDefaultAsync(ct);

    private async Task<CohortDocument?> FindCohortAsync(string courseId, string cohortId, CancellationToken ct) =>
        await store.Cohorts.Find(F.Eq(d => d.Id, cohortId) & CohortUpdates.IsCohort & F.Eq(d => d.CourseId, courseId)).FirstOrDefaultAsync(ct);
}
