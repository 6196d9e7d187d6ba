using System.CommandLine;
using System.Globalization;
using System.Text;
using Coaching.Contracts.V1;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Ical.Net.DataTypes;
using Ical.Net.Serialization;
using Spectre.Console;
using YamlDotNet.Serialization;

namespace Coaching.Cli;

/// <summary>The online commands for schedules, bookings, invites, feeds and the bookings export (all through the public API).</summary>
internal static class ResourceCommands
{
    private static readonly string[] Days = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];

    public static Command Schedule()
    {
        var coach = new Argument<string>("coach") { Description = "The coach, coaches/{coach}." };
        var file = new Option<FileInfo>("--file") { Description = "YAML or JSON: each day (monday..sunday) maps to a list of \"HH:MM-HH:MM\".", Required = true };
        var show = new Command("show", "Shows a coach's weekly hours.") { coach };
        show.SetAction(CliApp.Guarded(async (result, ct) =>
        {
            using var channel = CliApp.Channel(result);
            var schedule = await new AvailabilityService.AvailabilityServiceClient(channel).GetWeeklyScheduleAsync(
                new GetWeeklyScheduleRequest { Name = $"{result.GetRequiredValue(coach)}/weeklySchedule" }, CliApp.Headers(result), cancellationToken: ct);
            if (CliApp.Json(result))
            {
                Console.WriteLine(JsonFormatter.Default.Format(schedule));
                return ExitCodes.Ok;
            }

            var table = new Table().AddColumns("Day", "Hours").Caption(Markup.Escape(schedule.TimeZone));
            foreach (var day in schedule.Windows.GroupBy(w => w.Weekday))
            {
                table.AddRow(Days[(int)day.Key - 1], string.Join(", ", day.Select(w => $"{Clock(w.StartTime)}-{Clock(w.EndTime)}")));
            }

            AnsiConsole.Write(table);
            return ExitCodes.Ok;
        }));
        var set = new Command("set", "Replaces a coach's weekly hours with those in a file.") { coach, file };
        set.SetAction(CliApp.Guarded(async (result, ct) =>
        {
            var windows = ReadHours(result.GetRequiredValue(file), out var problem);
            if (windows is null)
            {
                await Console.Error.WriteLineAsync(problem);
                return ExitCodes.Usage;
            }

            using var channel = CliApp.Channel(result);
            var stored = await new AvailabilityService.AvailabilityServiceClient(channel).UpdateWeeklyScheduleAsync(new UpdateWeeklyScheduleRequest
            {
                WeeklySchedule = new WeeklySchedule { Name = $"{result.GetRequiredValue(coach)}/weeklySchedule", Windows = { windows } },
            }, CliApp.Headers(result), cancellationToken: ct);
            Console.WriteLine(CliApp.Json(result) ? JsonFormatter.Default.Format(stored) : $"{stored.Name}: {stored.Windows.Count} windows");
            return ExitCodes.Ok;
        }));
        return new Command("schedule", "Weekly hours: show, set from a file.") { show, set };
    }

    // monday: ["09:00-12:00", "13:00-17:00"]; every line checked before anything is sent.
    internal static List<WeeklyWindow>? ReadHours(FileInfo file, out string problem)
    {
        problem = string.Empty;
        Dictionary<string, List<string>>? days;
        try
        {
            days = new DeserializerBuilder().Build().Deserialize<Dictionary<string, List<string>>>(File.ReadAllText(file.FullName));
        }
        catch (Exception e) when (e is YamlDotNet.Core.YamlException or IOException)
        {
            problem = $"{file.Name}: {e.Message}";
            return null;
        }

        var windows = new List<WeeklyWindow>();
        foreach (var (day, ranges) in days ?? [])
        {
            var index = Array.IndexOf(Days, day.Trim().ToLowerInvariant());
            if (index < 0)
            {
                problem = $"{file.Name}: '{day}' is not a day (monday..sunday).";
                return null;
            }

            foreach (var range in ranges ?? [])
            {
                var parts = range.Split('-', StringSplitOptions.TrimEntries);
                if (parts.Length != 2 || ParseClock(parts[0]) is not { } start || ParseClock(parts[1]) is not { } end)
                {
                    problem = $"{file.Name}: {day}: '{range}' is not HH:MM-HH:MM.";
                    return null;
                }

                windows.Add(new WeeklyWindow { Weekday = (Weekday)(index + 1), StartTime = start, EndTime = end });
            }
        }

        return windows;
    }

    /// <summary>A weekly window from a day name and two HH:MM times (end after start; 24:00 allowed as an end), or null.</summary>
    internal static WeeklyWindow? Window(string day, string start, string end)
    {
        var index = Array.IndexOf(Days, day.Trim().ToLowerInvariant());
        return index >= 0 && ParseClock(start) is { } from && ParseClock(end) is { } to && from.Hours * 60 + from.Minutes < to.Hours * 60 + to.Minutes
            ? new WeeklyWindow { Weekday = (Weekday)(index + 1), StartTime = from, EndTime = to }
            : null;
    }

    private static TimeOfDay? ParseClock(string text) =>
        text == "24:00" ? new TimeOfDay { Hours = 24 }
        : TimeOnly.TryParseExact(text, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var time) ? new TimeOfDay { Hours = time.Hour, Minutes = time.Minute }
        : null;

    private static string Clock(TimeOfDay time) => $"{time.Hours:00}:{time.Minutes:00}";

    public static Command Offerings()
    {
        var coach = new Argument<string>("coach") { Description = "The coach, coaches/{coach}." };
        var list = new Command("list", "Lists a coach's offerings.") { coach };
        list.SetAction(CliApp.Guarded(async (result, ct) =>
        {
            using var channel = CliApp.Channel(result);
            var response = await new CoachService.CoachServiceClient(channel).ListOfferingsAsync(
                new ListOfferingsRequest { Parent = result.GetRequiredValue(coach), PageSize = 200 }, CliApp.Headers(result), cancellationToken: ct);
            if (CliApp.Json(result))
            {
                Console.WriteLine($"[{string.Join(",", response.Offerings.Select(o => JsonFormatter.Default.Format(o)))}]");
                return ExitCodes.Ok;
            }

            var table = new Table().AddColumns("Offering", "Title", "Minutes", "Needs confirmation");
            foreach (var o in response.Offerings)
            {
                table.AddRow(Markup.Escape(o.Name), Markup.Escape(o.Title), ((int)o.Duration.ToTimeSpan().TotalMinutes).ToString(CultureInfo.InvariantCulture),
                    o.RequiresConfirmation ? "yes" : "no");
            }

            AnsiConsole.Write(table);
            return ExitCodes.Ok;
        }));
        var owner = new Argument<string>("coach") { Description = "The coach, coaches/{coach}." };
        var title = new Option<string>("--title") { Description = "What clients see.", Required = true };
        var minutes = new Option<int>("--minutes") { Description = "Session length in minutes.", Required = true };
        var description = new Option<string?>("--description") { Description = "Longer description." };
        var confirm = new Option<bool>("--requires-confirmation") { Description = "Bookings wait for the coach to confirm." };
        var requestId = new Option<string?>("--request-id") { Description = "Idempotency key (default: a new one)." };
        var create = new Command("create", "Creates an offering for a coach.") { owner, title, minutes, description, confirm, requestId };
        create.SetAction(CliApp.Guarded(async (result, ct) =>
        {
            using var channel = CliApp.Channel(result);
            var offering = await new CoachService.CoachServiceClient(channel).CreateOfferingAsync(new CreateOfferingRequest
            {
                Parent = result.GetRequiredValue(owner),
                Offering = new Offering
                {
                    Title = result.GetRequiredValue(title), Description = result.GetValue(description) ?? string.Empty,
                    Duration = Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(TimeSpan.FromMinutes(result.GetValue(minutes))), RequiresConfirmation = result.GetValue(confirm),
                },
                RequestId = result.GetValue(requestId) ?? Guid.NewGuid().ToString(),
            }, CliApp.Headers(result), cancellationToken: ct);
            Console.WriteLine(CliApp.Json(result) ? JsonFormatter.Default.Format(offering) : offering.Name);
            return ExitCodes.Ok;
        }));
        return new Command("offerings", "Offerings: list, create.") { list, create };
    }

    public static Command Bookings()
    {
        var coach = new Option<string?>("--coach") { Description = "Only this coach's (coaches/{coach})." };
        var client = new Option<string?>("--client") { Description = "Only this client's (users/{user})." };
        var from = new Option<DateTimeOffset?>("--from") { Description = "Only bookings starting at or after this instant." };
        var to = new Option<DateTimeOffset?>("--to") { Description = "Only bookings starting before this instant." };
        var list = new Command("list", "Lists bookings (every page).") { coach, client, from, to };
        list.SetAction(CliApp.Guarded(async (result, ct) =>
        {
            var bookings = new List<Booking>();
            await foreach (var booking in AllAsync(result, result.GetValue(coach), result.GetValue(client), result.GetValue(from), result.GetValue(to), ct))
            {
                bookings.Add(booking);
            }

            if (CliApp.Json(result))
            {
                Console.WriteLine($"[{string.Join(",", bookings.Select(b => JsonFormatter.Default.Format(b)))}]");
                return ExitCodes.Ok;
            }

            var table = new Table().AddColumns("Booking", "Start (UTC)", "State", "Coach", "Client");
            foreach (var b in bookings)
            {
                table.AddRow(Markup.Escape(b.Name), b.StartTime.ToDateTime().ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture),
                    b.State.ToString(), Markup.Escape(b.Coach), Markup.Escape(b.Client));
            }

            AnsiConsole.Write(table);
            return ExitCodes.Ok;
        }));
        var command = new Command("bookings", "Bookings: list, confirm, decline, cancel, reschedule.") { list };
        foreach (var (verb, description) in new[] { ("confirm", "Confirms a pending booking."), ("decline", "Declines a pending booking."), ("cancel", "Cancels a booking.") })
        {
            var name = new Argument<string>("booking") { Description = "bookings/{booking}" };
            var reason = new Option<string?>("--reason") { Description = "Why (sent to the other party)." };
            var change = new Command(verb, description) { name, reason };
            change.SetAction(CliApp.Guarded(async (result, ct) =>
            {
                using var channel = CliApp.Channel(result);
                var service = new BookingService.BookingServiceClient(channel);
                var headers = CliApp.Headers(result);
                var current = await service.GetBookingAsync(new GetBookingRequest { Name = result.GetRequiredValue(name) }, headers, cancellationToken: ct);
                var changed = verb switch
                {
                    "confirm" => await service.ConfirmBookingAsync(new ConfirmBookingRequest { Name = current.Name, Etag = current.Etag }, headers, cancellationToken: ct),
                    "decline" => await service.DeclineBookingAsync(new DeclineBookingRequest { Name = current.Name, Etag = current.Etag, Reason = result.GetValue(reason) ?? string.Empty }, headers, cancellationToken: ct),
                    _ => await service.CancelBookingAsync(new CancelBookingRequest { Name = current.Name, Etag = current.Etag, Reason = result.GetValue(reason) ?? string.Empty }, headers, cancellationToken: ct),
                };
                Console.WriteLine(CliApp.Json(result) ? JsonFormatter.Default.Format(changed) : $"{changed.Name}: {changed.State}");
                return ExitCodes.Ok;
            }));
            command.Add(change);
        }

        var moved = new Argument<string>("booking") { Description = "bookings/{booking}" };
        var start = new Option<DateTimeOffset>("--start") { Description = "The new start (e.g. 2026-12-03T10:00:00Z).", Required = true };
        var reschedule = new Command("reschedule", "Moves a booking to a new start.") { moved, start };
        reschedule.SetAction(CliApp.Guarded(async (result, ct) =>
        {
            using var channel = CliApp.Channel(result);
            var service = new BookingService.BookingServiceClient(channel);
            var current = await service.GetBookingAsync(new GetBookingRequest { Name = result.GetRequiredValue(moved) }, CliApp.Headers(result), cancellationToken: ct);
            var changed = await service.RescheduleBookingAsync(new RescheduleBookingRequest
            {
                Name = current.Name, Etag = current.Etag, StartTime = Timestamp.FromDateTimeOffset(result.GetValue(start)), RequestId = Guid.NewGuid().ToString(),
            }, CliApp.Headers(result), cancellationToken: ct);
            Console.WriteLine(CliApp.Json(result) ? JsonFormatter.Default.Format(changed) : $"{changed.Name}: {changed.StartTime.ToDateTime():yyyy-MM-dd HH:mm} UTC");
            return ExitCodes.Ok;
        }));
        command.Add(reschedule);
        return command;
    }

    private static async IAsyncEnumerable<Booking> AllAsync(ParseResult result, string? coach, string? client, DateTimeOffset? from,
        DateTimeOffset? to, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        using var channel = CliApp.Channel(result);
        var service = new BookingService.BookingServiceClient(channel);
        var page = string.Empty;
        do
        {
            var request = new ListBookingsRequest { PageSize = 200, PageToken = page, Coach = coach ?? string.Empty, Client = client ?? string.Empty };
            if (from is { } f)
            {
                request.StartTime = Timestamp.FromDateTimeOffset(f);
            }

            if (to is { } t)
            {
                request.EndTime = Timestamp.FromDateTimeOffset(t);
            }

            var response = await service.ListBookingsAsync(request, CliApp.Headers(result), cancellationToken: ct);
            foreach (var booking in response.Bookings)
            {
                yield return booking;
            }

            page = response.NextPageToken;
        }
        while (page.Length > 0);
    }

    public static Command Export()
    {
        var from = new Option<DateTimeOffset>("--from") { Description = "Bookings starting at or after this instant.", Required = true };
        var to = new Option<DateTimeOffset>("--to") { Description = "Bookings starting before this instant.", Required = true };
        var format = new Option<string>("--format") { Description = "csv, ics or json.", DefaultValueFactory = _ => "csv" }.AcceptOnlyFromAmong("csv", "ics", "json");
        var file = new Option<FileInfo?>("--file") { Description = "Write here instead of standard output." };
        var bookings = new Command("bookings", "Exports bookings page by page (progress on stderr).") { from, to, format, file };
        bookings.SetAction(CliApp.Guarded(async (result, ct) =>
        {
            var target = result.GetValue(file);
            await using var output = target is null ? Console.OpenStandardOutput() : target.Create();
            await using var writer = new StreamWriter(output, new UTF8Encoding(false)) { NewLine = "\r\n" };
            var kind = result.GetRequiredValue(format);
            var calendar = kind == "ics" ? new Ical.Net.Calendar { ProductId = "-//Coaching//Export//EN" } : null;
            var count = 0;
            await CliApp.Errors.Status().StartAsync("Exporting bookings", async status =>
            {
                if (kind == "csv")
                {
                    await writer.WriteLineAsync("name,state,coach,client,offering,start_time,end_time,coach_time_zone,agenda");
                }
                else if (kind == "json")
                {
                    await writer.WriteAsync('[');
                }

                await foreach (var b in AllAsync(result, null, null, result.GetValue(from), result.GetValue(to), ct))
                {
                    switch (kind)
                    {
                        case "csv":
                            await writer.WriteLineAsync(string.Join(',', new[]
                            {
                                b.Name, b.State.ToString(), b.Coach, b.Client, b.Offering, Iso(b.StartTime), Iso(b.EndTime), b.CoachTimeZone, b.Agenda,
                            }.Select(Csv)));
                            break;
                        case "json":
                            await writer.WriteAsync((count > 0 ? "," : string.Empty) + JsonFormatter.Default.Format(b));
                            break;
                        default:
                            calendar!.Events.Add(new Ical.Net.CalendarComponents.CalendarEvent
                            {
                                Uid = $"booking-{b.Name.Split('/')[^1]}@coaching",
                                DtStart = new CalDateTime(b.StartTime.ToDateTime()),
                                DtEnd = new CalDateTime(b.EndTime.ToDateTime()),
                                Summary = $"Coaching: {b.Client} with {b.Coach}",
                                Status = b.State == BookingState.Cancelled ? "CANCELLED" : "CONFIRMED",
                            });
                            break;
                    }

                    count++;
                    status.Status($"Exporting bookings: {count}");
                }

                if (kind == "json")
                {
                    await writer.WriteAsync(']');
                }
                else if (calendar is not null)
                {
                    await writer.WriteAsync(new CalendarSerializer().SerializeToString(calendar));
                }
            });
            await Console.Error.WriteLineAsync($"{count} bookings exported.");
            return ExitCodes.Ok;
        }));
        return new Command("export", "Exports data for reporting.") { bookings };
    }

    private static string Iso(Timestamp? t) => t is null ? string.Empty : t.ToDateTime().ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

    // RFC 4180: quote a field holding a comma, a quote or a line break, doubling its quotes; a leading =,+,-,@ is prefixed with '
    // so spreadsheets do not run it as a formula.
    internal static string Csv(string value)
    {
        if (value.Length > 0 && value[0] is '=' or '+' or '-' or '@')
        {
            value = $"'{value}";
        }

        return value.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? $"\"{value.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : value;
    }

    public static Command Invites()
    {
        var booking = new Argument<string>("booking") { Description = "bookings/{booking}" };
        var to = new Option<FileInfo>("--to") { Description = "The .ics file to write.", Required = true };
        var save = new Command("save", "Saves the latest invite of a booking, byte for byte, as an .ics file.") { booking, to };
        save.SetAction(CliApp.Guarded(async (result, ct) =>
        {
            using var channel = CliApp.Channel(result);
            var invites = await new CalendarService.CalendarServiceClient(channel).ListInvitesAsync(
                new ListInvitesRequest { Parent = result.GetRequiredValue(booking), PageSize = 100 }, CliApp.Headers(result), cancellationToken: ct);
            if (invites.Invites.Count == 0)
            {
                await Console.Error.WriteLineAsync("The booking has no invite yet.");
                return ExitCodes.Failed;
            }

            var latest = invites.Invites[^1];
            await File.WriteAllBytesAsync(result.GetRequiredValue(to).FullName, latest.Content.ToByteArray(), ct);
            Console.WriteLine($"{latest.Method} sequence {latest.Sequence} -> {result.GetRequiredValue(to).FullName}");
            return ExitCodes.Ok;
        }));
        return new Command("invites", "Invites: save a booking's .ics.") { save };
    }

    public static Command Feeds()
    {
        var name = new Argument<string>("feed") { Description = "users/{user}/feed or coaches/{coach}/feed" };
        var show = new Command("show", "Shows a feed's subscription URL.") { name };
        show.SetAction(CliApp.Guarded(async (result, ct) =>
        {
            using var channel = CliApp.Channel(result);
            var feed = await new CalendarService.CalendarServiceClient(channel).GetFeedAsync(new GetFeedRequest { Name = result.GetRequiredValue(name) },
                CliApp.Headers(result), cancellationToken: ct);
            Console.WriteLine(CliApp.Json(result) ? JsonFormatter.Default.Format(feed) : feed.Url);
            return ExitCodes.Ok;
        }));
        var rotated = new Argument<string>("feed") { Description = "users/{user}/feed or coaches/{coach}/feed" };
        var rotate = new Command("rotate", "Issues a new feed URL; the old one stops working at once.") { rotated };
        rotate.SetAction(CliApp.Guarded(async (result, ct) =>
        {
            using var channel = CliApp.Channel(result);
            var feed = await new CalendarService.CalendarServiceClient(channel).RotateFeedTokenAsync(
                new RotateFeedTokenRequest { Name = result.GetRequiredValue(rotated) }, CliApp.Headers(result), cancellationToken: ct);
            Console.WriteLine(CliApp.Json(result) ? JsonFormatter.Default.Format(feed) : feed.Url);
            return ExitCodes.Ok;
        }));
        return new Command("feeds", "Calendar feeds: show, rotate.") { show, rotate };
    }
}
