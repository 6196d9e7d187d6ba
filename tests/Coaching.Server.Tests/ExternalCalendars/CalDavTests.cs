using Coaching.Contracts.V1;
using Coaching.Server.Tests.Bookings;
using Google.Protobuf.WellKnownTypes;

namespace Coaching.Server.Tests.ExternalCalendars;

/// <summary>
/// A coach's CalDAV calendar on a real server (Radicale): single, recurring-with-an-exception, all-day and other-zone events block
/// slots after a sync; changed and deleted events follow on the next; an unchanged collection (same ctag) is not read again; a
/// server that is down keeps the last busy time; wrong credentials are named as such.
/// </summary>
[Collection(UsesServer.Name)]
public sealed class CalDavTests(ServerFixture server) : ServerTest(server), IAsyncLifetime
{
    private RadicaleServer? _dav;

    public async Task InitializeAsync()
    {
        if (RadicaleServer.SkipReason is null)
        {
            _dav = await RadicaleServer.StartAsync();
        }
    }

    public async Task DisposeAsync()
    {
        if (_dav is not null)
        {
            await _dav.DisposeAsync();
        }
    }

    private static string Event(string body) =>
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\n" + body.Trim().Replace("\n", "\r\n", StringComparison.Ordinal) + "\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";

    private async Task<List<Timestamp>> SlotsAsync(BookingScenario s, int day) =>
        [.. (await new AvailabilityService.AvailabilityServiceClient(server.Channel(server.Token("dav-viewer", "client"))).ListAvailableSlotsAsync(new ListAvailableSlotsRequest
        {
            Offering = s.Offering.Name, StartTime = BookingScenario.At(day, 0), EndTime = BookingScenario.At(day + 1, 0),
        })).Slots.Select(x => x.StartTime)];

    private static Timestamp At(int year, int month, int day, int hour) => Timestamp.FromDateTime(new DateTime(year, month, day, hour, 0, 0, DateTimeKind.Utc));

    private async Task<List<Timestamp>> SlotsOnAsync(BookingScenario s, int year, int month, int day) =>
        [.. (await new AvailabilityService.AvailabilityServiceClient(server.Channel(server.Token("dav-viewer", "client"))).ListAvailableSlotsAsync(new ListAvailableSlotsRequest
        {
            Offering = s.Offering.Name, StartTime = At(year, month, day, 0), EndTime = At(year, month, day + 1, 0),
        })).Slots.Select(x => x.StartTime)];

