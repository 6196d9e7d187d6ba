using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Coaching.Contracts.V1;
using Grpc.Core;
using Spectre.Console;

namespace Coaching.Cli;

/// <summary>
/// <c>coaching import coaches FILE.csv</c>: every row is checked before anything is written (a file with a bad row writes
/// nothing), <c>--dry-run</c> stops there, and a re-run is safe: a row whose e-mail address a coach already has is left unchanged,
/// and each create carries a request id derived from the address, so a run interrupted after a create and repeated creates no
/// second coach either.
/// </summary>
internal static class ImportCommand
{
    /// <summary>The columns of a coaches file (header row required; <c>specialties</c> separated by ';').</summary>
    public static readonly string[] Columns = ["display_name", "email", "time_zone", "specialties", "bio"];

    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    /// <summary>One row's result.</summary>
    public sealed record Outcome(int Row, string Email, string Result, string Detail);

    public static Command Build()
    {
        var file = new Argument<FileInfo>("file") { Description = $"CSV with a header row: {string.Join(",", Columns)} (specialties separated by ';')." };
        var dryRun = new Option<bool>("--dry-run") { Description = "Check every row and report; write nothing." };
        var coaches = new Command("coaches", "Imports coaches from a CSV file.") { file, dryRun };
        coaches.SetAction(async (result, ct) =>
        {
            var (rows, problems) = Read(result.GetRequiredValue(file));
            if (await StopAsync(problems, result.GetValue(dryRun), $"{rows.Count} rows are valid") is { } stopped)
            {
                return stopped;
            }

            var outcomes = new List<Outcome>();
            using var channel = CliApp.Channel(result);
            var client = new CoachService.CoachServiceClient(channel);
            var existing = await CoachIndexAsync(client, result, ct); // by name and by e-mail address

            await CliApp.Errors.Progress().StartAsync(async progress =>
            {
                var task = progress.AddTask("Importing coaches", maxValue: Math.Max(1, rows.Count));
                foreach (var (row, coach) in rows)
                {
                    if (existing.TryGetValue(coach.Email, out var name))
                    {
                        outcomes.Add(new Outcome(row, coach.Email, "unchanged", name));
                        task.Increment(1);
                        continue;
                    }

                    try
                    {
                        var stored = await client.CreateCoachAsync(new CreateCoachRequest
                        {
                            Coach = coach,
                            RequestId = $"import-coach:{coach.Email.ToLowerInvariant()}",
                        }, CliApp.Headers(result), cancellationToken: ct);
                        outcomes.Add(new Outcome(row, coach.Email, "created", stored.Name));
                    }
                    catch (RpcException e) when (e.StatusCode != StatusCode.Unavailable && e.StatusCode != StatusCode.Unauthenticated)
                    {
                        outcomes.Add(new Outcome(row, coach.Email, "refused", $"{e.StatusCode}: {e.Status.Detail}"));
                    }

                    task.Increment(1);
                }
            });

            if (CliApp.Json(result))
            {
                Console.WriteLine(JsonSerializer.Serialize(outcomes, Web));
            }
            else
            {
                var table = new Table().AddColumns("Row", "E-mail", "Result", "Coach or reason");
                foreach (var o in outcomes.Where(o => o.Result != "unchanged"))
                {
                    table.AddRow(o.Row.ToString(CultureInfo.InvariantCulture), Markup.Escape(o.Email), o.Result, Markup.Escape(o.Detail));
                }

                AnsiConsole.Write(table);
                Console.WriteLine($"{outcomes.Count(o => o.Result == "created")} created, {outcomes.Count(o => o.Result == "unchanged")} unchanged, " +
                    $"{outcomes.Count(o => o.Result == "refused")} refused.");
            }

            return outcomes.Any(o => o.Result == "refused") ? ExitCodes.Failed : ExitCodes.Ok;
        });
        return new Command("import", "Imports data from files (checked in full before anything is written).") { coaches, Offerings(), Schedules() };
    }

