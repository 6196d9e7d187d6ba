using Coaching.Domain.Common;
using Coaching.Domain.Courses;
using NodaTime;
using NodaTime.Testing;

namespace Coaching.Storage.Contract;

/// <summary>The behaviour every <see cref="ICourseStore"/> must show.</summary>
public abstract class CourseStoreContract : IAsyncLifetime
{
    private ICourseStore? _store;

    protected FakeClock Clock { get; } = new(Instant.FromUtc(2026, 11, 29, 9, 0));

    protected abstract string? SkipReason { get; }

    protected abstract Task<ICourseStore> CreateStoreAsync();

    /// <summary>The enrolment-invite store over the same database.</summary>
    protected abstract IEnrolmentInviteStore Invites { get; }

    /// <summary>The outbox over the same database.</summary>
    protected abstract Coaching.Domain.Outbox.IOutboxStore Outbox { get; }

    /// <summary>The coach and booking stores over the same database: cohort sessions and bookings share one claim rule.</summary>
    protected abstract (Coaching.Domain.Coaches.ICoachStore Coaches, Coaching.Domain.Bookings.IBookingStore Bookings) Commitments { get; }

    protected abstract Task DisposeStoreAsync();

    private ICourseStore Store => _store!;

    public async Task InitializeAsync()
    {
        if (SkipReason is null)
        {
            _store = await CreateStoreAsync();
        }
    }

    public async Task DisposeAsync()
    {
        if (_store is not null)
        {
            await DisposeStoreAsync();
        }
    }

    private string NewId() => new UlidGenerator(Clock).NewId();

    private async Task<Cohort> SeedAsync(int capacity, CohortState state = CohortState.Open, string? coachId = null) =>
        Assert.IsType<CohortWrite.Stored>(await Store.CreateCohortAsync(await NewCohortAsync(capacity, state, coachId), null, default)).Cohort;

    /// <summary>A valid cohort of a new course, not yet stored.</summary>
    private async Task<Cohort> NewCohortAsync(int capacity, CohortState state, string? coachId)
    {
        var course = Course.Create(NewId(), "CV development", "", ["A better CV"], 2, Clock.GetCurrentInstant());
        await Store.CreateCourseAsync(course, null, default);
        return Cohort.Create(NewId(), course.Id, new CohortDraft("January", "Europe/London",
            [new CohortSession(FirstSession, Duration.FromMinutes(90), "One"), new CohortSession(FirstSession + Duration.FromDays(7), Duration.FromMinutes(90), "Two")],
            [coachId ?? $"coach-{NewId()}"], capacity, Clock.GetCurrentInstant(), FirstSession, state), Clock.GetCurrentInstant());
    }

    private Task<EnrolOutcome> EnrolAsync(Cohort cohort, string client, string? requestId = null) => Store.EnrolAsync(new Enrolment
    {
        Id = NewId(), CourseId = cohort.CourseId, CohortId = cohort.Id, ClientId = client, State = EnrolmentState.Enrolled, Arrival = 0,
        WaitlistPosition = 0, CreateTime = Clock.GetCurrentInstant(), UpdateTime = Clock.GetCurrentInstant(), Version = 1,
    }, Key(cohort, client, requestId ?? Guid.NewGuid().ToString()), Announcer, default);

    // Every entry a store asked for, as (type, enrolment id, state), in the order asked.
    private readonly List<(string Type, string Id, EnrolmentState State)> _announced = [];

    private Coaching.Domain.Outbox.OutboxEntry Announcer(string type, Enrolment e)
    {
        _announced.Add((type, e.Id, e.State));
        return new($"{type}-{NewId()}", type, e.Name, [$"users/{e.ClientId}"], [], null, Clock.GetCurrentInstant());
    }

    private Coaching.Domain.Outbox.OutboxEntry Changed() =>
        new($"cohort.changed-{NewId()}", "cohort.changed", "courses/c/cohorts/x", [], [], null, Clock.GetCurrentInstant());

    private static IdempotencyKey Key(Cohort cohort, string client, string requestId) => IdempotencyKey.Create(client, requestId, true, cohort.Id)!;

