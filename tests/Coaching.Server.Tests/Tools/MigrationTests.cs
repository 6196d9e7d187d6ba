using Coaching.Contracts.V1;
using Coaching.Domain.Migration;
using Coaching.Server.Tests.Bookings;
using Coaching.Server.Tests.Courses;
using Coaching.Storage.Mongo.Bookings;
using Coaching.Storage.Mongo.Coaches;
using Coaching.Storage.Mongo.Courses;
using Coaching.Storage.Mongo.Migration;
using Coaching.Storage.Sqlite;
using Coaching.Storage.Sqlite.Migration;
using MongoDB.Bson;
using MongoDB.Bson.Serialization;
using DomainEnrolmentState = Coaching.Domain.Courses.EnrolmentState;

namespace Coaching.Server.Tests.Tools;

/// <summary>
/// The copy from the embedded store into MongoDB, without a MongoDB server: a world made through the public API on SQLite is read
/// by the migration source, turned into the documents MongoDB would hold, and those documents read back with the Mongo store's
/// own document types must give what the SQLite store holds. The copy's resuming is checked against an in-memory target that
/// keeps documents by id as MongoDB's upserts do. The live copy into a real server is in <see cref="LiveMigrationTests"/>.
/// </summary>
public sealed class MigrationTests : IAsyncLifetime, IAsyncDisposable
{
    private readonly ServerFixture _server = new();
    private SqliteDatabase? _database;
    private MigrationWorld? _world;

    private SqliteMigrationSource Source => new(_database!);

    public async Task InitializeAsync()
    {
        await _server.InitializeAsync();
        _world = await MigrationWorld.BuildAsync(_server);
        _database = new SqliteDatabase(Path.Combine(_server.DataDirectory, "coaching.db"));
    }

