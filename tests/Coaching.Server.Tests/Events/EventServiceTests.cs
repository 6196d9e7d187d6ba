using System.Text;
using Coaching.Contracts.V1;
using Coaching.Domain.Courses;
using Coaching.Server.Tests.Bookings;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using EventState = Coaching.Contracts.V1.EventState;

namespace Coaching.Server.Tests.Events;

[Collection(UsesServer.Name)]
public class EventServiceTests(ServerFixture server) : ServerTest(server)
{
    private CalendarService.CalendarServiceClient Calendar(string token) => new(server.Channel(token));

    private static string Unfolded(Invite invite) => Encoding.UTF8.GetString(invite.Content.Span).Replace("\r\n ", string.Empty, StringComparison.Ordinal);

    [Fact]
    public async Task Registration_SeatsThenWaitlistsInOrder_AWithdrawalPromotesTheFirstWaiting_AndOnlySeatedPeopleSeeTheJoinLink()
    {
        var s = await EventScenario.CreateAsync(server, capacity: 2);
        var ann = await s.RegisterAsync("ev-ann");
        var bob = await s.RegisterAsync("ev-bob");
        var cat = await s.RegisterAsync("ev-cat");
        var dan = await s.RegisterAsync("ev-dan");
        var again = await s.AsClient("ev-ann").CreateRegistrationAsync(new CreateRegistrationRequest { Parent = s.Event.Name, RequestId = Guid.NewGuid().ToString() });
        var seenByCat = await s.AsClient("ev-cat").GetEventAsync(new GetEventRequest { Name = s.Event.Name, ViewerTimeZone = "Asia/Kolkata" });
        var seenByAnn = await s.AsClient("ev-ann").GetEventAsync(new GetEventRequest { Name = s.Event.Name });
        var seenByHost = await s.AsHost.GetEventAsync(new GetEventRequest { Name = s.Event.Name });

        await s.AsClient("ev-ann").WithdrawRegistrationAsync(new WithdrawRegistrationRequest { Name = ann.Name, Etag = ann.Etag, Reason = "clash" });
        var listed = await s.AsHost.ListRegistrationsAsync(new ListRegistrationsRequest { Parent = s.Event.Name });
        var own = await s.AsClient("ev-cat").ListRegistrationsAsync(new ListRegistrationsRequest { Parent = "events/-" });
        var after = await s.ReadAsync();

        Assert.Equal([RegistrationState.Registered, RegistrationState.Registered, RegistrationState.Waitlisted, RegistrationState.Waitlisted],
            new[] { ann, bob, cat, dan }.Select(r => r.State));
        Assert.Equal((1, 2), (cat.WaitlistPosition, dan.WaitlistPosition));
        Assert.Equal(ann.Name, again.Name); // one live registration per person
        Assert.Equal(string.Empty, seenByCat.JoinLink); // waiting is not a seat
        Assert.Equal((12, 17, 30), (seenByCat.ViewerStart.Date.Day, seenByCat.ViewerStart.Time.Hours, seenByCat.ViewerStart.Time.Minutes));
        Assert.Equal("https://meet.example.org/pmo-start", seenByAnn.JoinLink);
        Assert.Equal("https://meet.example.org/pmo-start", seenByHost.JoinLink);
        var states = listed.Registrations.ToDictionary(r => r.Client, r => r.State);
        Assert.Equal(RegistrationState.Registered, states["users/ev-cat"]); // first in line took the seat
        Assert.Equal(RegistrationState.Waitlisted, states["users/ev-dan"]);
        Assert.Equal(RegistrationState.Withdrawn, states["users/ev-ann"]);
        Assert.Equal(cat.Name, Assert.Single(own.Registrations).Name);
        Assert.Equal((2, 0, 1), (after.RegisteredCount, after.SeatsLeft, after.WaitlistCount));
    }