    private async Task<Enrolment> JoinAsync(Cohort cohort, string client) =>
        Assert.IsType<EnrolOutcome.Joined>(await EnrolAsync(cohort, client)).Enrolment;

    private static readonly Instant FirstSession = Instant.FromUtc(2027, 1, 11, 18, 0);

    private async Task<Cohort> UpdateAsync(Cohort current, CohortDraft changes) =>
        Assert.IsType<CohortWrite.Stored>(await Store.UpdateCohortAsync(current.Change(changes, Clock.GetCurrentInstant()), current.Version, Changed(), Announcer, default)).Cohort;

    private async Task<(Enrolment Withdrawn, Enrolment? Promoted)> WithdrawAsync(Enrolment enrolment, Instant? at = null)
    {
        var done = Assert.IsType<WithdrawOutcome.Withdrawn>(await Store.WithdrawAsync(enrolment, enrolment.Version, at ?? Clock.GetCurrentInstant(), Announcer, default));
        return (done.Enrolment, done.Promoted);
    }

    private async Task<(Coaching.Domain.Coaches.Coach Coach, Coaching.Domain.Coaches.Offering Offering)> SeedCoachAsync() =>
        await Contract.Commitments.SeedCoachAsync(Commitments.Coaches, Clock);

    private Task<Coaching.Domain.Bookings.Booking?> BookAsync(Coaching.Domain.Coaches.Coach coach, Coaching.Domain.Coaches.Offering offering, Instant start) =>
        Contract.Commitments.BookAsync(Commitments.Bookings, Clock, coach, offering, start);

    private Coaching.Domain.Events.EventProfile EventOf(Cohort cohort, string title, long version) => new()
    {
        Id = cohort.Id, Kind = Coaching.Domain.Events.EventKind.DropIn, Title = title, Description = "Bring your CV\nand questions", Topics = ["cv", "careers"],
        JoinLink = "https://meet.example.org/q", Visibility = Coaching.Domain.Events.EventVisibility.Public, Unlimited = true, RecordingLink = string.Empty,
        HeldTime = version > 2 ? FirstSession : null, Start = cohort.Sessions[0].Start, CreateTime = Clock.GetCurrentInstant(),
        UpdateTime = Clock.GetCurrentInstant() + Duration.FromMilliseconds(version), Version = version,
    };

    [SkippableFact]
    public async Task AnEventsProfile_StoredWithItsCohort_ChangedOnlyWithTheCohortsVersion_KeptByEnrolments()
    {
        Skip.If(SkipReason is not null, SkipReason);
        var draft = await NewCohortAsync(3, CohortState.Open, null);
        var created = Assert.IsType<CohortWrite.Stored>(await Store.CreateCohortAsync(draft with { Event = EventOf(draft, "Drop-in", 1) }, null, default)).Cohort;
        var plain = await SeedAsync(3);
        var changed = created.Change(new CohortDraft(), Clock.GetCurrentInstant()) with { Event = EventOf(created, "Drop-in, renamed", 2) };
        var stored = Assert.IsType<CohortWrite.Stored>(await Store.UpdateCohortAsync(changed, created.Version, Changed(), Announcer, default)).Cohort;
        // A write from the version before is refused whole: neither the cohort nor its profile moves.
        var late = created.Change(new CohortDraft(Capacity: 9), Clock.GetCurrentInstant()) with { Event = EventOf(created, "late", 3) };
        var refused = await Store.UpdateCohortAsync(late, created.Version, Changed(), Announcer, default);
        var joined = await JoinAsync(stored, "ann");
        await WithdrawAsync(joined);
        var current = (await Store.GetCohortAsync(stored.CourseId, stored.Id, default))!;
        var resized = Assert.IsType<CohortWrite.Stored>(await Store.UpdateCohortAsync(
            current.Change(new CohortDraft(Capacity: 4), Clock.GetCurrentInstant()) with { Event = null }, current.Version, Changed(), Announcer, default)).Cohort;
        var read = await Store.GetCohortAsync(created.CourseId, created.Id, default);
        var listed = await Store.GetCohortsAsync([created.Id, plain.Id], default);

        Assert.Equal(EventOf(draft, "Drop-in", 1) with { Topics = created.Event!.Topics }, created.Event);
        Assert.IsType<CohortWrite.Stale>(refused);
        Assert.Equal(EventOf(created, "Drop-in, renamed", 2) with { Topics = read!.Event!.Topics }, read.Event);
        Assert.Equal(["cv", "careers"], read.Event.Topics);
        Assert.Equal((4, "Drop-in, renamed"), (read.Capacity, resized.Event?.Title)); // a change without a profile keeps the one stored
        Assert.Equal("Drop-in, renamed", listed.Single(c => c.Id == created.Id).Event?.Title);
        Assert.Null(listed.Single(c => c.Id == plain.Id).Event);
    }

