using Coaching.Contracts.V1;
using Grpc.Core;
using Duration = Google.Protobuf.WellKnownTypes.Duration;
using Timestamp = Google.Protobuf.WellKnownTypes.Timestamp;

namespace Coaching.Server.Tests.Availability;

[Collection(UsesServer.Name)]
public class AvailabilityServiceTests(ServerFixture server) : ServerTest(server)
{
    private static WeeklyWindow Window(Weekday day, int startH, int startM, int endH, int endM) => new()
    {
        Weekday = day,
        StartTime = new TimeOfDay { Hours = startH, Minutes = startM },
        EndTime = new TimeOfDay { Hours = endH, Minutes = endM },
    };

    private static Timestamp At(int year, int month, int day, int hour = 0, int minute = 0) =>
        Timestamp.FromDateTime(new DateTime(year, month, day, hour, minute, 0, DateTimeKind.Utc));

    private async Task<(Coach Coach, Offering Offering)> SeedCoachWithHoursAsync(string zone = "Europe/London", string? tag = null,
        int minutes = 60, params WeeklyWindow[] windows)
    {
        var coach = await server.SeedCoachAsync("Hours Coach", tag, zone);
        var client = server.Coaches(server.Token($"user-of-{coach.Name}", "coach", coach.Name.Split('/')[1]));
        var offering = await client.CreateOfferingAsync(new CreateOfferingRequest
        {
            Parent = coach.Name,
            Offering = new Offering { Title = "Career coaching", Duration = Duration.FromTimeSpan(TimeSpan.FromMinutes(minutes)) },
        });
        await Availability(coach).UpdateWeeklyScheduleAsync(new UpdateWeeklyScheduleRequest
        {
            WeeklySchedule = new WeeklySchedule
            {
                Name = $"{coach.Name}/weeklySchedule",
                Windows = { windows.Length > 0 ? windows : [Window(Weekday.Monday, 9, 0, 12, 0), Window(Weekday.Monday, 14, 0, 17, 0)] },
            },
        });
        return (coach, offering);
    }

    private AvailabilityService.AvailabilityServiceClient Availability(Coach coach) =>
        new(server.Channel(server.Token($"user-of-{coach.Name}", "coach", coach.Name.Split('/')[1])));

    private AvailabilityService.AvailabilityServiceClient AsClient() => new(server.Channel(server.Token("client-1", "client")));

    [Fact]
    public async Task UpdateWeeklySchedule_ReplacesWhole_WithEtags()
    {
        var (coach, _) = await SeedCoachWithHoursAsync();
        var client = Availability(coach);
        var name = $"{coach.Name}/weeklySchedule";
        var current = await AsClient().GetWeeklyScheduleAsync(new GetWeeklyScheduleRequest { Name = name });

        var replaced = await client.UpdateWeeklyScheduleAsync(new UpdateWeeklyScheduleRequest
        {
            WeeklySchedule = new WeeklySchedule { Name = name, Etag = current.Etag, Windows = { Window(Weekday.Friday, 8, 30, 24, 0) } },
        });
        var stale = await RpcAssert.FailsAsync(StatusCode.Aborted, () => client.UpdateWeeklyScheduleAsync(new UpdateWeeklyScheduleRequest
        {
            WeeklySchedule = new WeeklySchedule { Name = name, Etag = current.Etag },
        }));

        Assert.Equal(2, current.Windows.Count);
        Assert.Equal("Europe/London", current.TimeZone);
        Assert.Equal(Window(Weekday.Friday, 8, 30, 24, 0), Assert.Single(replaced.Windows));
        Assert.Equal("ETAG_MISMATCH", stale.ErrorInfo().Reason);
        Assert.Equal(replaced, await AsClient().GetWeeklyScheduleAsync(new GetWeeklyScheduleRequest { Name = name }));
    }

    [Fact]
    public async Task UpdateWeeklySchedule_BadWindows_NameEachAndChangeNothing()
    {
        var (coach, _) = await SeedCoachWithHoursAsync();
        var name = $"{coach.Name}/weeklySchedule";
        var before = await AsClient().GetWeeklyScheduleAsync(new GetWeeklyScheduleRequest { Name = name });

        var error = await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => Availability(coach).UpdateWeeklyScheduleAsync(new UpdateWeeklyScheduleRequest
        {
            WeeklySchedule = new WeeklySchedule
            {
                Name = name,
                Windows =
                {
                    Window(Weekday.Monday, 9, 0, 12, 0),
                    Window(Weekday.Monday, 11, 0, 13, 0),
                    Window(Weekday.Tuesday, 10, 0, 10, 0),
                    Window(Weekday.Wednesday, 22, 0, 2, 0),
                    Window(Weekday.Unspecified, 9, 0, 10, 0),
                    Window(Weekday.Thursday, 25, 0, 26, 0),
                },
            },
        }));

