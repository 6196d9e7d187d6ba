using Coaching.Contracts.V1;
using Coaching.Server.Tests.Bookings;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace Coaching.Server.Tests.ExternalCalendars;

/// <summary>
/// A coach's own calendar, served over HTTP by a real server: its busy time blocks slots and bookings after a sync, changes and
/// deletions follow on the next sync, an unchanged calendar is answered 304, a server that is down keeps the last busy time, and
/// the URL never comes back.
/// </summary>
[Collection(UsesServer.Name)]
public sealed class CalendarConnectionTests(ServerFixture server) : ServerTest(server), IAsyncLifetime
{
    private IcsServer? _ics;

    private IcsServer Ics => _ics!;

    public async Task InitializeAsync() => _ics = await IcsServer.StartAsync();

    public async Task DisposeAsync() => await Ics.DisposeAsync();

    private static string Calendar(params string[] events) =>
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n" + string.Concat(events.Select(e => $"BEGIN:VEVENT\r\n{e.Trim().Replace("\n", "\r\n", StringComparison.Ordinal)}\r\nEND:VEVENT\r\n"))
        + "END:VCALENDAR\r\n";

    // Weekly on Wednesdays 10:00-11:00 London (GMT in December) from 2 December, the 9th excepted; 10 December all day; a free one.
    private static readonly string Original = Calendar("""
        UID:weekly@example.org
        SUMMARY:Private: dentist
        DTSTART;TZID=Europe/London:20261202T100000
        DTEND;TZID=Europe/London:20261202T110000
        RRULE:FREQ=WEEKLY;COUNT=4
        EXDATE;TZID=Europe/London:20261209T100000
        """, """
        UID:holiday@example.org
        DTSTART;VALUE=DATE:20261210
        DTEND;VALUE=DATE:20261211
        """, """
        UID:free@example.org
        DTSTART:20261203T100000Z
        DTEND:20261203T110000Z
        TRANSP:TRANSPARENT
        """);

    private async Task<(BookingScenario S, CalendarService.CalendarServiceClient Calendar, string Url)> SetUpAsync()
    {
        var s = await BookingScenario.CreateAsync(server);
        var path = $"/calendars/{Guid.NewGuid():N}/basic.ics";
        Ics.Put(path, Original);
        return (s, new CalendarService.CalendarServiceClient(server.Channel(s.CoachToken)), Ics.BaseAddress + path);
    }

    private async Task<List<Timestamp>> SlotsAsync(BookingScenario s, int day) =>
        [.. (await new AvailabilityService.AvailabilityServiceClient(server.Channel(server.Token("ext-viewer", "client"))).ListAvailableSlotsAsync(new ListAvailableSlotsRequest
        {
            Offering = s.Offering.Name, StartTime = BookingScenario.At(day, 0), EndTime = BookingScenario.At(day + 1, 0),
        })).Slots.Select(x => x.StartTime)];