    [SkippableFact]
    public async Task CohortOverABooking_RefusedByTheStore_NothingStored()
    {
        Skip.If(SkipReason is not null, SkipReason);
        var (coach, offering) = await SeedCoachAsync();
        await BookAsync(coach, offering, FirstSession + Duration.FromMinutes(60)); // 19:00-20:00, buffered 18:50-20:05

        var write = await Store.CreateCohortAsync(await NewCohortAsync(5, CohortState.Open, coach.Id), null, default);

        Assert.IsType<CohortWrite.SessionConflict>(write);
        Assert.Empty(await Store.ListCohortsAsync(null, null, null, 10, default));
        Assert.Empty(await Store.ListTeachingAsync([coach.Id], FirstSession - Duration.FromDays(1), FirstSession + Duration.FromDays(30), default));
    }

    [SkippableFact]
    public async Task BookingOverACohortSession_Refused_TouchingBookingAccepted()
    {
        Skip.If(SkipReason is not null, SkipReason);
        var (coach, offering) = await SeedCoachAsync();
        await SeedAsync(5, coachId: coach.Id); // sessions 18:00-19:30 on 11 and 18 January

        var overlapping = await BookAsync(coach, offering, FirstSession + Duration.FromDays(7) + Duration.FromMinutes(85));
        var touching = await BookAsync(coach, offering, FirstSession + Duration.FromMinutes(100)); // buffered from 19:30

        Assert.Null(overlapping);
        Assert.Equal(coach.Id, touching?.CoachId);
    }

    [SkippableFact]
    public async Task UpdateCohort_SessionOverABooking_RefusedAndUnchanged_MovingOrCancellingReleasesTheOldTime()
    {
        Skip.If(SkipReason is not null, SkipReason);
        var (coach, offering) = await SeedCoachAsync();
        var cohort = await SeedAsync(5, coachId: coach.Id);
        await BookAsync(coach, offering, FirstSession + Duration.FromDays(1));

        var clash = cohort.Change(new CohortDraft(Sessions: [cohort.Sessions[0] with { Start = FirstSession + Duration.FromDays(1) }, cohort.Sessions[1]]),
            Clock.GetCurrentInstant());
        var write = await Store.UpdateCohortAsync(clash, 1, Changed(), Announcer, default);
        var unchanged = await Store.GetCohortAsync(cohort.CourseId, cohort.Id, default);
        var stillHeld = await BookAsync(coach, offering, FirstSession);

        var moved = await UpdateAsync(cohort, new CohortDraft(Sessions: [cohort.Sessions[0] with { Start = FirstSession + Duration.FromDays(2) }, cohort.Sessions[1]]));
        var freed = await BookAsync(coach, offering, FirstSession);
        await UpdateAsync(moved, new CohortDraft(State: CohortState.Cancelled));
        var afterCancel = await BookAsync(coach, offering, FirstSession + Duration.FromDays(7));

        Assert.IsType<CohortWrite.SessionConflict>(write);
        Assert.Equal((1L, FirstSession), (unchanged!.Version, unchanged.Sessions[0].Start));
        Assert.Null(stillHeld);
        Assert.Equal(FirstSession, freed?.Start);
        Assert.Equal(FirstSession + Duration.FromDays(7), afterCancel?.Start);
    }

