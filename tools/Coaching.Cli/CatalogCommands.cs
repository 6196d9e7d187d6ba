using System.CommandLine;
using System.Globalization;
using Coaching.Contracts.V1;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Spectre.Console;

namespace Coaching.Cli;

/// <summary>Date overrides, courses, cohorts and enrolments: listing (every page) and the common changes.</summary>
internal static class CatalogCommands
{
    // A list command over every page: the rows as a table, or the messages as a JSON array.
    private static Command Lister<T>(string name, string description, Argument<string>? parent, string[] columns,
        Func<GrpcChannel, string?, string, Metadata, CancellationToken, Task<(IEnumerable<T> Items, string Next)>> page, Func<T, string[]> row)
        where T : IMessage
    {
        var command = new Command(name, description);
        if (parent is not null)
        {
            command.Add(parent);
        }

        command.SetAction(CliApp.Guarded(async (result, ct) =>
        {
            using var channel = CliApp.Channel(result);
            var items = new List<T>();
            var token = string.Empty;
            do
            {
                var (batch, next) = await page(channel, parent is null ? null : result.GetRequiredValue(parent), token, CliApp.Headers(result), ct);
                items.AddRange(batch);
                token = next;
            }
            while (token.Length > 0);

            if (CliApp.Json(result))
            {
                Console.WriteLine($"[{string.Join(",", items.Select(i => JsonFormatter.Default.Format(i)))}]");
                return ExitCodes.Ok;
            }

            var table = new Table().AddColumns(columns);
            foreach (var item in items)
            {
                table.AddRow(row(item).Select(Markup.Escape).ToArray());
            }

            AnsiConsole.Write(table);
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static string Day(Date d) => $"{d.Year:0000}-{d.Month:00}-{d.Day:00}";

    private static string Utc(Google.Protobuf.WellKnownTypes.Timestamp? t) =>
        t is null ? string.Empty : t.ToDateTime().ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    public static Command Overrides()
    {
        var list = Lister<DateOverride>("list", "Lists a coach's date overrides.", new Argument<string>("coach") { Description = "coaches/{coach}" },
            ["Override", "From", "To", "Kind", "Reason"],
            async (channel, coach, token, headers, ct) =>
            {
                var r = await new AvailabilityService.AvailabilityServiceClient(channel).ListDateOverridesAsync(
                    new ListDateOverridesRequest { Parent = coach, PageSize = 200, PageToken = token }, headers, cancellationToken: ct);
                return (r.DateOverrides, r.NextPageToken);
            },
            o => [o.Name, Day(o.StartDate), Day(o.EndDate), o.Kind.ToString(), o.Reason]);

        var coach = new Argument<string>("coach") { Description = "coaches/{coach}" };
        var from = new Option<DateOnly>("--from") { Description = "First day (YYYY-MM-DD, coach-local).", Required = true };
        var to = new Option<DateOnly?>("--to") { Description = "Last day (default: the first)." };
        var reason = new Option<string?>("--reason") { Description = "Why (shown to the coach's admins)." };
        var add = new Command("add", "Marks days unavailable for a coach (time off).") { coach, from, to, reason };
        add.SetAction(CliApp.Guarded(async (result, ct) =>
        {
            var first = result.GetValue(from);
            var last = result.GetValue(to) ?? first;
            using var channel = CliApp.Channel(result);
            var created = await new AvailabilityService.AvailabilityServiceClient(channel).CreateDateOverrideAsync(new CreateDateOverrideRequest
            {
                Parent = result.GetRequiredValue(coach),
                DateOverride = new DateOverride
                {
                    StartDate = new Date { Year = first.Year, Month = first.Month, Day = first.Day },
                    EndDate = new Date { Year = last.Year, Month = last.Month, Day = last.Day },
                    Kind = DateOverrideKind.Unavailable, Reason = result.GetValue(reason) ?? string.Empty,
                },
                RequestId = Guid.NewGuid().ToString(),
            }, CliApp.Headers(result), cancellationToken: ct);
            Console.WriteLine(CliApp.Json(result) ? JsonFormatter.Default.Format(created) : created.Name);
            return ExitCodes.Ok;
        }));

        var name = new Argument<string>("override") { Description = "coaches/{coach}/dateOverrides/{override}" };
        var delete = new Command("delete", "Deletes a date override.") { name };
        delete.SetAction(CliApp.Guarded(async (result, ct) =>
        {
            using var channel = CliApp.Channel(result);
            await new AvailabilityService.AvailabilityServiceClient(channel).DeleteDateOverrideAsync(
                new DeleteDateOverrideRequest { Name = result.GetRequiredValue(name) }, CliApp.Headers(result), cancellationToken: ct);
            Console.WriteLine($"deleted {result.GetRequiredValue(name)}");
            return ExitCodes.Ok;
        }));
        return new Command("overrides", "Date overrides (time off): list, add, delete.") { list, add, delete };
    }

    public static Command Courses() => new("courses", "Courses: list, create.")
    {
        CourseCommands.CreateCourse(),
        Lister<Course>("list", "Lists courses.", null, ["Course", "Title", "Sessions"],
            async (channel, _, token, headers, ct) =>
            {
                var r = await new CourseService.CourseServiceClient(channel).ListCoursesAsync(new ListCoursesRequest { PageSize = 200, PageToken = token },
                    headers, cancellationToken: ct);
                return (r.Courses, r.NextPageToken);
            },
            c => [c.Name, c.Title, c.SessionCount.ToString(CultureInfo.InvariantCulture)]),
    };

    public static Command Cohorts() => new("cohorts", "Cohorts: list, create, update.")
    {
        CourseCommands.CreateCohort(),
        CourseCommands.UpdateCohort(),
        Lister<Cohort>("list", "Lists a course's cohorts (courses/- for all).", new Argument<string>("course") { Description = "courses/{course} or courses/-" },
            ["Cohort", "Name", "State", "Enrolled", "Seats left", "Waitlist", "Enrolment closes (UTC)"],
            async (channel, course, token, headers, ct) =>
            {
                var r = await new CourseService.CourseServiceClient(channel).ListCohortsAsync(new ListCohortsRequest { Parent = course, PageSize = 200, PageToken = token },
                    headers, cancellationToken: ct);
                return (r.Cohorts, r.NextPageToken);
            },
            c => [c.Name, c.DisplayName, c.State.ToString(), c.EnrolledCount.ToString(CultureInfo.InvariantCulture),
                c.SeatsLeft.ToString(CultureInfo.InvariantCulture), c.WaitlistCount.ToString(CultureInfo.InvariantCulture), Utc(c.EnrolmentCloseTime)]),
    };

    public static Command Enrolments() => new("enrolments", "Enrolments: list, add, withdraw.")
    {
        CourseCommands.Enrol(),
        CourseCommands.Withdraw(),
        Lister<Enrolment>("list", "Lists a cohort's enrolments (courses/-/cohorts/- for the caller's own).",
            new Argument<string>("cohort") { Description = "courses/{course}/cohorts/{cohort}" },
            ["Enrolment", "Client", "State", "Waitlist position"],
            async (channel, cohort, token, headers, ct) =>
            {
                var r = await new CourseService.CourseServiceClient(channel).ListEnrolmentsAsync(
                    new ListEnrolmentsRequest { Parent = cohort, PageSize = 200, PageToken = token }, headers, cancellationToken: ct);
                return (r.Enrolments, r.NextPageToken);
            },
            e => [e.Name, e.Client, e.State.ToString(), e.WaitlistPosition == 0 ? string.Empty : e.WaitlistPosition.ToString(CultureInfo.InvariantCulture)]),
    };
}