    [Fact]
    public async Task BusyTime_BlocksSlotsAndBookings_FollowsChanges_Answers304_KeepsItWhileTheServerIsDown_AndGoesWithTheConnection()
    {
        var (s, calendar, url) = await SetUpAsync();
        var before = await SlotsAsync(s, 2);

        var created = await calendar.CreateCalendarConnectionAsync(new CreateCalendarConnectionRequest
        {
            Parent = s.Coach.Name, CalendarConnection = new CalendarConnection { Url = url }, RequestId = "connect-1",
        });
        var wednesday = await SlotsAsync(s, 2);
        var excepted = await SlotsAsync(s, 9);
        var holiday = await SlotsAsync(s, 10);
        var transparent = await SlotsAsync(s, 3);
        var refused = await RpcAssert.FailsAsync(StatusCode.FailedPrecondition,
            () => s.AsClient("ext-booker").CreateBookingAsync(s.Request(BookingScenario.At(2, 10))));

        // The dentist moves to 15:00; the next sync follows.
        Ics.Put(new Uri(url).AbsolutePath, Original.Replace("T100000", "T150000", StringComparison.Ordinal).Replace("T110000", "T160000", StringComparison.Ordinal));
        var moved = await calendar.SyncCalendarConnectionAsync(new SyncCalendarConnectionRequest { Name = created.Name });
        var afterMove = await SlotsAsync(s, 2);
        var unchanged = await calendar.SyncCalendarConnectionAsync(new SyncCalendarConnectionRequest { Name = created.Name });
        Ics.Down = true;
        var failing = await calendar.SyncCalendarConnectionAsync(new SyncCalendarConnectionRequest { Name = created.Name });
        var whileDown = await SlotsAsync(s, 2);
        Ics.Down = false;
        var listed = await calendar.ListCalendarConnectionsAsync(new ListCalendarConnectionsRequest { Parent = s.Coach.Name });
        await calendar.DeleteCalendarConnectionAsync(new DeleteCalendarConnectionRequest { Name = created.Name });
        var afterDelete = await SlotsAsync(s, 2);

        Assert.Equal(CalendarConnectionState.Healthy, created.State);
        Assert.Equal((3, string.Empty), (created.EventCount, created.Url));
        Assert.StartsWith("http://127.0.0.1", created.UrlHint, StringComparison.Ordinal);
        Assert.DoesNotContain("basic.ics", created.ToString(), StringComparison.Ordinal); // the secret part of the URL never comes back
        Assert.Contains(BookingScenario.At(2, 10), before);
        Assert.DoesNotContain(BookingScenario.At(2, 10), wednesday);
        Assert.Contains(BookingScenario.At(2, 9), wednesday); // 09:00-10:00 ends as the dentist begins
        Assert.Contains(BookingScenario.At(2, 11), wednesday);
        Assert.Contains(BookingScenario.At(9, 10), excepted);
        Assert.Empty(holiday); // all day, in the coach's zone (UTC)
        Assert.Contains(BookingScenario.At(3, 10), transparent);
        Assert.Equal("COACH_CALENDAR_BUSY", refused.ErrorInfo().Reason);
        Assert.Equal(CalendarConnectionState.Healthy, moved.State);
        Assert.Contains(BookingScenario.At(2, 10), afterMove);
        Assert.DoesNotContain(BookingScenario.At(2, 15), afterMove);
        Assert.Equal(CalendarConnectionState.Healthy, unchanged.State);
        Assert.True(Ics.NotModified >= 1, "an unchanged calendar is answered 304");
        Assert.Equal(CalendarConnectionState.Failing, failing.State);
        Assert.Contains("503", failing.LastError, StringComparison.Ordinal);
        Assert.DoesNotContain(BookingScenario.At(2, 15), whileDown); // the last good busy time is kept
        Assert.Equal([created.Name], listed.CalendarConnections.Select(c => c.Name));
        Assert.Contains(BookingScenario.At(2, 15), afterDelete);
    }

    [Fact]
    public async Task ARetriedConnect_AnswersTheOriginalConnection_AndTheSameIdForAnotherUrlIsRefused()
    {
        var (s, calendar, url) = await SetUpAsync();
        var request = new CreateCalendarConnectionRequest { Parent = s.Coach.Name, CalendarConnection = new CalendarConnection { Url = url }, RequestId = "connect-once" };

        var first = await calendar.CreateCalendarConnectionAsync(request);
        var retried = await calendar.CreateCalendarConnectionAsync(request);
        var reused = await RpcAssert.FailsAsync(StatusCode.AlreadyExists, () => calendar.CreateCalendarConnectionAsync(new CreateCalendarConnectionRequest
        {
            Parent = s.Coach.Name, CalendarConnection = new CalendarConnection { Url = url + "?other" }, RequestId = "connect-once",
        }));
        var listed = await calendar.ListCalendarConnectionsAsync(new ListCalendarConnectionsRequest { Parent = s.Coach.Name });

        Assert.Equal(first.Name, retried.Name);
        Assert.Equal("REQUEST_ID_REUSED", reused.ErrorInfo().Reason);
        Assert.Single(listed.CalendarConnections);
    }

