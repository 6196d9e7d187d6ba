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
            if (problems.Count > 0)
            {
                foreach (var problem in problems)
                {
                    await Console.Error.WriteLineAsync(problem);
                }

                await Console.Error.WriteLineAsync($"{problems.Count} problem(s); nothing was imported.");
                return ExitCodes.Usage;
            }

            if (result.GetValue(dryRun))
            {
                Console.WriteLine($"{rows.Count} rows are valid; nothing was written (dry run).");
                return ExitCodes.Ok;
            }

            var outcomes = new List<Outcome>();
            using var channel = CliApp.Channel(result);
            var client = new CoachService.CoachServiceClient(channel);
            var existing = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            var page = string.Empty;
            do
            {
                var listed = await client.ListCoachesAsync(new ListCoachesRequest { PageSize = 200, PageToken = page, IncludeInactive = true },
                    CliApp.Headers(result), cancellationToken: ct);
                foreach (var known in listed.Coaches)
                {
                    existing.TryAdd(known.Email, known.Name);
                }

                page = listed.NextPageToken;
            }
            while (page.Length > 0);

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
        return new Command("import", "Imports data from files (checked in full before anything is written).") { coaches };
    }

    // Every row checked: required fields, an e-mail shape, a known IANA time zone, no e-mail twice in the file.
    internal static (List<(int Row, Coach Coach)> Rows, List<string> Problems) Read(FileInfo file)
    {
        var rows = new List<(int, Coach)>();
        var problems = new List<string>();
        if (!file.Exists)
        {
            return (rows, [$"{file.FullName} does not exist."]);
        }

        var records = Records(File.ReadAllText(file.FullName)).ToList();
        if (records.Count == 0)
        {
            return (rows, [$"{file.Name}: no header row ({string.Join(",", Columns)})."]);
        }

        var header = records[0].Fields.Select(f => f.Trim()).ToList();
        var missing = Columns[..3].Where(c => !header.Contains(c, StringComparer.Ordinal)).ToList();
        if (missing.Count > 0)
        {
            return (rows, [$"{file.Name}: the header lacks {string.Join(", ", missing)}."]);
        }

        var emails = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        foreach (var (row, fields) in records.Skip(1))
        {
            string Field(string name) => header.IndexOf(name) is var at and >= 0 && at < fields.Count ? fields[at].Trim() : string.Empty;
            var coach = new Coach
            {
                DisplayName = Field("display_name"), Email = Field("email"), TimeZone = Field("time_zone"), Bio = Field("bio"),
                Specialties = { Field("specialties").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) },
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