    // Where an import ends before writing: with the problems (every one listed, nothing written), or after a dry run.
    private static async Task<int?> StopAsync(List<string> problems, bool dryRun, string valid)
    {
        foreach (var problem in problems)
        {
            await Console.Error.WriteLineAsync(problem);
        }

        if (problems.Count > 0)
        {
            await Console.Error.WriteLineAsync($"{problems.Count} problem(s); nothing was imported.");
            return ExitCodes.Usage;
        }

        if (dryRun)
        {
            Console.WriteLine($"{valid}; nothing was written (dry run).");
            return ExitCodes.Ok;
        }

        return null;
    }

    // Rows as (row number, field by column name), after checking the header names the required columns.
    private static (List<(int Row, Func<string, string> Field)> Rows, string? Problem) Table(FileInfo file, string[] required)
    {
        if (!file.Exists)
        {
            return ([], $"{file.FullName} does not exist.");
        }

        var records = Records(File.ReadAllText(file.FullName)).ToList();
        if (records.Count == 0)
        {
            return ([], $"{file.Name}: no header row ({string.Join(",", required)}).");
        }

        var header = records[0].Fields.Select(f => f.Trim()).ToList();
        var missing = required.Where(c => !header.Contains(c, StringComparer.Ordinal)).ToList();
        if (missing.Count > 0)
        {
            return ([], $"{file.Name}: the header lacks {string.Join(", ", missing)}.");
        }

        return ([.. records.Skip(1).Select(r => (r.Row, (Func<string, string>)(name =>
            header.IndexOf(name) is var at and >= 0 && at < r.Fields.Count ? r.Fields[at].Trim() : string.Empty)))], null);
    }

    // Coach references in a file: coaches/{id} or the coach's e-mail address.
    private static async Task<Dictionary<string, string>> CoachIndexAsync(CoachService.CoachServiceClient client, ParseResult result, CancellationToken ct)
    {
        var index = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var page = string.Empty;
        do
        {
            var listed = await client.ListCoachesAsync(new ListCoachesRequest { PageSize = 200, PageToken = page, IncludeInactive = true },
                CliApp.Headers(result), cancellationToken: ct);
            foreach (var coach in listed.Coaches)
            {
                index.TryAdd(coach.Name, coach.Name);
                index.TryAdd(coach.Email, coach.Name);
            }

            page = listed.NextPageToken;
        }
        while (page.Length > 0);
        return index;
    }

    private static int Report(ParseResult result, List<Outcome> outcomes)
    {
        if (CliApp.Json(result))
        {
            Console.WriteLine(JsonSerializer.Serialize(outcomes, Web));
        }
        else
        {
            Console.WriteLine($"{outcomes.Count(o => o.Result == "created")} created, {outcomes.Count(o => o.Result == "unchanged")} unchanged, " +
                $"{outcomes.Count(o => o.Result == "refused")} refused.");
            foreach (var refused in outcomes.Where(o => o.Result == "refused"))
            {
                Console.WriteLine($"  row {refused.Row.ToString(CultureInfo.InvariantCulture)}: {refused.Detail}");
            }
        }

        return outcomes.Any(o => o.Result == "refused") ? ExitCodes.Failed : ExitCodes.Ok;
    }