    [SkippableFact]
    public async Task CohortUpdateRacingBookings_ForTheSameCoachTime_NeverBothStored()
    {
        Skip.If(SkipReason is not null, SkipReason);
        var (coach, offering) = await SeedCoachAsync();
        var cohort = await SeedAsync(5, coachId: coach.Id);
        for (var round = 0; round < 8; round++)
        {
            // A 60-minute booking at 10:00 and a 90-minute session at 10:30 on the same day overlap.
            var day = FirstSession + Duration.FromDays(20 + round) - Duration.FromHours(8);
            var current = (await Store.GetCohortAsync(cohort.CourseId, cohort.Id, default))!;
            var moved = current.Change(new CohortDraft(Sessions: [.. current.Sessions, new CohortSession(day + Duration.FromMinutes(30), Duration.FromMinutes(90), "Extra")]),
                Clock.GetCurrentInstant());
            using var go = new ManualResetEventSlim(false);
            var bookings = Enumerable.Range(0, 16).Select(i => Task.Run(async () =>
            {
                go.Wait();
                return await BookAsync(coach, offering, day);
            })).ToList();
            var update = Task.Run(async () =>
            {
                go.Wait();
                var write = await Store.UpdateCohortAsync(moved, current.Version, Changed(), Announcer, default);
                return write is CohortWrite.SessionConflict ? null : Assert.IsType<CohortWrite.Stored>(write).Cohort;
            });
            go.Set();
            var booked = (await Task.WhenAll(bookings)).Count(b => b is not null);
            var updated = await update;

            Assert.Equal(1, booked + (updated is null ? 0 : 1));
        }
    }

    [SkippableFact]
    public async Task TwoCohortsOfOneCoach_OverlappingSessionsRefused_OtherCoachesUnaffected()
    {
        Skip.If(SkipReason is not null, SkipReason);
        await SeedAsync(5, coachId: "coach-shared");

        var write = await Store.CreateCohortAsync(await NewCohortAsync(5, CohortState.Open, "coach-shared"), null, default);
        var other = await SeedAsync(5, coachId: "coach-other");

        Assert.IsType<CohortWrite.SessionConflict>(write);
        Assert.Equal(["coach-other"], other.CoachIds);
    }

    [SkippableFact]
    public async Task GetCohortsAndCourses_ReturnTheKnownOnesAmongTheIds_WithLiveCounts()
    {
        Skip.If(SkipReason is not null, SkipReason);
        var january = await SeedAsync(1);
        var february = await SeedAsync(3);
        await JoinAsync(january, "a");
        await JoinAsync(january, "b");

        var cohorts = await Store.GetCohortsAsync([february.Id, january.Id, "no-such-cohort"], default);
        var courses = await Store.GetCoursesAsync([january.CourseId, "no-such-course"], default);

        Assert.Equal(new[] { january.Id, february.Id }.Order(StringComparer.Ordinal), cohorts.Select(c => c.Id));
        Assert.Equal((1, 1), cohorts.Where(c => c.Id == january.Id).Select(c => (c.EnrolledCount, c.WaitlistCount)).Single());
        Assert.Equal([january.CourseId], courses.Select(c => c.Id));
    }

    [SkippableFact]
    public async Task Enrol_SeatsThenWaitlist_CountsAndPositions()
    {
        Skip.If(SkipReason is not null, SkipReason);
        var cohort = await SeedAsync(2);

        var results = new List<Enrolment>();
        foreach (var client in new[] { "a", "b", "c", "d" })
        {
            results.Add(await JoinAsync(cohort, client));
        }

        var read = await Store.GetCohortAsync(cohort.CourseId, cohort.Id, default);
        Assert.Equal([EnrolmentState.Enrolled, EnrolmentState.Enrolled, EnrolmentState.Waitlisted, EnrolmentState.Waitlisted], results.Select(e => e.State));
        Assert.Equal([0, 0, 1, 2], results.Select(e => e.WaitlistPosition));
        Assert.Equal((2, 2), (read!.EnrolledCount, read.WaitlistCount));
    }

