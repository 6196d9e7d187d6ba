using System.CommandLine;
using System.Globalization;
using Coaching.Domain.Migration;
using Coaching.Storage.Mongo;
using Coaching.Storage.Mongo.Migration;
using Coaching.Storage.Sqlite;
using Coaching.Storage.Sqlite.Migration;
using MongoDB.Driver;
using Spectre.Console;

namespace Coaching.Cli;

/// <summary>
/// <c>coaching migrate --to mongodb://…</c>: copies the embedded database into MongoDB (offline: no server may run on the
/// SQLite file meanwhile). Resumable and idempotent (see <see cref="StoreCopy"/>); ends with a per-kind count and claims
/// comparison, and exits <see cref="ExitCodes.Failed"/> when the stores disagree.
/// </summary>
internal static class MigrateCommand
{
    public static Command Build(Func<ParseResult, string> dataDirectory)
    {
        var to = new Option<string>("--to") { Description = "The MongoDB connection string; its path names the database (default 'coaching').", Required = true };
        var pageSize = new Option<int>("--page-size") { Description = "Items per read and bulk write.", DefaultValueFactory = _ => 500 };
        var command = new Command("migrate",
            "Copies the embedded database into MongoDB: resumable (run it again after a stop), idempotent, with progress and a final comparison. " +
            "Stop the servers first.") { to, pageSize };
        command.SetAction(async (result, ct) =>
        {
            var path = Path.Combine(dataDirectory(result), "coaching.db");
            if (!File.Exists(path))
            {
                await Console.Error.WriteLineAsync($"No database at {path}; pass --data-dir.");
                return ExitCodes.Failed;
            }

            MongoUrl url;
            try
            {
                url = MongoUrl.Create(result.GetRequiredValue(to));
            }
            catch (MongoConfigurationException e)
            {
                await Console.Error.WriteLineAsync($"--to is not a MongoDB connection string: {e.Message}");
                return ExitCodes.Usage;
            }

            // Held for the whole copy: no server may change the database while it is read.
            using var exclusive = SqliteDatabase.TryHoldExclusively(path);
            if (exclusive is null)
            {
                await Console.Error.WriteLineAsync($"A server is running on {path}; stop it first (a copy must read a database nobody changes).");
                return ExitCodes.Busy;
            }

            await using var sqlite = new SqliteDatabase(path);
            await sqlite.MigrateAsync(ct);
            var mongo = MongoStore.Connect(url.ToString());
            try
            {
                await mongo.PingAsync(ct);
                await mongo.EnsureIndexesAsync(ct);
                var copy = new StoreCopy(new SqliteMigrationSource(sqlite), new MongoMigrationTarget(mongo), result.GetValue(pageSize));
                var comparison = await WithProgressAsync(progress => copy.RunAsync(progress, ct));
                return await ReportAsync(comparison, CliApp.Json(result));
            }
            catch (TimeoutException)
            {
                await Console.Error.WriteLineAsync($"MongoDB at {string.Join(", ", url.Servers)} is not reachable: no server was selected within the " +
                    "selection timeout (serverSelectionTimeoutMS in the connection string sets it). Nothing was written.");
                return ExitCodes.Failed;
            }
            catch (MigrationRefusedException e)
            {
                await Console.Error.WriteLineAsync(e.Message);
                return ExitCodes.Busy;
            }
            catch (MongoException e)
            {
                await Console.Error.WriteLineAsync($"MongoDB refused the copy: {FirstLine(e.Message)}. Run the same command again to resume.");
                return ExitCodes.Failed;
            }
        });
        return command;
    }

    private static string FirstLine(string message) => message.Split('\n')[0].Trim();

    // One bar per kind on a terminal; otherwise a line per kind when it finishes (and every 10% of a large kind).
    private static async Task<IReadOnlyList<MigrationComparison>> WithProgressAsync(
        Func<IProgress<MigrationProgress>, Task<IReadOnlyList<MigrationComparison>>> run)
    {
        if (CliApp.Errors.Profile.Capabilities.Interactive)
        {
            return await CliApp.Errors.Progress().AutoClear(false).StartAsync(async context =>
            {
                var tasks = new Dictionary<MigrationKind, ProgressTask>();
                return await run(new Reporter(p =>
                {
                    if (!tasks.TryGetValue(p.Kind, out var task))
                    {
                        task = tasks[p.Kind] = context.AddTask(p.Resumed ? $"{p.Kind} (resumed)" : p.Kind.ToString(), maxValue: Math.Max(1, p.Total));
                    }

                    task.Value = p.Done ? task.MaxValue : p.Copied;
                }));
            });
        }

        var lastTenth = new Dictionary<MigrationKind, long>();
        return await run(new Reporter(p =>
        {
            var tenth = p.Total == 0 ? 10 : p.Copied * 10 / p.Total;
            if (p.Done || (tenth > lastTenth.GetValueOrDefault(p.Kind) && p.Total >= 10_000))
            {
                lastTenth[p.Kind] = tenth;
                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{p.Kind}: {p.Copied} copied{(p.Resumed ? " (resumed)" : string.Empty)}, {p.Total} in the source{(p.Done ? string.Empty : " …")}"));
            }
        }));
    }

    private static async Task<int> ReportAsync(IReadOnlyList<MigrationComparison> comparison, bool json)
    {
        if (json)
        {
            Console.WriteLine(System.Text.Json.JsonSerializer.Serialize(comparison.Select(c => new { what = c.What, source = c.Source, target = c.Target, same = c.Same })));
        }
        else
        {
            var table = new Table().AddColumns("What", "SQLite", "MongoDB", "Same");
            foreach (var c in comparison)
            {
                table.AddRow(c.What, c.Source.ToString(CultureInfo.InvariantCulture), c.Target.ToString(CultureInfo.InvariantCulture), c.Same ? "yes" : "[red]NO[/]");
            }

            AnsiConsole.Write(table);
        }

        if (comparison.All(c => c.Same))
        {
            return ExitCodes.Ok;
        }

        await Console.Error.WriteLineAsync("The stores disagree (see the comparison). Run the command again: it resumes and rewrites what differs.");
        return ExitCodes.Failed;
    }

    // Reports on the caller's thread (Progress<T> would post to the thread pool and reorder reports).
    private sealed class Reporter(Action<MigrationProgress> report) : IProgress<MigrationProgress>
    {
        public void Report(MigrationProgress value) => report(value);
    }
}