    public async Task DisposeAsync()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }

        await _server.DisposeAsync();
    }

    ValueTask IAsyncDisposable.DisposeAsync() => new(DisposeAsync());

    private async Task<List<IExported>> ReadAllAsync(MigrationKind kind, int pageSize = 2)
    {
        var all = new List<IExported>();
        for (string? after = null; ;)
        {
            var page = await Source.ReadAsync(kind, after, pageSize, default);
            if (page.Count == 0)
            {
                return all;
            }

            Assert.True(page.Count <= pageSize);
            Assert.All(page, item => Assert.True(after is null || string.CompareOrdinal(item.Key, after) > 0, "keys ascend across pages"));
            all.AddRange(page);
            after = page[^1].Key;
        }
    }

    private static List<(string Collection, BsonDocument Document)> DocumentsOf(IEnumerable<IExported> items) =>
        [.. items.SelectMany(MongoMigrationTarget.Documents)];

    private static T Read<T>(BsonDocument document) => BsonSerializer.Deserialize<T>(document);

    [Fact]
    public async Task Source_ReadsEveryRowOfEveryKind_PageByPage_InKeyOrder()
    {
        foreach (var kind in Enum.GetValues<MigrationKind>())
        {
            var items = await ReadAllAsync(kind);
            Assert.Equal(await Source.CountAsync(kind, default), items.Sum(i => (long)i.Rows));
            Assert.Equal(items.Count, items.Select(i => i.Key).Distinct(StringComparer.Ordinal).Count());
        }

        // The world as the API made it (an independent count of what exists).
        Assert.Equal(_world!.Bookings.Count, (await ReadAllAsync(MigrationKind.Bookings)).Count);
        Assert.Equal(3, (await ReadAllAsync(MigrationKind.Cohorts)).Cast<ExportedCohort>().Single(c => c.Cohort.CourseId != "events").Enrolments.Count);
        Assert.Single(await ReadAllAsync(MigrationKind.Overrides)); // one created, one created and deleted
        Assert.Single(await ReadAllAsync(MigrationKind.Webhooks));
        Assert.Contains(await ReadAllAsync(MigrationKind.Feeds), f => ((ExportedFeed)f).Feed.Owner == "users/mig-feed");
        Assert.Contains(await ReadAllAsync(MigrationKind.Settings), s => s.Key == "feed_secret");
        Assert.True(await Source.CountAsync(MigrationKind.Log, default) >= 20);
        var question = (ExportedQuestion)Assert.Single(await ReadAllAsync(MigrationKind.Questions));
        Assert.Equal(["mig-hal"], question.Voters);
        Assert.Equal(1, question.Question.Votes);
        Assert.Single(await ReadAllAsync(MigrationKind.Events));
    }

    [Fact]
    public async Task Bookings_BecomeDocumentsThatReadBackAsTheSameBookings_WithClaimsHistoryAndInvitesSplitAsTheArchiveWould()
    {
        var exported = (await ReadAllAsync(MigrationKind.Bookings)).Cast<ExportedBooking>().ToList();
        var moved = exported.Single(b => b.Booking.Id == _world!.Moved.Split('/')[^1]);
        Assert.True(moved.Booking.History.Count > BookingArchive.Kept && moved.Invites.Count > BookingArchive.Kept, "the world has a long history to archive");
        Assert.Empty(exported.Single(b => b.Booking.Id == _world!.Cancelled.Split('/')[^1]).Claims); // a cancelled booking holds nothing

        foreach (var booking in exported)
        {
            var documents = DocumentsOf([booking]);
            var document = Read<BookingDocument>(documents.Single(d => d.Collection == BookingDocument.Collection).Document);
            var records = documents.Where(d => d.Collection == BookingRecordDocument.Collection).Select(d => Read<BookingRecordDocument>(d.Document)).ToList();
            Assert.True(document.History.Count <= BookingArchive.Kept && document.Invites.Count <= BookingArchive.Kept, "embedded arrays stay bounded");
            Assert.Equal(booking.Claims, document.Claims ?? []);
            var invites = BookingArchive.AllInvites(document, records).Select(i => i.ToDomain()).ToList();
            BookingArchive.Restore([document], records);
            Assert.Equivalent(booking.Booking, document.ToDomain(), strict: true);
            Assert.Equal(booking.Invites.Select(i => (i.Ordinal, i.Sequence, i.Method, i.Uid, i.CreateTime, Convert.ToBase64String(i.Content))),
                invites.Select(i => (i.Ordinal, i.Sequence, i.Method, i.Uid, i.CreateTime, Convert.ToBase64String(i.Content))));
            Assert.Equal(booking.Request?.RequestId, document.RequestId);
            Assert.Equal(booking.Request?.Fingerprint, document.RequestFingerprint);
        }
    }

    [Fact]
    public async Task Cohorts_EmbedSeatedAndWaitingEntries_AndMoveWithdrawnOnesToRecords_AsTheStoreDoes()
    {
        var cohort = (await ReadAllAsync(MigrationKind.Cohorts)).Cast<ExportedCohort>().Single(c => c.Cohort.CourseId != "events");
        var documents = DocumentsOf([cohort]);
        var document = Read<CohortDocument>(documents.Single(d => d.Collection == CohortDocument.Collection).Document);
        var records = documents.Where(d => d.Collection == EnrolmentRecordDocument.Collection).Select(d => Read<EnrolmentRecordDocument>(d.Document).ToDomain());
        var requests = documents.Where(d => d.Collection == EnrolmentRequestDocument.Collection).Select(d => Read<EnrolmentRequestDocument>(d.Document)).ToList();

        Assert.Equal(CohortDocument.CohortKind, documents.Single(d => d.Collection == CohortDocument.Collection).Document[CohortDocument.KindElement].AsString);
        Assert.Equal(cohort.Claims, document.Claims);
        Assert.NotEmpty(cohort.Claims); // its sessions hold their coach's time
        Assert.Equal(cohort.NextArrival, document.NextArrival);
        Assert.Empty(document.Withdrawn);
        var expected = cohort.Enrolments.Select(e => e.Enrolment).OrderBy(e => e.Id, StringComparer.Ordinal).ToList();
        var actual = document.Enrolments().Concat(records).OrderBy(e => e.Id, StringComparer.Ordinal).ToList();
        Assert.Equivalent(expected, actual, strict: true);

        // Against the API: one seated (the promoted one), one waiting, one withdrawn.
        Assert.Equal(_world!.Enrolments.OrderBy(e => e.Name, StringComparer.Ordinal).Select(e => (e.Name.Split('/')[^1], (int)e.State)),
            actual.Select(e => (e.Id, e.State switch { DomainEnrolmentState.Enrolled => (int)EnrolmentState.Enrolled, DomainEnrolmentState.Waitlisted => (int)EnrolmentState.Waitlisted, _ => (int)EnrolmentState.Withdrawn })));
        Assert.Equal(cohort.Enrolments.Count(e => e.Request is not null), requests.Count);
        Assert.All(requests, r => Assert.Equal(cohort.Cohort.Id, r.CohortId));
    }

    [Fact]
    public async Task Catalog_ReadsBackAsItWasStored()
    {
        foreach (var coach in (await ReadAllAsync(MigrationKind.Coaches)).Cast<ExportedCoach>())
        {
            var document = Read<CoachDocument>(DocumentsOf([coach]).Single().Document);
            Assert.Equivalent(coach.Coach, document.ToDomain(), strict: true);
            Assert.Equal(coach.DeleteTime?.ToDateTimeUtc(), document.DeleteTime);
        }

        foreach (var offering in (await ReadAllAsync(MigrationKind.Offerings)).Cast<ExportedOffering>())
        {
            Assert.Equivalent(offering.Offering, Read<OfferingDocument>(DocumentsOf([offering]).Single().Document).ToDomain(), strict: true);
        }

        var setting = (ExportedSetting)(await ReadAllAsync(MigrationKind.Settings)).Single(s => s.Key == "feed_secret");
        var secret = DocumentsOf([setting]).Single();
        Assert.Equal(("settings", "feed_secret"), (secret.Collection, secret.Document["_id"].AsString));
        Assert.Equal(setting.Value, secret.Document["value"].AsByteArray); // so every subscribed feed URL keeps working
    }

    [Fact]
    public async Task EventsAndQuestions_ReadBackAsStored_WithVotersAndRequestKeys()
    {
        foreach (var e in (await ReadAllAsync(MigrationKind.Events)).Cast<ExportedEventProfile>())
        {
            Assert.Equivalent(e.Profile, Read<Coaching.Storage.Mongo.Events.EventDocument>(DocumentsOf([e]).Single().Document).ToDomain(), strict: true);
        }

        var question = (ExportedQuestion)(await ReadAllAsync(MigrationKind.Questions)).Single();
        var bson = DocumentsOf([question]).Single().Document;
        var document = Read<Coaching.Storage.Mongo.Events.QuestionDocument>(bson);
        Assert.Equivalent(question.Question, document.ToDomain(), strict: true);
        Assert.Equal(question.Voters, document.Voters);
        Assert.Equal(document.Voters.Count, document.Votes);
        Assert.Equal(("mig-gus", "ask-1"), (document.RequestScope, document.RequestId));
        Assert.False(bson.Contains("outbox")); // its entries are in the copied log
    }

    [Fact]
    public async Task CalendarConnections_KeepTheirSealedUrlAndBusyTime_InMonthBuckets()
    {
        var connection = (ExportedCalendarConnection)Assert.Single(await ReadAllAsync(MigrationKind.CalendarConnections));
        var documents = DocumentsOf([connection]);
        var copied = Read<Coaching.Storage.Mongo.Calendars.CalendarConnectionDocument>(documents.Single(d => d.Collection == "calendar_connections").Document);
        var buckets = documents.Where(d => d.Collection == "external_busy").Select(d => Read<Coaching.Storage.Mongo.Calendars.BusyBucketDocument>(d.Document)).ToList();

        Assert.Equivalent(connection.Connection, copied.ToDomain(), strict: true);
        Assert.Equal(("mig-calendar", 0L), (copied.RequestId, copied.BusyGeneration));
        Assert.Equal(3, connection.Busy.Count); // two days and an hour, in pieces of at most a day
        var back = buckets.SelectMany(b => b.Intervals).Select(i => new NodaTime.Interval(NodaTime.Instant.FromUnixTimeMilliseconds(i[0]), NodaTime.Instant.FromUnixTimeMilliseconds(i[1])));
        Assert.Equal(connection.Busy, back.OrderBy(i => i.Start));
    }

    [Fact]
    public async Task EveryDocument_HasAnId_AndStaysFarBelowTheDocumentLimit_AndClaimsDigestAlike()
    {
        var all = new List<(string Collection, BsonDocument Document)>();
        foreach (var kind in Enum.GetValues<MigrationKind>())
        {
            all.AddRange(DocumentsOf(await ReadAllAsync(kind)));
        }

        Assert.All(all, d => Assert.True(d.Document.Contains("_id"), $"{d.Collection} document without _id"));
        Assert.All(all, d => Assert.True(d.Document.ToBson().Length < 256 * 1024, $"{d.Collection} document of {d.Document.ToBson().Length} bytes"));
        Assert.Equal(all.Count, all.Select(d => (d.Collection, d.Document["_id"].ToString())).Distinct().Count()); // no two items write one document
        var copied = ClaimDigest.Of(all.Where(d => d.Collection == BookingDocument.Collection && d.Document.Contains("claims"))
            .SelectMany(d => d.Document["claims"].AsBsonArray.Select(c => c.AsString)));
        Assert.Equal(await Source.ClaimsAsync(default), copied);
        Assert.True(copied.Count > 0);
    }

    [Fact]
    public async Task Copy_StoppedPartWay_ResumesAfterTheLastWrittenPage_AndARerunWritesNothingNew()
    {
        await WaitForFanOutAsync();
        var target = new MemoryTarget();
        using var stop = new CancellationTokenSource();
        var pages = 0;
        var first = new StoreCopy(Source, target, pageSize: 3);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first.RunAsync(new Reporter(p =>
        {
            if (!p.Done && p.Copied > 0 && ++pages == 6)
            {
                stop.Cancel();
            }
        }), stop.Token));
        var writtenBeforeStop = target.ItemsWritten;

        var resumedKinds = new HashSet<MigrationKind>();
        var comparison = await new StoreCopy(Source, target, pageSize: 3).RunAsync(new Reporter(p =>
        {
            if (p.Resumed)
            {
                resumedKinds.Add(p.Kind);
            }
        }), default);
        var writtenByResume = target.ItemsWritten - writtenBeforeStop;
        var again = await new StoreCopy(Source, target, pageSize: 3).RunAsync(new Reporter(_ => { }), default);

        var total = 0L;
        foreach (var kind in Enum.GetValues<MigrationKind>())
        {
            total += (await ReadAllAsync(kind)).Count;
        }

        Assert.All(comparison, c => Assert.True(c.Same, $"{c.What}: {c.Source} in SQLite, {c.Target} copied"));
        Assert.NotEmpty(resumedKinds);
        Assert.True(writtenBeforeStop > 0);
        Assert.Equal(total, writtenBeforeStop + writtenByResume); // the resumed run did not write again what was recorded
        Assert.Equal(target.ItemsWritten, writtenBeforeStop + writtenByResume); // the third run found everything done
        Assert.All(again, c => Assert.True(c.Same));
    }

    [Fact]
    public async Task Copy_IntoATargetHoldingOtherData_IsRefused()
    {
        await WaitForFanOutAsync();
        var target = new MemoryTarget { Foreign = true };
        var refused = await Assert.ThrowsAsync<MigrationRefusedException>(() => new StoreCopy(Source, target).RunAsync(new Reporter(_ => { }), default));
        Assert.Contains("empty database", refused.Message, StringComparison.Ordinal);
        Assert.Equal(0, target.ItemsWritten);
    }

    private async Task WaitForFanOutAsync()
    {
        for (var i = 0; i < 200 && await Source.UnplannedLogEntriesAsync(default) > 0; i++)
        {
            await Task.Delay(50);
        }

        Assert.Equal(0, await Source.UnplannedLogEntriesAsync(default));
    }

    private sealed class Reporter(Action<MigrationProgress> report) : IProgress<MigrationProgress>
    {
        public void Report(MigrationProgress value) => report(value);
    }

    /// <summary>
    /// A target that keeps documents by (collection, _id) as upserts do, counts rows from what it holds, and records where each
    /// kind got to: the copy's control flow, without a server.
    /// </summary>
    private sealed class MemoryTarget : IMigrationTarget
    {
        private readonly Dictionary<(string, string), BsonDocument> _documents = [];
        private readonly Dictionary<MigrationKind, string> _progress = [];
        private readonly Dictionary<MigrationKind, HashSet<string>> _keys = [];
        private readonly Dictionary<MigrationKind, Dictionary<string, int>> _rows = [];

        public bool Foreign { get; init; }

        public long ItemsWritten { get; private set; }

        public Task<bool> HoldsForeignDataAsync(CancellationToken cancellationToken) => Task.FromResult(Foreign);

        public Task<string?> ResumePointAsync(MigrationKind kind, CancellationToken cancellationToken) => Task.FromResult(_progress.GetValueOrDefault(kind));

        public Task WriteAsync(MigrationKind kind, IReadOnlyList<IExported> items, CancellationToken cancellationToken)
        {
            foreach (var item in items)
            {
                foreach (var (collection, document) in MongoMigrationTarget.Documents(item))
                {
                    _documents[(collection, document["_id"].ToString()!)] = document;
                }

                _rows.TryAdd(kind, []);
                _rows[kind][item.Key] = item.Rows;
                ItemsWritten++;
            }

            _progress[kind] = items[^1].Key;
            return Task.CompletedTask;
        }

        public Task<long> CountAsync(MigrationKind kind, CancellationToken cancellationToken) =>
            Task.FromResult(_rows.TryGetValue(kind, out var rows) ? rows.Values.Sum(r => (long)r) : 0L);

        public Task<ClaimDigest> ClaimsAsync(CancellationToken cancellationToken) => Task.FromResult(ClaimDigest.Of(_documents
            .Where(d => d.Key.Item1 == BookingDocument.Collection && d.Value.Contains("claims"))
            .SelectMany(d => d.Value["claims"].AsBsonArray.Select(c => c.AsString))));
    }
}