    [SkippableFact]
    public async Task CalDavEvents_BlockSlots_FollowChangesAndDeletions_SkipAnUnchangedCollection_AndSurviveTheServerBeingDown()
    {
        Skip.If(RadicaleServer.SkipReason is not null, RadicaleServer.SkipReason);
        var dav = _dav!;
        var s = await BookingScenario.CreateAsync(server);
        var calendarUrl = await dav.CreateCalendarAsync($"work-{Guid.NewGuid():N}"[..13]);
        await dav.PutAsync(calendarUrl, "single.ics", Event("""
            UID:single@example.org
            DTSTART:20261202T100000Z
            DTEND:20261202T110000Z
            SUMMARY:Board meeting
            """));
        await dav.PutAsync(calendarUrl, "weekly.ics", Event("""
            UID:weekly@example.org
            DTSTART;TZID=America/New_York:20261203T090000
            DTEND;TZID=America/New_York:20261203T100000
            RRULE:FREQ=WEEKLY;COUNT=3
            EXDATE;TZID=America/New_York:20261210T090000
            """));
        await dav.PutAsync(calendarUrl, "spring.ics", Event("""
            UID:spring@example.org
            DTSTART;TZID=America/New_York:20270308T090000
            DTEND;TZID=America/New_York:20270308T100000
            RRULE:FREQ=WEEKLY;COUNT=2
            """));
        await dav.PutAsync(calendarUrl, "allday.ics", Event("""
            UID:allday@example.org
            DTSTART;VALUE=DATE:20261205
            DTEND;VALUE=DATE:20261206
            """));
        var calendar = new CalendarService.CalendarServiceClient(server.Channel(s.CoachToken));

        var connected = await calendar.CreateCalendarConnectionAsync(new CreateCalendarConnectionRequest
        {
            Parent = s.Coach.Name,
            CalendarConnection = new CalendarConnection { Source = CalendarSource.Caldav, Url = calendarUrl, Username = RadicaleServer.User, Password = RadicaleServer.Password },
        });
        var dec2 = await SlotsAsync(s, 2);
        var dec3 = await SlotsAsync(s, 3);
        var dec10 = await SlotsAsync(s, 10);
        var dec17 = await SlotsAsync(s, 17);
        var dec5 = await SlotsAsync(s, 5);
        server.Clock.Reset(NodaTime.Instant.FromUtc(2027, 3, 1, 8, 0)); // to list March, across New York's change to summer time (14 March)
        var march8 = await SlotsOnAsync(s, 2027, 3, 8);
        var march15 = await SlotsOnAsync(s, 2027, 3, 15);
        server.Clock.Reset(ServerFixture.Start);
        var unchanged = await calendar.SyncCalendarConnectionAsync(new SyncCalendarConnectionRequest { Name = connected.Name });

        await dav.PutAsync(calendarUrl, "single.ics", Event("""
            UID:single@example.org
            DTSTART:20261202T150000Z
            DTEND:20261202T160000Z
            """));
        await dav.DeleteAsync(calendarUrl, "allday.ics");
        var changed = await calendar.SyncCalendarConnectionAsync(new SyncCalendarConnectionRequest { Name = connected.Name });
        var dec2After = await SlotsAsync(s, 2);
        var dec5After = await SlotsAsync(s, 5);
        await dav.StopAsync();
        var down = await calendar.SyncCalendarConnectionAsync(new SyncCalendarConnectionRequest { Name = connected.Name });
        var dec2Down = await SlotsAsync(s, 2);

        Assert.Equal(CalendarConnectionState.Healthy, connected.State);
        Assert.Equal((4, CalendarSource.Caldav), (connected.EventCount, connected.Source));
        Assert.DoesNotContain(At(2027, 3, 8, 14), march8); // 09:00 EST
        Assert.Contains(At(2027, 3, 8, 13), march8);
        Assert.DoesNotContain(At(2027, 3, 15, 13), march15); // 09:00 EDT
        Assert.Contains(At(2027, 3, 15, 14), march15);
        Assert.DoesNotContain(RadicaleServer.Password, connected.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(BookingScenario.At(2, 10), dec2);
        Assert.DoesNotContain(BookingScenario.At(3, 14), dec3); // 09:00 in New York is 14:00Z in December
        Assert.Contains(BookingScenario.At(10, 14), dec10); // the excepted week
        Assert.DoesNotContain(BookingScenario.At(17, 14), dec17);
        Assert.Empty(dec5);
        Assert.Equal(CalendarConnectionState.Healthy, unchanged.State);
        Assert.Equal(CalendarConnectionState.Healthy, changed.State);
        Assert.Contains(BookingScenario.At(2, 10), dec2After);
        Assert.DoesNotContain(BookingScenario.At(2, 15), dec2After);
        Assert.NotEmpty(dec5After);
        Assert.Equal(CalendarConnectionState.Failing, down.State);
        Assert.Contains("could not be reached", down.LastError, StringComparison.Ordinal);
        Assert.DoesNotContain(BookingScenario.At(2, 15), dec2Down);
    }

    [SkippableFact]
    public async Task WrongCredentials_AreNamedAsSuch()
    {
        Skip.If(RadicaleServer.SkipReason is not null, RadicaleServer.SkipReason);
        var s = await BookingScenario.CreateAsync(server);
        var calendarUrl = await _dav!.CreateCalendarAsync($"priv-{Guid.NewGuid():N}"[..13]);
        var calendar = new CalendarService.CalendarServiceClient(server.Channel(s.CoachToken));

        var refused = await calendar.CreateCalendarConnectionAsync(new CreateCalendarConnectionRequest
        {
            Parent = s.Coach.Name,
            CalendarConnection = new CalendarConnection { Source = CalendarSource.Caldav, Url = calendarUrl, Username = RadicaleServer.User, Password = "wrong" },
        });
        var missing = await RpcAssert.FailsAsync(Grpc.Core.StatusCode.InvalidArgument, () => calendar.CreateCalendarConnectionAsync(new CreateCalendarConnectionRequest
        {
            Parent = s.Coach.Name, CalendarConnection = new CalendarConnection { Source = CalendarSource.Caldav, Url = calendarUrl },
        }));

        Assert.Equal(CalendarConnectionState.Failing, refused.State);
        Assert.Contains("refused the user name or password", refused.LastError, StringComparison.Ordinal);
        Assert.Equal(["calendar_connection.username", "calendar_connection.password"], missing.ViolatedFields());
    }

    [SkippableFact]
    public async Task TheCollectionsCtag_DecidesWhetherItIsReadAgain()
    {
        Skip.If(RadicaleServer.SkipReason is not null, RadicaleServer.SkipReason);
        var calendarUrl = new Uri(await _dav!.CreateCalendarAsync($"tag-{Guid.NewGuid():N}"[..12]));
        await _dav.PutAsync(calendarUrl.ToString(), "a.ics", Event("UID:a@example.org\nDTSTART:20261202T100000Z\nDTEND:20261202T110000Z"));
        using var fetcher = new Coaching.Server.ExternalCalendars.HttpCalendarFetcher(new Coaching.Server.ExternalCalendars.CalendarOptions { AllowPrivateTargets = true }, NodaTime.SystemClock.Instance);
        var credentials = (RadicaleServer.User, RadicaleServer.Password);
        const Domain.ExternalCalendars.CalendarSource CalDav = Domain.ExternalCalendars.CalendarSource.CalDav;

        var fetched = await fetcher.FetchAsync(CalDav, calendarUrl, credentials, string.Empty, default);
        var first = Assert.IsType<Domain.ExternalCalendars.FetchResult.Content>(fetched is Domain.ExternalCalendars.FetchResult.Failed f ? throw new Xunit.Sdk.XunitException(f.Reason) : fetched);
        var same = await fetcher.FetchAsync(CalDav, calendarUrl, credentials, first.Validator, default);
        await _dav.PutAsync(calendarUrl.ToString(), "b.ics", Event("UID:b@example.org\nDTSTART:20261203T100000Z\nDTEND:20261203T110000Z"));
        var moved = Assert.IsType<Domain.ExternalCalendars.FetchResult.Content>(await fetcher.FetchAsync(CalDav, calendarUrl, credentials, first.Validator, default));

        Assert.NotEmpty(first.Validator);
        Assert.IsType<Domain.ExternalCalendars.FetchResult.NotModified>(same);
        Assert.NotEqual(first.Validator, moved.Validator);
        Assert.Contains("UID:a@example.org", moved.Text, StringComparison.Ordinal);
        Assert.Contains("UID:b@example.org", moved.Text, StringComparison.Ordinal);
        Assert.Equal(2, moved.Text.Split("BEGIN:VEVENT").Length - 1);
    }
}