    private static Command Offerings()
    {
        var file = new Argument<FileInfo>("file") { Description = "CSV: coach (coaches/{id} or e-mail), title, minutes[, description, requires_confirmation]." };
        var dryRun = new Option<bool>("--dry-run") { Description = "Check every row and report; write nothing." };
        var command = new Command("offerings", "Imports offerings; an offering whose coach already has one with that title is left unchanged.") { file, dryRun };
        command.SetAction(CliApp.Guarded(async (result, ct) =>
        {
            var (rows, problem) = Table(result.GetRequiredValue(file), ["coach", "title", "minutes"]);
            var problems = problem is null ? [] : new List<string> { problem };
            using var channel = CliApp.Channel(result);
            var client = new CoachService.CoachServiceClient(channel);
            var coaches = await CoachIndexAsync(client, result, ct);
            var planned = new List<(int Row, string Coach, Offering Offering)>();
            foreach (var (row, field) in rows)
            {
                if (!coaches.TryGetValue(field("coach"), out var coach))
                {
                    problems.Add($"row {row}: coach '{field("coach")}' is not a coach's name or e-mail address.");
                }
                else if (field("title").Length is 0 or > 200)
                {
                    problems.Add($"row {row}: title is required (1..200 characters).");
                }
                else if (!int.TryParse(field("minutes"), CultureInfo.InvariantCulture, out var minutes) || minutes is < 5 or > 480)
                {
                    problems.Add($"row {row}: minutes '{field("minutes")}' is not a number of minutes from 5 to 480.");
                }
                else
                {
                    planned.Add((row, coach, new Offering
                    {
                        Title = field("title"), Description = field("description"),
                        Duration = Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(TimeSpan.FromMinutes(minutes)),
                        RequiresConfirmation = field("requires_confirmation").Equals("true", StringComparison.OrdinalIgnoreCase),
                    }));
                }
            }

            if (await StopAsync(problems, result.GetValue(dryRun), $"{planned.Count} rows are valid") is { } stopped)
            {
                return stopped;
            }

            var outcomes = new List<Outcome>();
            var existing = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
            foreach (var (row, coach, offering) in planned)
            {
                if (!existing.TryGetValue(coach, out var titles))
                {
                    var listed = await client.ListOfferingsAsync(new ListOfferingsRequest { Parent = coach, PageSize = 200 }, CliApp.Headers(result), cancellationToken: ct);
                    existing[coach] = titles = listed.Offerings.Select(o => o.Title).ToHashSet(StringComparer.OrdinalIgnoreCase);
                }

                if (!titles.Add(offering.Title))
                {
                    outcomes.Add(new Outcome(row, coach, "unchanged", offering.Title));
                    continue;
                }

                try
                {
                    var stored = await client.CreateOfferingAsync(new CreateOfferingRequest
                    {
                        Parent = coach, Offering = offering, RequestId = $"import-offering:{coach}:{offering.Title.ToLowerInvariant()}",
                    }, CliApp.Headers(result), cancellationToken: ct);
                    outcomes.Add(new Outcome(row, coach, "created", stored.Name));
                }
                catch (RpcException e) when (e.StatusCode is StatusCode.InvalidArgument or StatusCode.FailedPrecondition or StatusCode.AlreadyExists)
                {
                    outcomes.Add(new Outcome(row, coach, "refused", $"{e.StatusCode}: {e.Status.Detail}"));
                }
            }

            return Report(result, outcomes);
        }));
        return command;
    }

    private static Command Schedules()
    {
        var file = new Argument<FileInfo>("file") { Description = "CSV: coach (coaches/{id} or e-mail), day (monday..sunday), start, end (HH:MM)." };
        var dryRun = new Option<bool>("--dry-run") { Description = "Check every row and report; write nothing." };
        var command = new Command("schedules", "Imports weekly hours: each coach in the file gets exactly the windows listed for them.") { file, dryRun };
        command.SetAction(CliApp.Guarded(async (result, ct) =>
        {
            var (rows, problem) = Table(result.GetRequiredValue(file), ["coach", "day", "start", "end"]);
            var problems = problem is null ? [] : new List<string> { problem };
            using var channel = CliApp.Channel(result);
            var coaches = await CoachIndexAsync(new CoachService.CoachServiceClient(channel), result, ct);
            var byCoach = new Dictionary<string, (int Row, List<WeeklyWindow> Windows)>(StringComparer.Ordinal);
            foreach (var (row, field) in rows)
            {
                var hours = ResourceCommands.Window(field("day"), field("start"), field("end"));
                if (!coaches.TryGetValue(field("coach"), out var coach))
                {
                    problems.Add($"row {row}: coach '{field("coach")}' is not a coach's name or e-mail address.");
                }
                else if (hours is null)
                {
                    problems.Add($"row {row}: '{field("day")} {field("start")}-{field("end")}' is not a day (monday..sunday) with HH:MM times.");
                }
                else
                {
                    if (!byCoach.TryGetValue(coach, out var entry))
                    {
                        byCoach[coach] = entry = (row, []);
                    }

                    entry.Windows.Add(hours);
                }
            }

            if (await StopAsync(problems, result.GetValue(dryRun), $"{byCoach.Count} coaches' hours are valid") is { } stopped)
            {
                return stopped;
            }

            var availability = new AvailabilityService.AvailabilityServiceClient(channel);
            var outcomes = new List<Outcome>();
            foreach (var (coach, (row, windows)) in byCoach)
            {
                try
                {
                    var current = await availability.GetWeeklyScheduleAsync(new GetWeeklyScheduleRequest { Name = $"{coach}/weeklySchedule" }, CliApp.Headers(result), cancellationToken: ct);
                    if (current.Windows.Select(w => w.ToString()).Order().SequenceEqual(windows.Select(w => w.ToString()).Order()))
                    {
                        outcomes.Add(new Outcome(row, coach, "unchanged", $"{windows.Count} windows"));
                        continue;
                    }

                    await availability.UpdateWeeklyScheduleAsync(new UpdateWeeklyScheduleRequest
                    {
                        WeeklySchedule = new WeeklySchedule { Name = $"{coach}/weeklySchedule", Windows = { windows } },
                    }, CliApp.Headers(result), cancellationToken: ct);
                    outcomes.Add(new Outcome(row, coach, "created", $"{windows.Count} windows"));
                }
                catch (RpcException e) when (e.StatusCode is StatusCode.InvalidArgument or StatusCode.FailedPrecondition)
                {
                    outcomes.Add(new Outcome(row, coach, "refused", $"{e.StatusCode}: {e.Status.Detail}"));
                }
            }

            return Report(result, outcomes);
        }));
        return command;
    }