    [Fact]
    public async Task HostsTime_IsBusy_ABookingCannotTakeIt_AndAnEventCannotBePlacedOverABooking()
    {
        var booking = await BookingScenario.CreateAsync(server);
        var taken = await booking.BookAsync("ev-booker", BookingScenario.At(20, 10));
        var admin = new EventService.EventServiceClient(server.Channel(server.Token("admin-1", "admin")));
        var overBooking = EventScenario.Draft(booking.Coach);
        overBooking.StartTime = BookingScenario.At(20, 10);
        var refused = await RpcAssert.FailsAsync(StatusCode.FailedPrecondition,
            () => admin.CreateEventAsync(new CreateEventRequest { Event = overBooking }));

        var free = EventScenario.Draft(booking.Coach);
        free.StartTime = BookingScenario.At(21, 10);
        await admin.CreateEventAsync(new CreateEventRequest { Event = free });
        var blocked = await RpcAssert.FailsAsync(StatusCode.FailedPrecondition,
            () => booking.AsClient("ev-late").CreateBookingAsync(booking.Request(BookingScenario.At(21, 10, 30))));

        Assert.NotNull(taken);
        Assert.Equal("COACH_SESSION_CONFLICT", refused.ErrorInfo().Reason);
        Assert.Equal("SLOT_UNAVAILABLE", blocked.ErrorInfo().Reason);
    }

    [Fact]
    public async Task Invites_RegistrantsAndHostsGetRequests_AJoinLinkChangeRaisesTheSequence_ACancellationCancels()
    {
        var s = await EventScenario.CreateAsync(server, capacity: 5);
        var ann = await s.RegisterAsync("ev-inv");
        var hostNote = await s.AsHost.UpdateEventAsync(new UpdateEventRequest
        {
            Event = new ScheduledEvent { Name = s.Event.Name, Etag = (await s.ReadAsync()).Etag, JoinLink = "https://meet.example.org/moved" },
            UpdateMask = new FieldMask { Paths = { "join_link" } },
        });
        var admin = server.Token("admin-1", "admin");
        var beforeCancel = (await Calendar(admin).ListInvitesAsync(new ListInvitesRequest { Parent = ann.Name })).Invites.ToList();
        await s.AsAdmin.UpdateEventAsync(new UpdateEventRequest
        {
            Event = new ScheduledEvent { Name = s.Event.Name, Etag = hostNote.Etag, State = EventState.Cancelled },
            UpdateMask = new FieldMask { Paths = { "state" } },
        });
        var all = (await Calendar(admin).ListInvitesAsync(new ListInvitesRequest { Parent = ann.Name })).Invites.ToList();
        var sent = server.Factory.Services.GetRequiredService<IEnrolmentInviteStore>();
        var hostInvites = await sent.ListAsync(EnrolmentInvites.HostInviteId(s.Event.Name.Split('/')[1], s.Host.Name.Split('/')[1]), default);

        Assert.Equal([(InviteMethod.Request, 0), (InviteMethod.Request, 1)], beforeCancel.Select(i => (i.Method, i.Sequence)));
        Assert.Contains("SUMMARY:Getting started in a PMO role", Unfolded(beforeCancel[0]), StringComparison.Ordinal);
        Assert.Contains("LOCATION:https://meet.example.org/pmo-start", Unfolded(beforeCancel[0]), StringComparison.Ordinal);
        Assert.Contains("LOCATION:https://meet.example.org/moved", Unfolded(beforeCancel[1]), StringComparison.Ordinal);
        Assert.Equal((InviteMethod.Cancel, 2), (all[^1].Method, all[^1].Sequence));
        Assert.All(all, i => Assert.Equal(all[0].Uid, i.Uid));
        Assert.Equal([Domain.Calendar.InviteMethod.Request, Domain.Calendar.InviteMethod.Request, Domain.Calendar.InviteMethod.Cancel],
            hostInvites.Select(i => i.Method));
        Assert.Equal([0, 1, 2], hostInvites.Select(i => i.Sequence));
    }