    [SkippableFact]
    public async Task Enrol_SameClientOrSameKey_ReturnsExisting()
    {
        Skip.If(SkipReason is not null, SkipReason);
        var cohort = await SeedAsync(2);

        var first = Assert.IsType<EnrolOutcome.Joined>(await EnrolAsync(cohort, "a", "k1")).Enrolment;
        var sameKey = Assert.IsType<EnrolOutcome.RequestSeen>(await EnrolAsync(cohort, "a", "k1"));
        var sameClient = Assert.IsType<EnrolOutcome.AlreadyEnrolled>(await EnrolAsync(cohort, "a", "k2"));

        Assert.Equal((first.Id, Key(cohort, "a", "k1").Fingerprint), (sameKey.Original?.Id, sameKey.Fingerprint));
        Assert.Equal(first.Id, sameClient.Existing.Id);
        Assert.Single(await Store.ListEnrolmentsAsync(new EnrolmentQuery(cohort.Id, null, null, null, 10), default));
    }

    [SkippableFact]
    public async Task Enrol_RequestIdUsedInAnotherCohort_ReportsTheStoredFingerprint_AndStoresNothing()
    {
        Skip.If(SkipReason is not null, SkipReason);
        var january = await SeedAsync(2);
        var february = await SeedAsync(2);

        var first = Assert.IsType<EnrolOutcome.Joined>(await EnrolAsync(january, "a", "k1")).Enrolment;
        var reused = Assert.IsType<EnrolOutcome.RequestSeen>(await EnrolAsync(february, "a", "k1"));
        var otherCaller = Assert.IsType<EnrolOutcome.Joined>(await EnrolAsync(february, "b", "k1"));

        Assert.Equal(Key(january, "a", "k1").Fingerprint, reused.Fingerprint);
        Assert.NotEqual(Key(february, "a", "k1").Fingerprint, reused.Fingerprint);
        Assert.Equal(first.Id, reused.Original?.Id);
        Assert.Equal(["b"], (await Store.ListEnrolmentsAsync(new EnrolmentQuery(february.Id, null, null, null, 10), default)).Select(e => e.ClientId));
        Assert.Equal(february.Id, otherCaller.Enrolment.CohortId);
    }

    [SkippableFact]
    public async Task Enrol_ClosedCohort_Refused()
    {
        Skip.If(SkipReason is not null, SkipReason);
        var cohort = await SeedAsync(2, CohortState.Closed);

        Assert.IsType<EnrolOutcome.NotOpen>(await EnrolAsync(cohort, "a"));
        Assert.Empty(await Store.ListEnrolmentsAsync(new EnrolmentQuery(cohort.Id, null, null, null, 10), default));
    }

    [SkippableFact]
    public async Task EnrolAndWithdraw_LeaveTheCohortsVersion_SoAnAdminsEtagStaysGood()
    {
        Skip.If(SkipReason is not null, SkipReason);
        var cohort = await SeedAsync(1);
        var seated = await JoinAsync(cohort, "a");
        await JoinAsync(cohort, "b");
        await WithdrawAsync(seated);

        var read = (await Store.GetCohortAsync(cohort.CourseId, cohort.Id, default))!;
        var raised = await Store.UpdateCohortAsync(cohort.Change(new CohortDraft(Capacity: 4), Clock.GetCurrentInstant()), cohort.Version, Changed(), Announcer, default);

        Assert.Equal(cohort.Version, read.Version);
        Assert.Equal((cohort.Version + 1, 1, 0), Assert.IsType<CohortWrite.Stored>(raised) is var stored
            ? (stored.Cohort.Version, stored.Cohort.EnrolledCount, stored.Cohort.WaitlistCount) : default);
    }

    [SkippableFact]
    public async Task Waitlist_IsCappedAtMaxWaitlist_ASeatStillAdmits()
    {
        Skip.If(SkipReason is not null, SkipReason);
        var cohort = await SeedAsync(1);
        var seated = await JoinAsync(cohort, "seated");
        for (var i = 0; i < Cohort.MaxWaitlist; i++)
        {
            Assert.Equal(EnrolmentState.Waitlisted, (await JoinAsync(cohort, $"w{i}")).State);
        }

        var full = await EnrolAsync(cohort, "one-too-many");
        await WithdrawAsync(seated);
        var afterPromotion = await EnrolAsync(cohort, "next");

        Assert.IsType<EnrolOutcome.WaitlistFull>(full);
        Assert.Equal(EnrolmentState.Waitlisted, Assert.IsType<EnrolOutcome.Joined>(afterPromotion).Enrolment.State);
        Assert.Equal((1, Cohort.MaxWaitlist), (await Store.GetCohortAsync(cohort.CourseId, cohort.Id, default)) is { } c ? (c.EnrolledCount, c.WaitlistCount) : default);
    }

