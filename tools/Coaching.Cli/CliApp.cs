using System.CommandLine;
using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using Coaching.Contracts.V1;
using Coaching.Storage.Sqlite;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Data.Sqlite;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Spectre.Console;

namespace Coaching.Cli;

/// <summary>
/// The commands of the <c>coaching</c> CLI (System.CommandLine: help, suggestions, completion; Spectre.Console: tables and
/// progress that respect <c>NO_COLOR</c> and non-terminals). Online commands go through the public gRPC API; the offline ones
/// (backup, restore, migrate) work on the embedded store's file.
/// </summary>
public static class CliApp
{
    internal static readonly Option<string> Server = new("--server")
    {
        Description = "The server's gRPC address (default $COACHING_SERVER or http://localhost:5000).",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("COACHING_SERVER") ?? "http://localhost:5000",
        Recursive = true,
    };

    private static readonly Option<string?> Token = new("--token")
    {
        Description = "Bearer token for the call (default $COACHING_TOKEN).",
        Recursive = true,
    };

    private static readonly Option<string?> DataDir = new("--data-dir")
    {
        Description = "The server's data directory (signing key, SQLite file); default $Coaching__DataDirectory or ~/.local/share/coaching.",
        Recursive = true,
    };

    internal static readonly Option<string> Output = new Option<string>("--output", "-o")
    {
        Description = "table (for people) or json (for scripts).",
        DefaultValueFactory = _ => "table",
        Recursive = true,
    }.AcceptOnlyFromAmong("table", "json");

    /// <summary>The root command with every subcommand.</summary>
    public static RootCommand Build()
    {
        var root = new RootCommand("Coaching admin CLI: tokens, coaches, schedules, bookings, invites, feeds, exports, load runs, backups, restores and the move to MongoDB.") { Server, Token, DataDir, Output };
        root.Add(TokenCommand());
        root.Add(CoachesCommand());
        root.Add(LoadCommand());
        root.Add(BackupCommand());
        root.Add(RestoreCommand());
        root.Add(MigrateCommand.Build(DataDirectory));
        root.Add(ResourceCommands.Offerings());
        root.Add(ResourceCommands.Schedule());
        root.Add(CatalogCommands.Overrides());
        root.Add(CatalogCommands.Courses());
        root.Add(CatalogCommands.Cohorts());
        root.Add(CatalogCommands.Enrolments());
        root.Add(ResourceCommands.Bookings());
        root.Add(ResourceCommands.Invites());
        root.Add(ResourceCommands.Feeds());
        root.Add(ResourceCommands.Export());
        root.Add(ImportCommand.Build());
        return root;
    }

    /// <summary>Parses and runs; a malformed command line exits <see cref="ExitCodes.Usage"/>.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        var parsed = Build().Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var error in parsed.Errors)
            {
                await Console.Error.WriteLineAsync(error.Message);
            }