/// <summary>What the API made: bookings (one moved many times, one cancelled), a cohort's three enrolments, and more.</summary>
internal sealed record MigrationWorld(List<string> Bookings, string Moved, string Cancelled, List<Enrolment> Enrolments)
{
    public static async Task<MigrationWorld> BuildAsync(ServerFixture server)
    {
        var s = await BookingScenario.CreateAsync(server);
        var kept = await s.BookAsync("mig-ann", BookingScenario.At(14, 9));
        var cancelled = await s.BookAsync("mig-bob", BookingScenario.At(14, 11));
        cancelled = await s.AsClient("mig-bob").CancelBookingAsync(new CancelBookingRequest { Name = cancelled.Name, Reason = "ill" });
        var moved = await s.BookAsync("mig-cat", BookingScenario.At(15, 9));
        for (var i = 1; i <= 10; i++)
        {
            moved = await s.AsClient("mig-cat").RescheduleBookingAsync(new RescheduleBookingRequest
            {
                Name = moved.Name, Etag = moved.Etag, StartTime = BookingScenario.At(15, 9 + i), RequestId = $"move-{i}",
            });
        }

        var availability = new AvailabilityService.AvailabilityServiceClient(server.Channel(s.CoachToken));
        await availability.CreateDateOverrideAsync(new CreateDateOverrideRequest
        {
            Parent = s.Coach.Name, RequestId = "off-1",
            DateOverride = new DateOverride { StartDate = new Date { Year = 2026, Month = 12, Day = 28 }, Kind = DateOverrideKind.Unavailable, Reason = "Off" },
        });
        var gone = await availability.CreateDateOverrideAsync(new CreateDateOverrideRequest
        {
            Parent = s.Coach.Name,
            DateOverride = new DateOverride { StartDate = new Date { Year = 2026, Month = 12, Day = 29 }, Kind = DateOverrideKind.Unavailable, Reason = "Off" },
        });
        await availability.DeleteDateOverrideAsync(new DeleteDateOverrideRequest { Name = gone.Name });

        var c = await CohortScenario.CreateAsync(server, capacity: 1);
        var first = await c.EnrolAsync("mig-dan", "enrol-dan");
        await c.EnrolAsync("mig-eve", "enrol-eve");
        await c.EnrolAsync("mig-fay");
        await c.AsClient("mig-dan").WithdrawEnrolmentAsync(new WithdrawEnrolmentRequest { Name = first.Name, Reason = "moved away" });

        await new CalendarService.CalendarServiceClient(server.Channel(server.Token("mig-feed", "client"))).GetFeedAsync(new GetFeedRequest { Name = "users/mig-feed/feed" });
        await new DeliveryService.DeliveryServiceClient(server.Channel(server.Token("admin-1", "admin"))).CreateWebhookAsync(new CreateWebhookRequest
        {
            Webhook = new Webhook { Url = "https://hooks.example.org/coaching", Active = true, EventTypes = { "booking.created" } }, RequestId = "hook-1",
        });
        var e = await Events.EventScenario.CreateAsync(server, capacity: 3);
        await e.RegisterAsync("mig-gus");
        await e.RegisterAsync("mig-hal");
        var asked = await e.AsClient("mig-gus").CreateQuestionAsync(new CreateQuestionRequest
        {
            Parent = e.Event.Name, Question = new Question { Text = "How do I start?" }, RequestId = "ask-1",
        });
        await e.AsClient("mig-hal").VoteQuestionAsync(new VoteQuestionRequest { Name = asked.Name });
        await using (var ics = await ExternalCalendars.IcsServer.StartAsync())
        {
            ics.Put("/mig.ics", "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\nUID:m@example.org\r\nDTSTART:20261220T090000Z\r\n"
                + "DTEND:20261222T100000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n");
            await new CalendarService.CalendarServiceClient(server.Channel(s.CoachToken)).CreateCalendarConnectionAsync(new CreateCalendarConnectionRequest
            {
                Parent = s.Coach.Name, CalendarConnection = new CalendarConnection { Url = ics.BaseAddress + "/mig.ics" }, RequestId = "mig-calendar",
            });
        }

        return new MigrationWorld([kept.Name, cancelled.Name, moved.Name], moved.Name, cancelled.Name, await c.AllAsync());
    }
}
