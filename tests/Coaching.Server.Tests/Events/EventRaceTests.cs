using Coaching.Contracts.V1;
using Grpc.Core;
using Grpc.Net.Client;
using Duration = Google.Protobuf.WellKnownTypes.Duration;
using FieldMask = Google.Protobuf.WellKnownTypes.FieldMask;
using Timestamp = Google.Protobuf.WellKnownTypes.Timestamp;

namespace Coaching.Server.Tests.Events;

/// <summary>
/// Events under races, through two real server processes on one SQLite file: only the database decides seats, votes and the
/// hosts' time.
/// </summary>
public sealed class EventRaceTests : IAsyncLifetime
{
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "coaching-event-races", Guid.NewGuid().ToString("N"));
    private readonly List<ServerProcess> _servers = [];
    private readonly List<GrpcChannel> _channels = [];

    public async Task InitializeAsync()
    {
        for (var i = 0; i < 2; i++)
        {
            var server = await ServerProcess.StartAsync(_dataDirectory, "Warning", "Coaching:RateLimits:Enabled=false");
            _servers.Add(server);
            _channels.Add(GrpcChannel.ForAddress(server.Address));
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var channel in _channels)
        {
            channel.Dispose();
        }

        foreach (var server in _servers)
        {
            await server.DisposeAsync();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dataDirectory, recursive: true);
    }

    private Metadata As(string subject, string role, string? coachId = null) => ServerProcess.Headers(DevTokens.Mint(_dataDirectory, subject, role, coachId));

    private EventService.EventServiceClient Events(int i) => new(_channels[i % 2]);

    private async Task<(Coach Host, ScheduledEvent Event)> CreateAsync(int capacity, DateTime start)
    {
        var admin = As("admin-1", "admin");
        var host = await new CoachService.CoachServiceClient(_channels[0]).CreateCoachAsync(new CreateCoachRequest
        {
            Coach = new Coach { DisplayName = "Race Host", Email = "host@example.org", TimeZone = "UTC" },
        }, admin);
        var created = await Events(1).CreateEventAsync(new CreateEventRequest
        {
            Event = new ScheduledEvent
            {
                Title = "Drop-in Q&A", Kind = EventKind.DropIn, Hosts = { host.Name }, StartTime = Timestamp.FromDateTime(start),
                Duration = Duration.FromTimeSpan(TimeSpan.FromMinutes(60)), Capacity = capacity, State = EventState.Open,
            },
        }, admin);
        return (host, created);
    }

    [Fact]
    public async Task FiveHundredRegistrations_HundredSeats_TwoProcesses_ExactlyHundredSeated_OneFifoLine()
    {
        var (_, created) = await CreateAsync(100, DateTime.UtcNow.Date.AddDays(30).AddHours(12));
        using var go = new ManualResetEventSlim(false);
        var attempts = Enumerable.Range(0, 500).Select(i => Task.Run(async () =>
        {
            var headers = As($"race-{i}", "client");
            go.Wait();
            return await Events(i).CreateRegistrationAsync(new CreateRegistrationRequest { Parent = created.Name, RequestId = $"r-{i}" }, headers);
        })).ToList();
        go.Set();
        var results = await Task.WhenAll(attempts);
        var admin = As("admin-1", "admin");
        var line = new List<Registration>();
        for (var token = string.Empty; ;)
        {
            var page = await Events(0).ListRegistrationsAsync(new ListRegistrationsRequest { Parent = created.Name, PageSize = 200, PageToken = token }, admin);
            line.AddRange(page.Registrations);
            token = page.NextPageToken;
            if (token.Length == 0)
            {
                break;
            }
        }

        var read = await Events(1).GetEventAsync(new GetEventRequest { Name = created.Name }, admin);
        var waiting = results.Where(r => r.State == RegistrationState.Waitlisted).ToList();

        Assert.Equal(100, results.Count(r => r.State == RegistrationState.Registered));
        Assert.Equal(Enumerable.Range(1, 400), waiting.Select(r => r.WaitlistPosition).Order()); // each got a distinct place in one line
        Assert.Equal((100, 0, 400), (read.RegisteredCount, read.SeatsLeft, read.WaitlistCount));
        // The line as stored is the order in which places were given: the one told position k is k-th.
        var stored = line.Where(r => r.State == RegistrationState.Waitlisted).ToList();
        Assert.Equal(waiting.OrderBy(r => r.WaitlistPosition).Select(r => r.Name), stored.Select(r => r.Name));

        // Ten seated people withdraw at once, through both processes: the first ten waiting take their seats, in order.
        var leaving = results.Where(r => r.State == RegistrationState.Registered).Take(10).ToList();
        await Task.WhenAll(leaving.Select((r, i) => Events(i).WithdrawRegistrationAsync(new WithdrawRegistrationRequest { Name = r.Name }, admin).ResponseAsync));
        var after = await Events(0).GetEventAsync(new GetEventRequest { Name = created.Name }, admin);
        var promoted = await Task.WhenAll(stored.Take(11).Select(r => Events(1).GetRegistrationAsync(new GetRegistrationRequest { Name = r.Name }, admin).ResponseAsync));

        Assert.Equal((100, 390), (after.RegisteredCount, after.WaitlistCount));
        Assert.All(promoted.Take(10), r => Assert.Equal(RegistrationState.Registered, r.State));
        Assert.Equal((RegistrationState.Waitlisted, 1), (promoted[10].State, promoted[10].WaitlistPosition));
    }

    [Fact]
    public async Task ConcurrentVotes_OnOneQuestion_ThroughBothProcesses_CountEachRegistrantOnce()
    {
        var (_, created) = await CreateAsync(0, DateTime.UtcNow.Date.AddDays(31).AddHours(12));
        var voters = Enumerable.Range(0, 80).Select(i => $"voter-{i}").ToList();
        await Task.WhenAll(voters.Append("asker").Select((v, i) => Events(i).CreateRegistrationAsync(
            new CreateRegistrationRequest { Parent = created.Name, RequestId = $"reg-{v}" }, As(v, "client")).ResponseAsync));
        var question = await Events(0).CreateQuestionAsync(new CreateQuestionRequest
        {
            Parent = created.Name, Question = new Question { Text = "How do I start?" }, RequestId = "q-1",
        }, As("asker", "client"));

        using var go = new ManualResetEventSlim(false);
        var votes = voters.Concat(voters).Concat(voters).Select((v, i) => Task.Run(async () =>
        {
            var headers = As(v, "client");
            go.Wait();
            return await Events(i).VoteQuestionAsync(new VoteQuestionRequest { Name = question.Name }, headers);
        })).ToList();
        go.Set();
        await Task.WhenAll(votes);
        var listed = await Events(1).ListQuestionsAsync(new ListQuestionsRequest { Parent = created.Name }, As("admin-1", "admin"));

        Assert.Equal(80, Assert.Single(listed.Questions).VoteCount);
        Assert.All(votes, v => Assert.True(v.Result.ViewerVoted));
    }

    [Fact]
    public async Task AnEventOverAHostsTime_RacingBookingsThroughBothProcesses_NeverBothStand()
    {
        var admin = As("admin-1", "admin");
        var host = await new CoachService.CoachServiceClient(_channels[0]).CreateCoachAsync(new CreateCoachRequest
        {
            Coach = new Coach { DisplayName = "Busy Host", Email = "busy@example.org", TimeZone = "UTC" },
        }, admin);
        var offering = await new CoachService.CoachServiceClient(_channels[1]).CreateOfferingAsync(new CreateOfferingRequest
        {
            Parent = host.Name, Offering = new Offering { Title = "Coaching", Duration = Duration.FromTimeSpan(TimeSpan.FromMinutes(30)) },
        }, admin);
        await new AvailabilityService.AvailabilityServiceClient(_channels[0]).UpdateWeeklyScheduleAsync(new UpdateWeeklyScheduleRequest
        {
            WeeklySchedule = new WeeklySchedule
            {
                Name = $"{host.Name}/weeklySchedule",
                Windows = { Enumerable.Range(1, 7).Select(d => new WeeklyWindow { Weekday = (Weekday)d, StartTime = new TimeOfDay { Hours = 0 }, EndTime = new TimeOfDay { Hours = 24 } }) },
            },
        }, admin);

        var outcomes = new List<(bool EventStood, int BookingsInside)>();
        for (var round = 0; round < 6; round++)
        {
            var start = DateTime.UtcNow.Date.AddDays(40 + round).AddHours(10);
            using var go = new ManualResetEventSlim(false);
            var bookings = Enumerable.Range(0, 16).Select(i => Task.Run(async () =>
            {
                var headers = As($"booker-{round}-{i}", "client");
                go.Wait();
                try
                {
                    await new BookingService.BookingServiceClient(_channels[i % 2]).CreateBookingAsync(new CreateBookingRequest
                    {
                        Booking = new Booking { Offering = offering.Name, StartTime = Timestamp.FromDateTime(start.AddMinutes(30 * (i % 4))) },
                        RequestId = $"b-{round}-{i}",
                    }, headers);
                    return true;
                }
                catch (RpcException e) when (e.StatusCode is StatusCode.FailedPrecondition or StatusCode.Aborted)
                {
                    return false;
                }
            })).ToList();
            var eventTask = Task.Run(async () =>
            {
                go.Wait();
                try
                {
                    await Events(round).CreateEventAsync(new CreateEventRequest
                    {
                        Event = new ScheduledEvent
                        {
                            Title = "Webinar", Kind = EventKind.Webinar, Hosts = { host.Name }, StartTime = Timestamp.FromDateTime(start),
                            Duration = Duration.FromTimeSpan(TimeSpan.FromMinutes(120)), State = EventState.Open,
                        },
                    }, admin);
                    return true;
                }
                catch (RpcException e) when (e.StatusCode == StatusCode.FailedPrecondition)
                {
                    return false;
                }
            });
            go.Set();
            var booked = await Task.WhenAll(bookings);
            outcomes.Add((await eventTask, booked.Count(b => b)));
        }

        // Whichever write reached the database first won; an event and a booking inside its time never both stand.
        Assert.All(outcomes, o => Assert.True(!o.EventStood || o.BookingsInside == 0, $"event stood with {o.BookingsInside} bookings inside it"));
        Assert.All(outcomes, o => Assert.True(o.EventStood || o.BookingsInside > 0, "the event was refused although nothing took the time"));
    }
    [Fact]
    public async Task ConcurrentUpdates_ThroughBothProcesses_AnUpdateIsAppliedWholeOrNotAtAll()
    {
        var admin = As("admin-1", "admin");
        var first = DateTime.UtcNow.Date.AddDays(60).AddHours(9);
        var (_, created) = await CreateAsync(10, first);
        for (var round = 1; round <= 12; round++)
        {
            var moveTo = first.AddHours(round % 2 == 1 ? 1 : 0);
            var words = $"Round {round}";
            using var go = new ManualResetEventSlim(false);
            // One moves the event (its cohort and its profile change); the other rewords it (its profile only). Neither sends an etag.
            var move = Task.Run(async () =>
            {
                go.Wait();
                return await OutcomeAsync(Events(round).UpdateEventAsync(new UpdateEventRequest
                {
                    Event = new ScheduledEvent { Name = created.Name, StartTime = Timestamp.FromDateTime(moveTo), Title = $"Moved {round}" },
                    UpdateMask = new FieldMask { Paths = { "start_time", "title" } },
                }, admin).ResponseAsync);
            });
            var reword = Task.Run(async () =>
            {
                go.Wait();
                return await OutcomeAsync(Events(round + 1).UpdateEventAsync(new UpdateEventRequest
                {
                    Event = new ScheduledEvent { Name = created.Name, Description = words },
                    UpdateMask = new FieldMask { Paths = { "description" } },
                }, admin).ResponseAsync);
            });
            var before = await Events(0).GetEventAsync(new GetEventRequest { Name = created.Name }, admin);
            go.Set();
            var (moved, reworded) = (await move, await reword);
            var after = await Events(round).GetEventAsync(new GetEventRequest { Name = created.Name }, admin);

            // What a call was told is what the event shows: every field it changed, or none of them.
            var movedShows = (after.StartTime.ToDateTime() == moveTo, after.Title == $"Moved {round}");
            Assert.True(moved ? movedShows == (true, true) : after.Title == before.Title && after.StartTime == before.StartTime,
                $"round {round}: the move was {(moved ? "acknowledged" : "refused")}, and the event shows start {after.StartTime}, title '{after.Title}'");
            Assert.True(reworded ? after.Description == words : after.Description == before.Description,
                $"round {round}: the rewording was {(reworded ? "acknowledged" : "refused")}, and the event says '{after.Description}'");
            Assert.True(moved || reworded, $"round {round}: both updates were refused, though each raced only the other");
        }
    }

    [Fact]
    public async Task TwoMergesOfOneQuestion_FromTheSameEtag_ThroughBothProcesses_OneWins_TheOtherMovesNoVotes()
    {
        var (_, created) = await CreateAsync(0, DateTime.UtcNow.Date.AddDays(62).AddHours(12));
        var admin = As("admin-1", "admin");
        var people = new[] { "m-src", "m-one", "m-two" }.Concat(Enumerable.Range(0, 6).Select(i => $"m-voter-{i}")).ToList();
        await Task.WhenAll(people.Select((p, i) => Events(i).CreateRegistrationAsync(
            new CreateRegistrationRequest { Parent = created.Name, RequestId = $"reg-{p}" }, As(p, "client")).ResponseAsync));
        for (var round = 0; round < 8; round++)
        {
            var ask = (string who) => Events(0).CreateQuestionAsync(new CreateQuestionRequest
            {
                Parent = created.Name, Question = new Question { Text = $"Round {round}: {who} asks" }, RequestId = $"q-{round}-{who}",
            }, As(who, "client")).ResponseAsync;
            var (source, one, two) = (await ask("m-src"), await ask("m-one"), await ask("m-two"));
            foreach (var voter in people.Skip(3))
            {
                await Events(1).VoteQuestionAsync(new VoteQuestionRequest { Name = source.Name }, As(voter, "client"));
            }

            var etag = (await Events(0).ListQuestionsAsync(new ListQuestionsRequest { Parent = created.Name, PageSize = 100 }, admin))
                .Questions.Single(q => q.Name == source.Name).Etag;
            using var go = new ManualResetEventSlim(false);
            var merges = new[] { one, two }.Select((target, i) => Task.Run(async () =>
            {
                go.Wait();
                return await OutcomeAsync(Events(i).UpdateQuestionAsync(new UpdateQuestionRequest
                {
                    Question = new Question { Name = source.Name, Etag = etag, MergedInto = target.Name }, UpdateMask = new FieldMask { Paths = { "merged_into" } },
                }, admin).ResponseAsync);
            })).ToList();
            go.Set();
            var won = await Task.WhenAll(merges);
            var listed = (await Events(1).ListQuestionsAsync(new ListQuestionsRequest { Parent = created.Name, PageSize = 100 }, admin)).Questions;
            var votes = (listed.Single(q => q.Name == one.Name).VoteCount, listed.Single(q => q.Name == two.Name).VoteCount);

            // From one etag exactly one merge stands; the refused one moved no votes.
            Assert.Equal(1, won.Count(w => w));
            Assert.Equal(won[0] ? (6, 0) : (0, 6), votes);
            Assert.Equal(won[0] ? one.Name : two.Name, listed.Single(q => q.Name == source.Name).MergedInto);
        }
    }

    // True when the call succeeded, false when it was refused because the event changed under it (ABORTED).
    private static async Task<bool> OutcomeAsync<T>(Task<T> call)
    {
        try
        {
            await call;
            return true;
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.Aborted)
        {
            return false;
        }
    }
}