    [Fact]
    public async Task OnlyTheCoachOrAnAdmin_ConnectsListsSyncsAndDeletes_AndBadUrlsAreRefusedByName()
    {
        var (s, calendar, url) = await SetUpAsync();
        var created = await calendar.CreateCalendarConnectionAsync(new CreateCalendarConnectionRequest
        {
            Parent = s.Coach.Name, CalendarConnection = new CalendarConnection { Url = url },
        });
        var other = await server.SeedCoachAsync("Other", ServerFixture.UniqueTag());
        var otherCoach = new CalendarService.CalendarServiceClient(server.Channel(server.Token("user-of-other", "coach", other.Name.Split('/')[1])));
        var client = new CalendarService.CalendarServiceClient(server.Channel(server.Token("ext-client", "client")));
        var admin = new CalendarService.CalendarServiceClient(server.Channel(server.Token("admin-1", "admin")));
        var anonymous = new CalendarService.CalendarServiceClient(server.Channel(null));

        foreach (var stranger in new[] { otherCoach, client })
        {
            await RpcAssert.FailsAsync(StatusCode.PermissionDenied, () => stranger.ListCalendarConnectionsAsync(new ListCalendarConnectionsRequest { Parent = s.Coach.Name }));
            await RpcAssert.FailsAsync(StatusCode.PermissionDenied, () => stranger.SyncCalendarConnectionAsync(new SyncCalendarConnectionRequest { Name = created.Name }));
            await RpcAssert.FailsAsync(StatusCode.PermissionDenied, () => stranger.DeleteCalendarConnectionAsync(new DeleteCalendarConnectionRequest { Name = created.Name }));
            await RpcAssert.FailsAsync(StatusCode.PermissionDenied, () => stranger.CreateCalendarConnectionAsync(new CreateCalendarConnectionRequest
            {
                Parent = s.Coach.Name, CalendarConnection = new CalendarConnection { Url = url },
            }));
        }

        await RpcAssert.FailsAsync(StatusCode.Unauthenticated, () => anonymous.ListCalendarConnectionsAsync(new ListCalendarConnectionsRequest { Parent = s.Coach.Name }));
        var ftp = await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => calendar.CreateCalendarConnectionAsync(new CreateCalendarConnectionRequest
        {
            Parent = s.Coach.Name, CalendarConnection = new CalendarConnection { Url = "ftp://calendar.example.org/x.ics" },
        }));
        var missing = await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => calendar.CreateCalendarConnectionAsync(new CreateCalendarConnectionRequest
        {
            Parent = s.Coach.Name, CalendarConnection = new CalendarConnection(),
        }));
        var listedByAdmin = await admin.ListCalendarConnectionsAsync(new ListCalendarConnectionsRequest { Parent = s.Coach.Name });
        var notFound = await RpcAssert.FailsAsync(StatusCode.NotFound, () => calendar.SyncCalendarConnectionAsync(new SyncCalendarConnectionRequest
        {
            Name = $"{s.Coach.Name}/calendarConnections/nope",
        }));

        Assert.Equal(["calendar_connection.url"], ftp.ViolatedFields());
        Assert.Equal(["calendar_connection.url"], missing.ViolatedFields());
        Assert.Single(listedByAdmin.CalendarConnections);
        Assert.NotNull(notFound);
    }

    [Fact]
    public async Task ANotACalendarOrUnreachableAddress_IsRecordedAsAFailure_WithoutTheUrl()
    {
        var (s, calendar, _) = await SetUpAsync();
        var html = $"/pages/{Guid.NewGuid():N}.html";
        Ics.Put(html, "<html><body>Sign in</body></html>");

        var notCalendar = await calendar.CreateCalendarConnectionAsync(new CreateCalendarConnectionRequest
        {
            Parent = s.Coach.Name, CalendarConnection = new CalendarConnection { Url = Ics.BaseAddress + html },
        });
        var unreachable = await calendar.CreateCalendarConnectionAsync(new CreateCalendarConnectionRequest
        {
            Parent = s.Coach.Name, CalendarConnection = new CalendarConnection { Url = "http://127.0.0.1:9/secret-token/basic.ics" },
        });

        Assert.Equal(CalendarConnectionState.Failing, notCalendar.State);
        Assert.Contains("not an iCalendar file", notCalendar.LastError, StringComparison.Ordinal);
        Assert.Equal(CalendarConnectionState.Failing, unreachable.State);
        Assert.True(unreachable.LastError.Contains("could not be reached", StringComparison.Ordinal), unreachable.LastError);
        Assert.DoesNotContain("secret-token", unreachable.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AFailingCalendar_KeepsItsBusyTimeForTheKeepPeriod_ThenIsStale_AndKeepsNone()
    {
        var (s, calendar, url) = await SetUpAsync();
        var created = await calendar.CreateCalendarConnectionAsync(new CreateCalendarConnectionRequest
        {
            Parent = s.Coach.Name, CalendarConnection = new CalendarConnection { Url = url },
        });
        Ics.Down = true;
        server.Clock.Advance(NodaTime.Duration.FromDays(2)); // within the three days kept
        var failing = await calendar.SyncCalendarConnectionAsync(new SyncCalendarConnectionRequest { Name = created.Name });
        var whileFailing = await SlotsAsync(s, 9 + 7); // the weekly event's last occurrence, 16 December
        server.Clock.Advance(NodaTime.Duration.FromDays(2)); // four days since the last success
        var stale = await calendar.SyncCalendarConnectionAsync(new SyncCalendarConnectionRequest { Name = created.Name });
        var afterStale = await SlotsAsync(s, 16);
        Ics.Down = false;

        Assert.Equal((CalendarConnectionState.Failing, created.BusyCount), (failing.State, failing.BusyCount));
        Assert.True(created.BusyCount > 0);
        Assert.DoesNotContain(BookingScenario.At(16, 10), whileFailing);
        Assert.Equal((CalendarConnectionState.Stale, 0), (stale.State, stale.BusyCount));
        Assert.Contains(BookingScenario.At(16, 10), afterStale);
    }

    [Fact]
    public void WithoutPermission_LoopbackPrivateAndNonHttpTargets_AreRefused()
    {
        using var fetcher = new Coaching.Server.ExternalCalendars.HttpCalendarFetcher(new Coaching.Server.ExternalCalendars.CalendarOptions(), NodaTime.SystemClock.Instance);

        Assert.NotNull(fetcher.Refuse(new Uri("http://127.0.0.1/x.ics")));
        Assert.NotNull(fetcher.Refuse(new Uri("http://10.1.2.3/x.ics")));
        Assert.NotNull(fetcher.Refuse(new Uri("http://[::1]/x.ics")));
        Assert.NotNull(fetcher.Refuse(new Uri("http://localhost/x.ics")));
        Assert.NotNull(fetcher.Refuse(new Uri("file:///etc/passwd")));
        Assert.NotNull(fetcher.Refuse(new Uri("https://user:pw@calendar.example.org/x.ics")));
        Assert.Null(fetcher.Refuse(new Uri("https://calendar.example.org/x.ics")));
    }

    [SkippableFact]
    public async Task AHostNameThatResolvesToThisMachine_IsRefusedWhereTheConnectionIsMade()
    {
        // This machine's own name resolves to a loopback or private address (as a rebinding attack would arrange for a public-looking
        // name): the check at connect time refuses it, although the URL itself names no such address.
        var name = System.Net.Dns.GetHostName();
        var addresses = await System.Net.Dns.GetHostAddressesAsync(name);
        Skip.If(addresses.Length == 0 || name.Equals("localhost", StringComparison.OrdinalIgnoreCase),
            "This machine's host name does not resolve, or is localhost itself.");
        using var fetcher = new Coaching.Server.ExternalCalendars.HttpCalendarFetcher(new Coaching.Server.ExternalCalendars.CalendarOptions(), NodaTime.SystemClock.Instance);
        var port = new Uri(Ics.BaseAddress).Port;

        var viaName = await fetcher.FetchAsync(Domain.ExternalCalendars.CalendarSource.Ics, new Uri($"http://{name}:{port}/x.ics"), null, string.Empty, default);

        Assert.Null(fetcher.Refuse(new Uri($"http://{name}:{port}/x.ics")));
        var reason = Assert.IsType<Domain.ExternalCalendars.FetchResult.Failed>(viaName).Reason;
        Assert.True(reason == "The calendar address resolves to a loopback or private address.", reason);
    }
}