    [SkippableFact]
    public async Task Withdraw_Seated_PromotesFirstInLine_Once()
    {
        Skip.If(SkipReason is not null, SkipReason);
        var cohort = await SeedAsync(1);
        var seated = await JoinAsync(cohort, "a");
        var next = await JoinAsync(cohort, "b");
        var after = await JoinAsync(cohort, "c");

        var (withdrawn, promoted) = await WithdrawAsync(seated);
        var again = await Store.WithdrawAsync(seated, seated.Version, Clock.GetCurrentInstant(), Announcer, default);
        var stale = await Store.WithdrawAsync(after, after.Version + 1, Clock.GetCurrentInstant(), Announcer, default);
        var missing = await Store.WithdrawAsync(after with { Id = "no-such-enrolment" }, 1, Clock.GetCurrentInstant(), Announcer, default);
        var list = await Store.ListEnrolmentsAsync(new EnrolmentQuery(cohort.Id, null, null, null, 10), default);

        Assert.Equal(EnrolmentState.Withdrawn, withdrawn.State);
        Assert.Equal(next.Id, promoted!.Id);
        Assert.Equal(EnrolmentState.Enrolled, promoted.State);
        Assert.Equal([(next.Id, EnrolmentState.Enrolled, 0), (after.Id, EnrolmentState.Waitlisted, 1), (seated.Id, EnrolmentState.Withdrawn, 0)],
            list.Select(e => (e.Id, e.State, e.WaitlistPosition)));
        Assert.IsType<WithdrawOutcome.AlreadyWithdrawn>(again);
        Assert.IsType<WithdrawOutcome.Stale>(stale);
        Assert.IsType<WithdrawOutcome.Missing>(missing);
    }

    [SkippableFact]
    public async Task EnrolmentTimes_FollowCommitOrder_EvenWhenTheCallersClocksRunBackwards()
    {
        Skip.If(SkipReason is not null, SkipReason);
        var cohort = await SeedAsync(1);
        var seated = await JoinAsync(cohort, "a");

        // A second server whose clock is an hour behind handles the next request, a third one two hours behind the withdrawal.
        Clock.Advance(Duration.FromHours(-1));
        var waiting = await JoinAsync(cohort, "b");
        var (withdrawn, promoted) = await WithdrawAsync(seated, Clock.GetCurrentInstant() - Duration.FromHours(1));
        var stored = await Store.ListEnrolmentsAsync(new EnrolmentQuery(cohort.Id, null, null, null, 10), default);

        Assert.True(waiting.CreateTime > seated.UpdateTime, $"{waiting.CreateTime} should follow {seated.UpdateTime}");
        Assert.True(withdrawn.UpdateTime > waiting.UpdateTime, $"{withdrawn.UpdateTime} should follow {waiting.UpdateTime}");
        Assert.Equal(withdrawn.UpdateTime, promoted?.UpdateTime);
        Assert.Equal(withdrawn.UpdateTime, stored.Single(e => e.Id == seated.Id).UpdateTime);
        Assert.Equal(promoted?.UpdateTime, stored.Single(e => e.Id == waiting.Id).UpdateTime);
    }

    [SkippableFact]
    public async Task Withdraw_Waitlisted_LineClosesUp_NoPromotion()
    {
        Skip.If(SkipReason is not null, SkipReason);
        var cohort = await SeedAsync(1);
        await EnrolAsync(cohort, "a");
        var b = await JoinAsync(cohort, "b");
        var c = await JoinAsync(cohort, "c");

        var (_, promoted) = await WithdrawAsync(b);
        var readC = await Store.GetEnrolmentAsync(cohort.CourseId, cohort.Id, c.Id, default);

        Assert.Null(promoted);
        Assert.Equal(1, readC!.WaitlistPosition);
        Assert.Equal(1, (await Store.GetCohortAsync(cohort.CourseId, cohort.Id, default))!.EnrolledCount);
    }