            await Console.Error.WriteLineAsync("Run 'coaching --help' for the commands and their options.");
            return ExitCodes.Usage;
        }

        return await parsed.InvokeAsync();
    }

    // Every action: a server's refusal becomes exit code 2 with its status, message and reason.
    internal static Func<ParseResult, CancellationToken, Task<int>> Guarded(Func<ParseResult, CancellationToken, Task<int>> action) => async (result, ct) =>
    {
        try
        {
            return await action(result, ct);
        }
        catch (RpcException e)
        {
            var reason = e.Trailers.GetValueBytes("grpc-status-details-bin") is { } bytes
                ? Google.Rpc.Status.Parser.ParseFrom(bytes).Details.Select(d => d.TryUnpack<Google.Rpc.ErrorInfo>(out var info) ? info.Reason : null).FirstOrDefault(r => r is not null)
                : null;
            await Console.Error.WriteLineAsync($"{e.StatusCode}{(reason is null ? string.Empty : $" ({reason})")}: {e.Status.Detail}");
            return ExitCodes.Refused;
        }
    };

    private static string DataDirectory(ParseResult result)
    {
        var dir = result.GetValue(DataDir) ?? Environment.GetEnvironmentVariable("Coaching__DataDirectory");
        return string.IsNullOrWhiteSpace(dir) ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "coaching") : dir;
    }

    internal static GrpcChannel Channel(ParseResult result) => GrpcChannel.ForAddress(result.GetRequiredValue(Server));

    internal static bool Json(ParseResult result) => result.GetValue(Output) == "json";

    internal static Metadata Headers(ParseResult result) =>
        (result.GetValue(Token) ?? Environment.GetEnvironmentVariable("COACHING_TOKEN")) is { } token ? new Metadata { { "authorization", $"Bearer {token}" } } : [];

    internal static IAnsiConsole Errors { get; } = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });

    private static Command TokenCommand()
    {
        var sub = new Option<string>("--sub") { Description = "The user id (sub claim).", Required = true };
        var role = new Option<string>("--role") { Description = "admin, coach or client.", DefaultValueFactory = _ => "client" }.AcceptOnlyFromAmong("admin", "coach", "client");
        var coachId = new Option<string?>("--coach-id") { Description = "For a coach: the coach they are (the id after coaches/)." };
        var name = new Option<string?>("--name") { Description = "Display name claim." };
        var email = new Option<string?>("--email") { Description = "E-mail claim (invites go there)." };
        var hours = new Option<double>("--hours") { Description = "Lifetime in hours.", DefaultValueFactory = _ => 8 };
        var command = new Command("token", "Mints a token signed with the server's local development key (from its data directory).")
        {
            sub, role, coachId, name, email, hours,
        };
        command.SetAction(result =>
        {
            var key = Path.Combine(DataDirectory(result), "signing-key.json");
            if (!File.Exists(key))
            {
                Console.Error.WriteLine($"No signing key at {key}; start the server once (it creates the key), or pass --data-dir.");
                return ExitCodes.Failed;
            }

            Console.WriteLine(Mint(key, result.GetRequiredValue(sub), result.GetRequiredValue(role), result.GetValue(coachId), result.GetValue(name),
                result.GetValue(email), result.GetValue(hours)));
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>A token signed with the local development key at <paramref name="keyPath"/>.</summary>
    public static string Mint(string keyPath, string subject, string role, string? coachId, string? name, string? email, double hours)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(keyPath));
        var root = json.RootElement;
        var claims = new List<Claim> { new("sub", subject), new("role", role) };
        foreach (var (type, value) in new[] { ("coach_id", coachId), ("name", name), ("email", email) })
        {
            if (value is not null)
            {
                claims.Add(new Claim(type, value));
            }
        }

        var key = new SymmetricSecurityKey(Convert.FromBase64String(root.GetProperty("key").GetString()!)) { KeyId = "local" };
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = root.GetProperty("issuer").GetString(),
            Audience = root.GetProperty("audience").GetString(),
            Subject = new ClaimsIdentity(claims),
            Expires = DateTime.UtcNow.AddHours(hours),
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.HmacSha256),
        });
    }

    private static Command CoachesCommand()
    {
        var specialty = new Option<string?>("--specialty") { Description = "Only coaches with this specialty." };
        var inactive = new Option<bool>("--include-inactive") { Description = "Also inactive coaches." };
        var list = new Command("list", "Lists coaches (every page).") { specialty, inactive };
        list.SetAction(Guarded(async (result, ct) =>
        {
            using var channel = GrpcChannel.ForAddress(result.GetRequiredValue(Server));
            var client = new CoachService.CoachServiceClient(channel);
            var coaches = new List<Coach>();
            var page = string.Empty;
            do
            {
                var response = await client.ListCoachesAsync(new ListCoachesRequest
                {
                    PageSize = 200, PageToken = page, Specialty = result.GetValue(specialty) ?? string.Empty, IncludeInactive = result.GetValue(inactive),
                }, Headers(result), cancellationToken: ct);
                coaches.AddRange(response.Coaches);
                page = response.NextPageToken;
            }
            while (page.Length > 0);

            if (result.GetValue(Output) == "json")
            {
                Console.WriteLine($"[{string.Join(",", coaches.Select(c => JsonFormatter.Default.Format(c)))}]");
                return ExitCodes.Ok;
            }

            var table = new Table().AddColumns("Name", "Display name", "Time zone", "Specialties", "Active");
            foreach (var coach in coaches)
            {
                table.AddRow(Markup.Escape(coach.Name), Markup.Escape(coach.DisplayName), Markup.Escape(coach.TimeZone),
                    Markup.Escape(string.Join(", ", coach.Specialties)), coach.Active ? "yes" : "no");
            }

            AnsiConsole.Write(table);
            return ExitCodes.Ok;
        }));

        var displayName = new Option<string>("--display-name") { Description = "Display name.", Required = true };
        var email = new Option<string>("--email") { Description = "E-mail address.", Required = true };
        var zone = new Option<string>("--time-zone") { Description = "IANA time zone, e.g. Europe/London.", Required = true };
        var specialties = new Option<string[]>("--specialty") { Description = "A specialty (repeat for more)." };
        var bio = new Option<string?>("--bio") { Description = "Short biography." };
        var requestId = new Option<string?>("--request-id") { Description = "Idempotency key (default: a new one)." };
        var create = new Command("create", "Creates a coach (admins).") { displayName, email, zone, specialties, bio, requestId };
        create.SetAction(Guarded(async (result, ct) =>
        {
            using var channel = GrpcChannel.ForAddress(result.GetRequiredValue(Server));
            var coach = await new CoachService.CoachServiceClient(channel).CreateCoachAsync(new CreateCoachRequest
            {
                Coach = new Coach
                {
                    DisplayName = result.GetRequiredValue(displayName), Email = result.GetRequiredValue(email), TimeZone = result.GetRequiredValue(zone),
                    Bio = result.GetValue(bio) ?? string.Empty, Specialties = { result.GetValue(specialties) ?? [] },
                },
                RequestId = result.GetValue(requestId) ?? Guid.NewGuid().ToString(),
            }, Headers(result), cancellationToken: ct);
            Console.WriteLine(result.GetValue(Output) == "json" ? JsonFormatter.Default.Format(coach) : coach.Name);
            return ExitCodes.Ok;
        }));
        return new Command("coaches", "Coaches: list and create.") { list, create };
    }

    private const int MaxLoadSeconds = 86_400;

    private static Command LoadCommand()
    {
        var seconds = new Option<double>("--seconds") { Description = "How long each call is driven.", DefaultValueFactory = _ => 10 };
        var inFlight = new Option<int>("--in-flight") { Description = "Calls in flight (closed loop).", DefaultValueFactory = _ => 64 };
        var coaches = new Option<int>("--coaches") { Description = "Coaches the run prepares.", DefaultValueFactory = _ => 8 };
        var calls = new Option<string?>("--calls") { Description = $"Only these calls after the no-op: {string.Join(",", Load.LoadSettings.CallKeys)}." };
        var warmUp = new Option<double?>("--warm-up")
        {
            Description = "Seconds each call is driven, uncounted, before its measured window (default 5, at most half of --seconds).",
        };
        var command = new Command("load", "Drives a running server and reports rates and latencies against a no-op call (start the server with --Coaching:RateLimits:Enabled=false).")
        {
            seconds, inFlight, coaches, calls, warmUp,
        };
        command.SetAction(async (result, ct) =>
        {
            var chosen = result.GetValue(calls)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);
            if (chosen?.FirstOrDefault(c => !Load.LoadSettings.CallKeys.Contains(c)) is { } unknown)
            {
                await Console.Error.WriteLineAsync($"unknown call '{unknown}'; --calls takes {string.Join(",", Load.LoadSettings.CallKeys)}");
                return ExitCodes.Usage;
            }

            if (LoadUsageError(result.GetValue(seconds), result.GetValue(warmUp), result.GetValue(inFlight), result.GetValue(coaches)) is { } usage)
            {
                await Console.Error.WriteLineAsync(usage);
                return ExitCodes.Usage;
            }

            // The command line first, then the disk: a wrong number is a usage error wherever the key is.
            var key = Path.Combine(DataDirectory(result), "signing-key.json");
            if (!File.Exists(key))
            {
                await Console.Error.WriteLineAsync($"No signing key at {key}; start the server once (it creates the key), or pass --data-dir.");
                return ExitCodes.Failed;
            }

            var settings = new Load.LoadSettings(result.GetRequiredValue(Server), result.GetValue(seconds), result.GetValue(inFlight), result.GetValue(coaches),
                (subject, role, coachId) => Mint(key, subject, role, coachId, subject, $"{subject}@example.org", 2), chosen, result.GetValue(warmUp));
            var stats = await new Load.LoadTest(settings, Console.Error).RunAsync(ct);
            foreach (var s in stats)
            {
                Console.WriteLine(s);
                if (s.FirstError is { } error)
                {
                    Console.WriteLine($"  first error: {error}");
                }
            }

            return stats.Any(s => s.Errors > 0) ? ExitCodes.Failed : ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>What is wrong with a load run's numbers, or null: a run lasts at most a day, and needs a caller and a coach.</summary>
    private static string? LoadUsageError(double seconds, double? warmUp, int inFlight, int coaches) =>
        !double.IsFinite(seconds) || seconds <= 0 || seconds > MaxLoadSeconds ? $"--seconds takes more than 0 and at most {MaxLoadSeconds} seconds"
        : warmUp is { } w && (!double.IsFinite(w) || w < 0 || w > MaxLoadSeconds) ? $"--warm-up takes 0 to {MaxLoadSeconds} seconds"
        : inFlight < 1 ? "--in-flight takes 1 or more calls"
        : coaches < 1 ? "--coaches takes 1 or more coaches"
        : null;

    private static Command BackupCommand()
    {
        var to = new Option<FileInfo>("--to") { Description = "The backup file to write (must not exist).", Required = true };
        var command = new Command("backup", "Copies the embedded database to a file while servers keep running (SQLite online backup), then checks the copy.") { to };
        command.SetAction(async (result, ct) =>
        {
            var source = Path.Combine(DataDirectory(result), "coaching.db");
            var target = result.GetRequiredValue(to);
            if (!File.Exists(source))
            {
                await Console.Error.WriteLineAsync($"No database at {source}; pass --data-dir.");
                return ExitCodes.Failed;
            }

            if (target.Exists)
            {
                await Console.Error.WriteLineAsync($"{target.FullName} exists; choose a new file (a backup never overwrites).");
                return ExitCodes.Failed;
            }

            await CopyAsync(source, target.FullName, "Backing up", ct);
            return await VerifyAsync(target.FullName, "backup");
        });
        return command;
    }

    private static Command RestoreCommand()
    {
        var from = new Option<FileInfo>("--from") { Description = "A backup made by 'coaching backup'.", Required = true };
        var command = new Command("restore", "Replaces the embedded database with a backup. Refuses while a server runs on it.") { from };
        command.SetAction(async (result, ct) =>
        {
            var target = Path.Combine(DataDirectory(result), "coaching.db");
            var backup = result.GetRequiredValue(from);
            if (!backup.Exists || await VerifyAsync(backup.FullName, "backup") != ExitCodes.Ok)
            {
                await Console.Error.WriteLineAsync($"{backup.FullName} is not a readable backup; nothing was changed.");
                return ExitCodes.Failed;
            }

            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(target))!);
            // Held for the whole restore: a server cannot start on the database meanwhile.
            using var exclusive = SqliteDatabase.TryHoldExclusively(target);
            if (exclusive is null)
            {
                await Console.Error.WriteLineAsync($"A server is running on {target}; stop it first (a restore replaces what it serves).");
                return ExitCodes.Busy;
            }

            await CopyAsync(backup.FullName, target, "Restoring", ct);
            return await VerifyAsync(target, "restored database");
        });
        return command;
    }

    // Page by page through SQLite's backup API, with a progress bar on stderr; other connections may keep writing the source.
    private static async Task CopyAsync(string from, string to, string what, CancellationToken ct)
    {
        await using var source = new SqliteConnection($"Data Source={from};Pooling=False");
        await using var target = new SqliteConnection($"Data Source={to};Pooling=False");
        source.Open();
        target.Open();
        var backup = SQLitePCL.raw.sqlite3_backup_init(target.Handle, "main", source.Handle, "main");
        try
        {
            await Errors.Progress().AutoClear(false).StartAsync(async context =>
            {
                var task = context.AddTask(what, maxValue: 1);
                while (true)
                {
                    ct.ThrowIfCancellationRequested();
                    var rc = SQLitePCL.raw.sqlite3_backup_step(backup, 256);
                    var total = SQLitePCL.raw.sqlite3_backup_pagecount(backup);
                    task.MaxValue = Math.Max(1, total);
                    task.Value = total - SQLitePCL.raw.sqlite3_backup_remaining(backup);
                    if (rc == SQLitePCL.raw.SQLITE_DONE)
                    {
                        return;
                    }

                    if (rc is SQLitePCL.raw.SQLITE_BUSY or SQLitePCL.raw.SQLITE_LOCKED)
                    {
                        await Task.Delay(50, ct);
                    }
                    else if (rc != SQLitePCL.raw.SQLITE_OK)
                    {
                        throw new IOException($"SQLite backup step failed: {SQLitePCL.raw.sqlite3_errstr(rc).utf8_to_string()}");
                    }
                }
            });
        }
        finally
        {
            SQLitePCL.raw.sqlite3_backup_finish(backup);
        }
    }

    // Opens the copy, runs SQLite's integrity check and prints what it holds.
    private static async Task<int> VerifyAsync(string path, string what)
    {
        await using var connection = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var check = connection.CreateCommand();
        check.CommandText = "PRAGMA integrity_check;";
        var verdict = (string?)await check.ExecuteScalarAsync();
        if (verdict != "ok")
        {
            await Console.Error.WriteLineAsync($"The {what} fails SQLite's integrity check: {verdict}");
            return ExitCodes.Failed;
        }

        var counts = new List<(string Table, long Rows)>();
        foreach (var table in new[] { "coaches", "offerings", "bookings", "courses", "cohorts", "enrolments" })
        {
            using var count = connection.CreateCommand();
            count.CommandText = $"SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '{table}'";
            if ((long)(await count.ExecuteScalarAsync())! == 0)
            {
                continue;
            }

            count.CommandText = $"SELECT count(*) FROM {table}";
            counts.Add((table, (long)(await count.ExecuteScalarAsync())!));
        }

        Console.WriteLine($"{what} {path}: integrity ok; " + string.Join(", ", counts.Select(c => $"{c.Table} {c.Rows.ToString(CultureInfo.InvariantCulture)}")));
        return ExitCodes.Ok;
    }
}