    // Every row checked: required fields, an e-mail shape, a known IANA time zone, no e-mail twice in the file.
    internal static (List<(int Row, Coach Coach)> Rows, List<string> Problems) Read(FileInfo file)
    {
        var rows = new List<(int, Coach)>();
        var (records, problem) = Table(file, Columns[..3]);
        var problems = problem is null ? new List<string>() : [problem];
        var emails = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        foreach (var (row, field) in records)
        {
            var coach = new Coach
            {
                DisplayName = field("display_name"), Email = field("email"), TimeZone = field("time_zone"), Bio = field("bio"),
                Specialties = { field("specialties").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) },
            };
            var before = problems.Count;
            if (coach.DisplayName.Length is 0 or > 200)
            {
                problems.Add($"row {row}: display_name is required (1..200 characters).");
            }

            if (coach.Email.Length > 254 || !coach.Email.Contains('@', StringComparison.Ordinal))
            {
                problems.Add($"row {row}: email '{coach.Email}' is not an e-mail address.");
            }
            else if (emails.TryGetValue(coach.Email, out var first))
            {
                problems.Add($"row {row}: email {coach.Email} is already on row {first}.");
            }
            else
            {
                emails[coach.Email] = row;
            }

            if (!TimeZoneInfo.TryFindSystemTimeZoneById(coach.TimeZone, out _) || !coach.TimeZone.Contains('/', StringComparison.Ordinal) && coach.TimeZone != "UTC")
            {
                problems.Add($"row {row}: time_zone '{coach.TimeZone}' is not an IANA time zone id (e.g. Europe/London).");
            }

            if (problems.Count == before)
            {
                rows.Add((row, coach));
            }
        }

        return (rows, problems);
    }

    // RFC 4180 records with their 1-based row numbers: quoted fields may hold commas, doubled quotes and line breaks; blank lines skip.
    internal static IEnumerable<(int Row, List<string> Fields)> Records(string text)
    {
        var fields = new List<string>();
        var field = new System.Text.StringBuilder();
        var quoted = false;
        var row = 1;
        var start = 1;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    row += c == '\n' ? 1 : 0;
                    field.Append(c);
                }

                continue;
            }

            switch (c)
            {
                case '"' when field.Length == 0:
                    quoted = true;
                    break;
                case ',':
                    fields.Add(field.ToString());
                    field.Clear();
                    break;
                case '\r':
                    break;
                case '\n':
                    fields.Add(field.ToString());
                    field.Clear();
                    if (fields.Count > 1 || fields[0].Length > 0)
                    {
                        yield return (start, fields);
                    }

                    fields = [];
                    row++;
                    start = row;
                    break;
                default:
                    field.Append(c);
                    break;
            }
        }

        fields.Add(field.ToString());
        if (fields.Count > 1 || fields[0].Length > 0)
        {
            yield return (start, fields);
        }
    }
}