    [SkippableFact]
    public async Task UpdateCohort_RaiseCapacityPromotes_LowerBelowEnrolmentRefused()
    {
        Skip.If(SkipReason is not null, SkipReason);
        var cohort = await SeedAsync(1);
        foreach (var client in new[] { "a", "b", "c", "d" })
        {
            await EnrolAsync(cohort, client);
        }

        var current = (await Store.GetCohortAsync(cohort.CourseId, cohort.Id, default))!;
        var raised = await UpdateAsync(current, new CohortDraft(Capacity: 3));
        var lowered = await Store.UpdateCohortAsync(raised.Change(new CohortDraft(Capacity: 2), Clock.GetCurrentInstant()), raised.Version, Changed(), Announcer, default);
        var stale = await Store.UpdateCohortAsync(raised.Change(new CohortDraft(Capacity: 5), Clock.GetCurrentInstant()), current.Version, Changed(), Announcer, default);
        var list = await Store.ListEnrolmentsAsync(new EnrolmentQuery(cohort.Id, null, EnrolmentState.Waitlisted, null, 10), default);

        Assert.Equal((3, 1), (raised.EnrolledCount, raised.WaitlistCount));
        Assert.Equal(3, Assert.IsType<CohortWrite.CapacityBelowEnrolment>(lowered).Enrolled);
        Assert.IsType<CohortWrite.Stale>(stale);
        Assert.Equal(["d"], list.Select(e => e.ClientId));
    }

    [SkippableFact]
    public async Task ConcurrentEnrolments_NeverOverfill_WaitlistPositionsUnique()
    {
        Skip.If(SkipReason is not null, SkipReason);
        var cohort = await SeedAsync(5);

        var results = await Task.WhenAll(Enumerable.Range(0, 30).Select(i => Task.Run(() => JoinAsync(cohort, $"p{i}"))));

        Assert.Equal(5, results.Count(r => r.State == EnrolmentState.Enrolled));
        Assert.Equal(Enumerable.Range(1, 25), results.Where(r => r.State == EnrolmentState.Waitlisted).Select(r => r.WaitlistPosition).Order());
    }

    [SkippableFact]
    public async Task Teaching_ListsSessionsOfLiveCohorts()
    {
        Skip.If(SkipReason is not null, SkipReason);
        var cohort = await SeedAsync(3, coachId: "coach-1");

        var found = await Store.ListTeachingAsync(["coach-1", "coach-2"], Instant.FromUtc(2027, 1, 11, 0, 0), Instant.FromUtc(2027, 1, 12, 0, 0), default);
        var none = await Store.ListTeachingAsync(["coach-2"], Instant.FromUtc(2027, 1, 11, 0, 0), Instant.FromUtc(2027, 1, 12, 0, 0), default);

        var teaching = Assert.Single(found);
        Assert.Equal(("coach-1", cohort.CourseId, cohort.Id, 0), (teaching.CoachId, teaching.CourseId, teaching.CohortId, teaching.Index));
        Assert.Equal(cohort.Sessions[0].Start, teaching.Session.Start);
        Assert.Equal(cohort.Sessions[0].End, teaching.Session.End);
        var second = await Store.ListTeachingAsync(["coach-1"], Instant.FromUtc(2027, 1, 18, 0, 0), Instant.FromUtc(2027, 1, 19, 0, 0), default);
        Assert.Equal(1, Assert.Single(second).Index);
        Assert.Empty(none);
    }