        Assert.Equal(
            ["weekly_schedule.windows[2]", "weekly_schedule.windows[3]", "weekly_schedule.windows[4].weekday",
             "weekly_schedule.windows[5].start_time", "weekly_schedule.windows[5].end_time", "weekly_schedule.windows[1]"],
            error.ViolatedFields());
        Assert.Equal(before, await AsClient().GetWeeklyScheduleAsync(new GetWeeklyScheduleRequest { Name = name }));
    }

    [Fact]
    public async Task UpdateWeeklySchedule_OtherCoachOrClient_PermissionDenied()
    {
        var (coach, _) = await SeedCoachWithHoursAsync();
        var (other, _) = await SeedCoachWithHoursAsync();
        var request = new UpdateWeeklyScheduleRequest { WeeklySchedule = new WeeklySchedule { Name = $"{coach.Name}/weeklySchedule" } };

        await RpcAssert.FailsAsync(StatusCode.PermissionDenied, () => Availability(other).UpdateWeeklyScheduleAsync(request));
        await RpcAssert.FailsAsync(StatusCode.PermissionDenied, () => AsClient().UpdateWeeklyScheduleAsync(request));
        var after = await AsClient().GetWeeklyScheduleAsync(new GetWeeklyScheduleRequest { Name = $"{coach.Name}/weeklySchedule" });
        Assert.Equal(2, after.Windows.Count);
    }

    [Fact]
    public async Task ListAvailableSlots_RendersInViewerAndCoachZones_InstantsIndependentOfViewer()
    {
        var (coach, offering) = await SeedCoachWithHoursAsync("Asia/Kathmandu");
        var request = new ListAvailableSlotsRequest { Offering = offering.Name, StartTime = At(2026, 12, 7), EndTime = At(2026, 12, 8) };

        var inLondon = await AsClient().ListAvailableSlotsAsync(new ListAvailableSlotsRequest(request) { ViewerTimeZone = "Europe/London" });
        var inNewYork = await AsClient().ListAvailableSlotsAsync(new ListAvailableSlotsRequest(request) { ViewerTimeZone = "America/New_York" });

        Assert.Equal(inLondon.Slots.Select(s => s.StartTime), inNewYork.Slots.Select(s => s.StartTime));
        var first = inLondon.Slots[0];
        Assert.Equal(At(2026, 12, 7, 3, 15), first.StartTime); // 09:00 in Kathmandu (+05:45)
        Assert.Equal(At(2026, 12, 7, 4, 15), first.EndTime);
        Assert.Equal(new TimeOfDay { Hours = 9 }, first.CoachStart.Time);
        Assert.Equal(TimeSpan.FromMinutes(345), first.CoachStart.UtcOffset.ToTimeSpan());
        Assert.Equal(new TimeOfDay { Hours = 3, Minutes = 15 }, first.ViewerStart.Time);
        Assert.Equal(new TimeOfDay { Hours = 22, Minutes = 15 }, inNewYork.Slots[0].ViewerStart.Time);
        Assert.Equal(new Date { Year = 2026, Month = 12, Day = 6 }, inNewYork.Slots[0].ViewerStart.Date);
        Assert.Equal("Asia/Kathmandu", inLondon.CoachTimeZone);
        Assert.Equal(TimeSpan.FromMinutes(15), inLondon.SlotStep.ToTimeSpan());
        Assert.Equal(2 * 9, inLondon.Slots.Count);
    }

    [Fact]
    public async Task ListAvailableSlots_DaySummaries_AndOverrides()
    {
        var (coach, offering) = await SeedCoachWithHoursAsync();
        await Availability(coach).CreateDateOverrideAsync(new CreateDateOverrideRequest
        {
            Parent = coach.Name,
            DateOverride = new DateOverride
            {
                StartDate = new Date { Year = 2026, Month = 12, Day = 8 },
                Kind = DateOverrideKind.ReplaceHours,
                Windows = { new TimeWindow { StartTime = new TimeOfDay { Hours = 18 }, EndTime = new TimeOfDay { Hours = 19 } } },
                Reason = "Evening clinic",
            },
        });

        var response = await AsClient().ListAvailableSlotsAsync(new ListAvailableSlotsRequest
        {
            Offering = offering.Name, StartTime = At(2026, 12, 7), EndTime = At(2026, 12, 10),
        });

        Assert.Equal([DayStatus.Available, DayStatus.Available, DayStatus.NoHours], response.Days.Select(d => d.Status));
        Assert.Contains(response.Slots, s => s.StartTime == At(2026, 12, 8, 18, 0));
        Assert.DoesNotContain(response.Slots, s => s.StartTime.ToDateTime().Date == new DateTime(2026, 12, 9));
    }

    [Fact]
    public async Task ListAvailableSlots_RespectsMinimumNoticeFromServerClock()
    {
        var (coach, offering) = await SeedCoachWithHoursAsync(windows: Window(Weekday.Monday, 0, 0, 24, 0));
        await server.CoachCoaches(coach.Name).UpdateOfferingAsync(new UpdateOfferingRequest
        {
            Offering = new Offering { Name = offering.Name, MinimumNotice = Duration.FromTimeSpan(TimeSpan.FromHours(2)) },
            UpdateMask = new Google.Protobuf.WellKnownTypes.FieldMask { Paths = { "minimum_notice" } },
        });
        var now = server.Clock.GetCurrentInstant().ToDateTimeUtc();
        var monday = now.Date.AddDays(((int)DayOfWeek.Monday - (int)now.DayOfWeek + 7) % 7);

        var response = await AsClient().ListAvailableSlotsAsync(new ListAvailableSlotsRequest
        {
            Offering = offering.Name, StartTime = Timestamp.FromDateTime(monday), EndTime = Timestamp.FromDateTime(monday.AddDays(1)),
        });

        Assert.NotEmpty(response.Slots);
        Assert.All(response.Slots, s => Assert.True(s.StartTime.ToDateTime() >= now.AddHours(2)));
    }

    [Theory]
    [InlineData(0, -1, "", "end_time")]
    [InlineData(0, 91 * 24, "", "end_time")]
    [InlineData(0, 24, "Mars/Olympus", "viewer_time_zone")]
    public async Task ListAvailableSlots_BadRange_InvalidArgumentNamingField(int startHours, int endHours, string viewer, string field)
    {
        var (_, offering) = await SeedCoachWithHoursAsync();
        var start = new DateTime(2026, 12, 7, 0, 0, 0, DateTimeKind.Utc);

        var error = await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => AsClient().ListAvailableSlotsAsync(new ListAvailableSlotsRequest
        {
            Offering = offering.Name,
            StartTime = Timestamp.FromDateTime(start.AddHours(startHours)),
            EndTime = Timestamp.FromDateTime(start.AddHours(endHours)),
            ViewerTimeZone = viewer,
        }));

        Assert.Equal([field], error.ViolatedFields());
    }

    [Fact]
    public async Task ListAvailableSlots_UnknownOfferingOrCoach_NotFound_MissingTimes_Invalid()
    {
        var (coach, _) = await SeedCoachWithHoursAsync();

        await RpcAssert.FailsAsync(StatusCode.NotFound, () => AsClient().ListAvailableSlotsAsync(new ListAvailableSlotsRequest
        {
            Offering = $"{coach.Name}/offerings/01nosuchoffering0000000000", StartTime = At(2026, 12, 7), EndTime = At(2026, 12, 8),
        }));
        await RpcAssert.FailsAsync(StatusCode.NotFound, () => AsClient().ListAvailableSlotsAsync(new ListAvailableSlotsRequest
        {
            Offering = "coaches/01nosuchcoach0000000000000/offerings/x", StartTime = At(2026, 12, 7), EndTime = At(2026, 12, 8),
        }));
        var missing = await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => AsClient().ListAvailableSlotsAsync(new ListAvailableSlotsRequest
        {
            Offering = $"{coach.Name}/offerings/x",
        }));
        Assert.Equal(["start_time"], missing.ViolatedFields());
    }

    [Fact]
    public async Task DateOverrides_CreateListDelete_PrivateToCoach()
    {
        var (coach, _) = await SeedCoachWithHoursAsync();
        var client = Availability(coach);
        var created = new List<DateOverride>();
        foreach (var day in new[] { 20, 5, 12 })
        {
            created.Add(await client.CreateDateOverrideAsync(new CreateDateOverrideRequest
            {
                Parent = coach.Name,
                DateOverride = new DateOverride
                {
                    StartDate = new Date { Year = 2026, Month = 12, Day = day },
                    EndDate = new Date { Year = 2026, Month = 12, Day = day + 1 },
                    Kind = DateOverrideKind.Unavailable,
                    Reason = "Leave",
                },
            }));
        }

        var page1 = await client.ListDateOverridesAsync(new ListDateOverridesRequest { Parent = coach.Name, PageSize = 2 });
        var page2 = await client.ListDateOverridesAsync(new ListDateOverridesRequest { Parent = coach.Name, PageSize = 2, PageToken = page1.NextPageToken });
        await RpcAssert.FailsAsync(StatusCode.PermissionDenied, () => AsClient().ListDateOverridesAsync(new ListDateOverridesRequest { Parent = coach.Name }));
        await client.DeleteDateOverrideAsync(new DeleteDateOverrideRequest { Name = created[0].Name });
        await RpcAssert.FailsAsync(StatusCode.NotFound, () => client.DeleteDateOverrideAsync(new DeleteDateOverrideRequest { Name = created[0].Name }).ResponseAsync);
        var remaining = await client.ListDateOverridesAsync(new ListDateOverridesRequest { Parent = coach.Name });

        Assert.Equal([5, 12, 20], page1.DateOverrides.Concat(page2.DateOverrides).Select(o => o.StartDate.Day));
        Assert.Equal([5, 12], remaining.DateOverrides.Select(o => o.StartDate.Day));
    }

    [Fact]
    public async Task CreateDateOverride_Invalid_NamesFields()
    {
        var (coach, _) = await SeedCoachWithHoursAsync();

        var error = await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => Availability(coach).CreateDateOverrideAsync(new CreateDateOverrideRequest
        {
            Parent = coach.Name,
            DateOverride = new DateOverride
            {
                StartDate = new Date { Year = 2026, Month = 2, Day = 30 },
                Kind = DateOverrideKind.Unavailable,
                Windows = { new TimeWindow { StartTime = new TimeOfDay { Hours = 9 }, EndTime = new TimeOfDay { Hours = 10 } } },
            },
        }));

        Assert.Equal(["date_override.start_date", "date_override.windows"], error.ViolatedFields());
    }

    [Fact]
    public async Task SearchAvailability_OrdersByEarliestSlot_FiltersAndPages()
    {
        var tag = ServerFixture.UniqueTag();
        var (late, lateOffering) = await SeedCoachWithHoursAsync("Europe/London", tag, 60, Window(Weekday.Monday, 15, 0, 17, 0));
        var (early, earlyOffering) = await SeedCoachWithHoursAsync("Europe/London", tag, 60, Window(Weekday.Monday, 9, 0, 10, 0));
        var (_, shortOffering) = await SeedCoachWithHoursAsync("Europe/London", tag, 30, Window(Weekday.Monday, 8, 0, 9, 0));
        var request = new SearchAvailabilityRequest
        {
            Specialty = tag,
            MinDuration = Duration.FromTimeSpan(TimeSpan.FromMinutes(45)),
            StartTime = At(2026, 12, 7),
            EndTime = At(2026, 12, 14),
            SlotsPerOffering = 2,
            PageSize = 1,
        };

        var first = await AsClient().SearchAvailabilityAsync(request);
        var second = await AsClient().SearchAvailabilityAsync(new SearchAvailabilityRequest(request) { PageToken = first.NextPageToken });

        Assert.Equal(earlyOffering.Name, Assert.Single(first.Results).Offering);
        Assert.Equal(early.Name, first.Results[0].Coach);
        Assert.Single(first.Results[0].Slots);
        Assert.Equal(lateOffering.Name, Assert.Single(second.Results).Offering);
        Assert.Equal(2, second.Results[0].Slots.Count);
        Assert.Equal(string.Empty, second.NextPageToken);
        Assert.DoesNotContain(shortOffering.Name, first.Results.Concat(second.Results).Select(r => r.Offering));
        Assert.Equal(late.Name, second.Results[0].Coach);
    }

    [Fact]
    public async Task SearchAvailability_RangeTooLong_Invalid()
    {
        var error = await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => AsClient().SearchAvailabilityAsync(new SearchAvailabilityRequest
        {
            StartTime = At(2026, 12, 1), EndTime = At(2027, 2, 1),
        }));

        Assert.Equal(["end_time"], error.ViolatedFields());
    }
}