    [Fact]
    public async Task Feeds_ShowTheEventToItsSeatedRegistrantsAndItsHosts_WithTheJoinLink_AndToNobodyElse()
    {
        var s = await EventScenario.CreateAsync(server, capacity: 1);
        await s.RegisterAsync("ev-feed-seat");
        await s.RegisterAsync("ev-feed-wait");
        async Task<string> FeedAsync(string token, string name)
        {
            var feed = await Calendar(token).GetFeedAsync(new GetFeedRequest { Name = name });
            var text = await server.Factory.CreateClient().GetStringAsync(new Uri(feed.Url).AbsolutePath);
            return text.Replace("\r\n ", string.Empty, StringComparison.Ordinal);
        }

        var seated = await FeedAsync(server.Token("ev-feed-seat", "client"), "users/ev-feed-seat/feed");
        var waiting = await FeedAsync(server.Token("ev-feed-wait", "client"), "users/ev-feed-wait/feed");
        var host = await FeedAsync(s.HostToken, $"{s.Host.Name}/feed");
        var other = await FeedAsync(server.Token("user-of-other", "coach", s.OtherCoach.Name.Split('/')[1]), $"{s.OtherCoach.Name}/feed");

        Assert.Contains("SUMMARY:Getting started in a PMO role", seated, StringComparison.Ordinal);
        Assert.Contains("LOCATION:https://meet.example.org/pmo-start", seated, StringComparison.Ordinal);
        Assert.Contains("DTSTART:20270112T120000Z", seated, StringComparison.Ordinal);
        Assert.DoesNotContain("PMO role", waiting, StringComparison.Ordinal); // no seat, no calendar entry
        Assert.Contains("SUMMARY:Getting started in a PMO role", host, StringComparison.Ordinal);
        Assert.Contains("LOCATION:https://meet.example.org/pmo-start", host, StringComparison.Ordinal);
        Assert.DoesNotContain("PMO role", other, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheEventStream_SpeaksOfRegistrationsAndEvents_ByTheirOwnNames()
    {
        var s = await EventScenario.CreateAsync(server, capacity: 1);
        using var stop = new CancellationTokenSource();
        var request = new WatchEventsRequest
        {
            Latest = true, EventTypes = { "registration.registered", "registration.waitlisted", "registration.promoted", "registration.withdrawn", "event.changed" },
        };
        using var host = await Outbox.WatchEventsTests.WatchAsync(new DeliveryService.DeliveryServiceClient(server.Channel(s.HostToken)), request, stop.Token);

        var ann = await s.RegisterAsync("ev-stream-a");
        await s.RegisterAsync("ev-stream-b");
        await s.AsClient("ev-stream-a").WithdrawRegistrationAsync(new WithdrawRegistrationRequest { Name = ann.Name });
        await s.AsAdmin.UpdateEventAsync(new UpdateEventRequest
        {
            Event = new ScheduledEvent { Name = s.Event.Name, Capacity = 5 }, UpdateMask = new FieldMask { Paths = { "capacity" } },
        });
        var seen = await Outbox.WatchEventsTests.ReadAsync(host, 5);

        Assert.Equal(["registration.registered", "registration.waitlisted", "registration.withdrawn", "registration.promoted", "event.changed"],
            seen.Select(e => e.Type));
        Assert.Equal(ann.Name, seen[0].Resource);
        Assert.Equal((ann.Name, RegistrationState.Registered), (seen[0].Registration.Name, seen[0].Registration.State));
        Assert.Equal(s.Event.Name, seen[4].Resource);
        Assert.DoesNotContain(seen, e => e.Resource.StartsWith("courses/", StringComparison.Ordinal));
        await stop.CancelAsync();
    }

    [Fact]
    public async Task Discovery_ListsOpenEventsByTopicAndRange_DraftsOnlyForAdmins_JoinLinksNever()
    {
        var topic = $"d{Guid.NewGuid():N}"[..12];
        var open = await EventScenario.CreateAsync(server, topic: topic);
        var draft = await EventScenario.CreateAsync(server, topic: topic, configure: e => { e.State = EventState.Draft; e.StartTime = EventScenario.At(13, 12); });
        var later = await EventScenario.CreateAsync(server, topic: topic, configure: e => e.StartTime = EventScenario.At(27, 9));
        var request = new ListEventsRequest { Topic = topic.ToUpperInvariant(), ViewerTimeZone = "America/New_York", PageSize = 1 };

        var pages = new List<ScheduledEvent>();
        for (var token = string.Empty; ;)
        {
            var page = await open.AsClient("ev-browse").ListEventsAsync(new ListEventsRequest(request) { PageToken = token });
            pages.AddRange(page.Events);
            token = page.NextPageToken;
            if (token.Length == 0)
            {
                break;
            }
        }

        var ranged = await open.AsClient("ev-browse").ListEventsAsync(new ListEventsRequest { Topic = topic, StartTime = EventScenario.At(20, 0), EndTime = EventScenario.At(31, 0) });
        var asAdmin = await open.AsAdmin.ListEventsAsync(new ListEventsRequest { Topic = topic });
        var hiddenDraft = await RpcAssert.FailsAsync(StatusCode.NotFound, () => open.AsClient("ev-browse").GetEventAsync(new GetEventRequest { Name = draft.Event.Name }));

        Assert.Equal([open.Event.Name, later.Event.Name], pages.Select(e => e.Name));
        Assert.All(pages, e => Assert.Equal(string.Empty, e.JoinLink));
        Assert.Equal((12, 7), (pages[0].ViewerStart.Date.Day, pages[0].ViewerStart.Time.Hours)); // 12:00Z is 07:00 in New York in January
        Assert.Equal(2, pages[0].SeatsLeft);
        Assert.Equal([later.Event.Name], ranged.Events.Select(e => e.Name));
        Assert.Equal([open.Event.Name, draft.Event.Name, later.Event.Name], asAdmin.Events.Select(e => e.Name));
        Assert.NotNull(hiddenDraft);
    }

    [Fact]
    public async Task Held_OnlyOnceStarted_ThenRecordingsListByVisibility()
    {
        var s = await EventScenario.CreateAsync(server, capacity: 3);
        var pub = await EventScenario.CreateAsync(server, topic: s.Event.Topics[0], configure: e =>
        {
            e.StartTime = EventScenario.At(12, 14);
            e.Hosts.Clear();
            e.Hosts.Add(s.Host.Name);
            e.Visibility = EventVisibility.Public;
        });
        await s.RegisterAsync("ev-rec");
        var early = await RpcAssert.FailsAsync(StatusCode.FailedPrecondition, () => s.AsHost.UpdateEventAsync(new UpdateEventRequest
        {
            Event = new ScheduledEvent { Name = s.Event.Name, State = EventState.Held, RecordingLink = "https://video.example.org/1" },
            UpdateMask = new FieldMask { Paths = { "state", "recording_link" } },
        }));
        server.Clock.Reset(NodaTime.Instant.FromUtc(2027, 1, 12, 16, 0));
        foreach (var e in new[] { s.Event, pub.Event })
        {
            await s.AsHost.UpdateEventAsync(new UpdateEventRequest
            {
                Event = new ScheduledEvent { Name = e.Name, State = EventState.Held, RecordingLink = $"https://video.example.org/{e.Name.Split('/')[1]}" },
                UpdateMask = new FieldMask { Paths = { "state", "recording_link" } },
            });
        }

        var topic = s.Event.Topics[0];
        var registrant = await s.AsClient("ev-rec").ListRecordingsAsync(new ListRecordingsRequest { Topic = topic });
        var stranger = await s.AsClient("ev-stranger").ListRecordingsAsync(new ListRecordingsRequest { Topic = topic });
        var otherCoach = await s.AsOtherCoach.ListRecordingsAsync(new ListRecordingsRequest { Topic = topic });
        var held = await s.ReadAsync();
        var late = await RpcAssert.FailsAsync(StatusCode.FailedPrecondition, () => s.RegisterAsync("ev-late"));
        var unchangeable = await RpcAssert.FailsAsync(StatusCode.FailedPrecondition, () => s.AsAdmin.UpdateEventAsync(new UpdateEventRequest
        {
            Event = new ScheduledEvent { Name = s.Event.Name, Capacity = 10 }, UpdateMask = new FieldMask { Paths = { "capacity" } },
        }));

        Assert.Equal("EVENT_NOT_HELD_YET", early.ErrorInfo().Reason);
        Assert.Equal(EventState.Held, held.State);
        Assert.NotNull(held.HeldTime);
        Assert.Equal([s.Event.Name, pub.Event.Name], registrant.Events.Select(e => e.Name));
        Assert.Equal([pub.Event.Name], stranger.Events.Select(e => e.Name));
        Assert.Equal([pub.Event.Name], otherCoach.Events.Select(e => e.Name));
        Assert.StartsWith("https://video.example.org/", registrant.Events[0].RecordingLink, StringComparison.Ordinal);
        Assert.Equal("COHORT_NOT_OPEN", late.ErrorInfo().Reason);
        Assert.Equal("EVENT_ALREADY_HELD", unchangeable.ErrorInfo().Reason);
    }

    [Fact]
    public async Task CreatesAreIdempotent_AndAStaleEtagIsRefusedWithoutAChange()
    {
        // Guarantee 3: a retried create answers the original; the same id for other content is refused.
        var host = await server.SeedCoachAsync("Idempotent Host", ServerFixture.UniqueTag());
        var admin = new EventService.EventServiceClient(server.Channel(server.Token("admin-1", "admin")));
        var draft = EventScenario.Draft(host);
        var first = await admin.CreateEventAsync(new CreateEventRequest { Event = draft, RequestId = "ev-create-1" });
        var retried = await admin.CreateEventAsync(new CreateEventRequest { Event = draft, RequestId = "ev-create-1" });
        var other = EventScenario.Draft(host);
        other.Description = "Something else";
        var reused = await RpcAssert.FailsAsync(StatusCode.AlreadyExists,
            () => admin.CreateEventAsync(new CreateEventRequest { Event = other, RequestId = "ev-create-1" }));
        var s = new EventScenario(server, first, host, host);
        await s.RegisterAsync("ev-idem");
        var ask = new CreateQuestionRequest { Parent = first.Name, Question = new Question { Text = "Once?" }, RequestId = "q-once" };
        var asked = await s.AsClient("ev-idem").CreateQuestionAsync(ask);
        var askedAgain = await s.AsClient("ev-idem").CreateQuestionAsync(ask);
        var questions = await s.AsHost.ListQuestionsAsync(new ListQuestionsRequest { Parent = first.Name });

        // Guarantee 4: an update with a stale etag is ABORTED and changes nothing.
        var read = await s.ReadAsync();
        await s.AsHost.UpdateEventAsync(new UpdateEventRequest
        {
            Event = new ScheduledEvent { Name = first.Name, Etag = read.Etag, Description = "First edit" }, UpdateMask = new FieldMask { Paths = { "description" } },
        });
        var stale = await RpcAssert.FailsAsync(StatusCode.Aborted, () => s.AsHost.UpdateEventAsync(new UpdateEventRequest
        {
            Event = new ScheduledEvent { Name = first.Name, Etag = read.Etag, Description = "Second edit" }, UpdateMask = new FieldMask { Paths = { "description" } },
        }));
        var after = await s.ReadAsync();

        Assert.Equal(first.Name, retried.Name);
        Assert.Equal("REQUEST_ID_REUSED", reused.ErrorInfo().Reason);
        Assert.Equal(asked.Name, askedAgain.Name);
        Assert.Single(questions.Questions);
        Assert.Equal("ETAG_MISMATCH", stale.ErrorInfo().Reason);
        Assert.Equal("First edit", after.Description);
    }

    [Fact]
    public async Task BadInput_IsRefusedWithTheFieldsNamed_AndNothingIsStored()
    {
        var host = await server.SeedCoachAsync("Bad Input Host", ServerFixture.UniqueTag());
        var admin = new EventService.EventServiceClient(server.Channel(server.Token("admin-1", "admin")));
        var bad = EventScenario.Draft(host);
        bad.Title = " ";
        bad.JoinLink = "http://insecure.example.org/x";
        bad.Capacity = 5000;
        bad.Duration = Duration.FromTimeSpan(TimeSpan.FromMinutes(7));
        bad.TimeZone = "Mars/Olympus";
        bad.Topics.Add(new string('x', 60));
        var refused = await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => admin.CreateEventAsync(new CreateEventRequest { Event = bad }));
        var noKind = EventScenario.Draft(host);
        noKind.Kind = EventKind.Unspecified;
        var kindless = await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => admin.CreateEventAsync(new CreateEventRequest { Event = noKind }));
        var badName = await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => admin.GetEventAsync(new GetEventRequest { Name = "events/a/b" }));
        var missing = await RpcAssert.FailsAsync(StatusCode.NotFound, () => admin.GetEventAsync(new GetEventRequest { Name = "events/nope" }));
        var range = await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => admin.ListEventsAsync(new ListEventsRequest
        {
            StartTime = EventScenario.At(10, 0), EndTime = EventScenario.At(9, 0),
        }));
        var listed = await admin.ListEventsAsync(new ListEventsRequest { Topic = "pmo", StartTime = EventScenario.At(1, 0) });

        Assert.Equal(["event.title", "event.join_link", "event.capacity", "event.duration", "event.time_zone", "event.topics[2]"],
            refused.ViolatedFields().Distinct());
        Assert.Equal(["event.kind"], kindless.ViolatedFields());
        Assert.Equal(["name"], badName.ViolatedFields());
        Assert.NotNull(missing);
        Assert.Equal(["end_time"], range.ViolatedFields());
        Assert.DoesNotContain(listed.Events, e => e.Hosts.Contains(host.Name));
    }

    [Fact]
    public async Task TheEventsCourse_IsNotPartOfTheCourseApi()
    {
        var s = await EventScenario.CreateAsync(server);
        await s.RegisterAsync("ev-hidden");
        var courses = new CourseService.CourseServiceClient(server.Channel(server.Token("admin-1", "admin")));
        var client = new CourseService.CourseServiceClient(server.Channel(server.Token("ev-hidden", "client")));
        var eventId = s.Event.Name.Split('/')[1];

        await RpcAssert.FailsAsync(StatusCode.NotFound, () => courses.GetCourseAsync(new GetCourseRequest { Name = "courses/events" }));
        await RpcAssert.FailsAsync(StatusCode.NotFound, () => courses.GetCohortAsync(new GetCohortRequest { Name = $"courses/events/cohorts/{eventId}" }));
        await RpcAssert.FailsAsync(StatusCode.NotFound, () => client.CreateEnrolmentAsync(new CreateEnrolmentRequest
        {
            Parent = $"courses/events/cohorts/{eventId}", RequestId = "x",
        }));
        var allCourses = await courses.ListCoursesAsync(new ListCoursesRequest { PageSize = 200 });
        var allCohorts = await courses.ListCohortsAsync(new ListCohortsRequest { Parent = "courses/-", PageSize = 200 });
        var own = await client.ListEnrolmentsAsync(new ListEnrolmentsRequest { Parent = "courses/-/cohorts/-" });

        Assert.DoesNotContain(allCourses.Courses, c => c.Name == "courses/events");
        Assert.DoesNotContain(allCohorts.Cohorts, c => c.Name.StartsWith("courses/events/", StringComparison.Ordinal));
        Assert.Empty(own.Enrolments);
    }
    [Fact]
    public async Task AnEventWrittenWithoutItsDiscoveryCopy_ReadsAsItsCohortSays_AndTheCopyCatchesUpOnTheFirstRead()
    {
        var topic = $"t{Guid.NewGuid():N}"[..12];
        var later = $"l{Guid.NewGuid():N}"[..12];
        var s = await EventScenario.CreateAsync(server, topic: topic);
        var eventId = s.Event.Name.Split('/')[1];
        var cohorts = server.Factory.Services.GetRequiredService<ICourseStore>();
        var copies = server.Factory.Services.GetRequiredService<Coaching.Domain.Events.IEventStore>();
        // What a process that stopped between an update's one write and its copy leaves: the cohort moved on, the copy did not.
        var cohort = (await cohorts.GetCohortAsync(Coaching.Domain.Courses.Course.EventsId, eventId, default))!;
        var renamed = cohort.Event! with { Title = "Renamed before a crash", Topics = [later], Version = cohort.Event.Version + 1 };
        var entry = new Coaching.Domain.Outbox.OutboxEntry($"x-{Guid.NewGuid():N}", "cohort.changed", s.Event.Name, [], [], null, server.Clock.GetCurrentInstant());
        Assert.IsType<CohortWrite.Stored>(await cohorts.UpdateCohortAsync(cohort.Change(new CohortDraft(), server.Clock.GetCurrentInstant()) with { Event = renamed },
            cohort.Version, entry, (_, _) => entry, default));
        var client = s.AsClient("ev-lagging-reader");

        var byOldTopic = await client.ListEventsAsync(new ListEventsRequest { Topic = topic });
        var copyBefore = (await copies.GetAsync([eventId], default))[0];
        var read = await client.GetEventAsync(new GetEventRequest { Name = s.Event.Name });
        var copyAfter = (await copies.GetAsync([eventId], default))[0];
        var byNewTopic = await client.ListEventsAsync(new ListEventsRequest { Topic = later });

        Assert.Empty(byOldTopic.Events); // found by its stale copy, but shown only as it is: no longer on that topic
        Assert.Equal("Getting started in a PMO role", copyBefore.Title);
        Assert.Equal("Renamed before a crash", read.Title);
        Assert.Equal([later], read.Topics);
        Assert.Equal((renamed.Title, renamed.Version), (copyAfter.Title, copyAfter.Version));
        Assert.Equal([s.Event.Name], byNewTopic.Events.Select(e => e.Name));
    }
    [Fact]
    public async Task AnEventMadeBeforeProfilesMovedIntoCohorts_ReadsFromItsCopy_AndItsFirstChangeMovesItsProfileIn()
    {
        var s = await EventScenario.CreateAsync(server);
        var eventId = s.Event.Name.Split('/')[1];
        var database = server.Factory.Services.GetRequiredService<Coaching.Storage.Sqlite.SqliteDatabase>();
        await using (var connection = await database.OpenAsync(default))
        {
            // How the schema before version 15 left every event: the cohort without a profile, event_profiles holding it.
            using var forget = connection.CreateCommand();
            forget.CommandText = "UPDATE cohorts SET event = NULL WHERE id = $id";
            forget.Parameters.AddWithValue("$id", eventId);
            Assert.Equal(1, await forget.ExecuteNonQueryAsync());
        }

        var cohorts = server.Factory.Services.GetRequiredService<ICourseStore>();
        var copies = server.Factory.Services.GetRequiredService<Coaching.Domain.Events.IEventStore>();
        var before = await s.ReadAsync();
        var changed = await s.AsAdmin.UpdateEventAsync(new UpdateEventRequest
        {
            Event = new ScheduledEvent { Name = s.Event.Name, Etag = before.Etag, Description = "Now with a reading list." },
            UpdateMask = new FieldMask { Paths = { "description" } },
        });
        var after = await s.ReadAsync();
        var cohort = await cohorts.GetCohortAsync(Coaching.Domain.Courses.Course.EventsId, eventId, default);
        var copy = (await copies.GetAsync([eventId], default))[0];

        Assert.Equal(("Getting started in a PMO role", "What a PMO does and how to get in."), (before.Title, before.Description));
        Assert.Equal(("Now with a reading list.", changed.Etag), (after.Description, after.Etag));
        Assert.Equal(("Now with a reading list.", 2L), (cohort?.Event?.Description, cohort?.Event?.Version));
        Assert.Equal(("Now with a reading list.", 2L), (copy.Description, copy.Version));
    }
}