    [SkippableFact]
    public async Task EnrolmentChanges_RecordTheirEventsWithThemselves_IncludingWhoWasPromoted()
    {
        Skip.If(SkipReason is not null, SkipReason);
        var cohort = await SeedAsync(1);
        var a = await JoinAsync(cohort, "a");
        var b = await JoinAsync(cohort, "b");
        var c = await JoinAsync(cohort, "c");
        Assert.IsType<EnrolOutcome.AlreadyEnrolled>(await EnrolAsync(cohort, "c")); // a refused enrolment records nothing
        await WithdrawAsync(a);
        var current = (await Store.GetCohortAsync(cohort.CourseId, cohort.Id, default))!;
        await UpdateAsync(current, new CohortDraft(Capacity: 2));

        await Outbox.RelayAsync("contract", Clock.GetCurrentInstant(), _ => Task.FromResult<IReadOnlyList<Coaching.Domain.Outbox.Delivery>>([]), default);
        var log = await Outbox.ReadLogAsync(0, 100, default);

        var expected = new[]
        {
            ("enrolment.enrolled", a.Id), ("enrolment.waitlisted", b.Id), ("enrolment.waitlisted", c.Id),
            ("enrolment.withdrawn", a.Id), ("enrolment.promoted", b.Id), ("cohort.changed", string.Empty), ("enrolment.promoted", c.Id),
        };
        Assert.Equal(expected.Select(e => e.Item1), log.Select(e => e.Entry.Type));
        Assert.Equal(expected.Where(e => e.Item2.Length > 0).Select(e => e.Item2), _announced.Select(x => x.Id));
        Assert.Equal([EnrolmentState.Enrolled, EnrolmentState.Waitlisted, EnrolmentState.Waitlisted, EnrolmentState.Withdrawn, EnrolmentState.Enrolled,
            EnrolmentState.Enrolled], _announced.Select(x => x.State));
        Assert.Equal(log.Select(e => e.Position).Order(), log.Select(e => e.Position));
    }

    [SkippableFact]
    public async Task EnrolmentInvites_EachSequenceOnce_LatestPerEnrolment()
    {
        Skip.If(SkipReason is not null, SkipReason);
        var at = Clock.GetCurrentInstant();
        var first = new Coaching.Domain.Calendar.Invite(1, Coaching.Domain.Calendar.InviteMethod.Request, 0, "u1", [1, 2, 3], at);
        var rival = new Coaching.Domain.Calendar.Invite(1, Coaching.Domain.Calendar.InviteMethod.Request, 0, "u1", [9], at);
        var second = new Coaching.Domain.Calendar.Invite(2, Coaching.Domain.Calendar.InviteMethod.Cancel, 1, "u1", [4], at);

        Assert.True(await Invites.TryAppendAsync("e1", "h1", first, "d1", Entry("x1", at), default));
        Assert.False(await Invites.TryAppendAsync("e1", "h1", rival, "d1", Entry("x-rival", at), default));
        Assert.True(await Invites.TryAppendAsync("e1", "h1", second, "d1", Entry("x2", at), default));
        Assert.True(await Invites.TryAppendAsync("e2", "h1", first, "d2", Entry("x3", at), default));
        var list = await Invites.ListAsync("e1", default);
        var latest = await Invites.LatestAsync("h1", default);
        var latestFor = await Invites.LatestForAsync(["e2"], default);

        Assert.Equal([(byte)1, (byte)2, (byte)3], list[0].Content);
        Assert.Equal(2, list.Count);
        Assert.Equal(new LastInvite(Coaching.Domain.Calendar.InviteMethod.Cancel, 1, "d1"), latest["e1"]);
        Assert.Equal(new LastInvite(Coaching.Domain.Calendar.InviteMethod.Request, 0, "d2"), Assert.Single(latestFor).Value);
        // Each appended message recorded its e-mail entry in the same write; the refused rival recorded nothing.
        await Outbox.RelayAsync("contract", at, _ => Task.FromResult<IReadOnlyList<Coaching.Domain.Outbox.Delivery>>([]), default);
        Assert.Equal(["x1", "x2", "x3"], (await Outbox.ReadLogAsync(0, 10, default)).Select(e => e.Entry.Id));
    }

    private static Coaching.Domain.Outbox.OutboxEntry Entry(string id, Instant at) =>
        new(id, Coaching.Domain.Outbox.OutboxEntry.InviteOnly, "courses/c/cohorts/h1/enrolments/e", ["users/u"], [], null, at);
}
