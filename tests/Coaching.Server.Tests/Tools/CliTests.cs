using System.Diagnostics;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace Coaching.Server.Tests.Tools;

/// <summary>
/// The <c>coaching</c> CLI run as a process, without a terminal (its output redirected), against a started server: output,
/// exit codes, and the offline backup and restore on the server's database.
/// </summary>
public sealed class CliTests : IAsyncLifetime
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), "coaching-cli", Guid.NewGuid().ToString("N"));
    private ServerProcess? _server;

    private ServerProcess Server => _server!;

    public async Task InitializeAsync() => _server = await ServerProcess.StartAsync(_data);

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    private async Task<(int Code, string Out, string Err)> RunAsync(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "coaching.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["COACHING_SERVER"] = _server?.Address ?? "http://127.0.0.1:1"; // offline commands need no server
        start.Environment["Coaching__DataDirectory"] = _data;
        start.Environment["COACHING_TOKEN"] = DevTokens.Mint(_data, "cli-admin", "admin");
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output, await errors);
    }

    private static long Coaches(string databasePath)
    {
        using var connection = new SqliteConnection($"Data Source={databasePath};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var count = connection.CreateCommand();
        count.CommandText = "SELECT count(*) FROM coaches";
        return (long)count.ExecuteScalar()!;
    }

    [Fact]
    public async Task Commands_PrintForPeopleOrScripts_WithDocumentedExitCodes_AndNoTerminalCodesWhenRedirected()
    {
        var created = await RunAsync("coaches", "create", "--display-name", "Cli Coach", "--email", "cli@example.org", "--time-zone", "Asia/Tokyo",
            "--specialty", "cv", "--specialty", "interviews", "--request-id", "cli-1");
        var again = await RunAsync("coaches", "create", "--display-name", "Cli Coach", "--email", "cli@example.org", "--time-zone", "Asia/Tokyo",
            "--specialty", "cv", "--specialty", "interviews", "--request-id", "cli-1");
        var json = await RunAsync("coaches", "list", "--output", "json");
        var table = await RunAsync("coaches", "list");
        var refused = await RunAsync("coaches", "create", "--display-name", "X", "--email", "x@example.org", "--time-zone", "Mars/Olympus");
        var unknown = await RunAsync("coaches", "frobnicate");
        var missing = await RunAsync("coaches", "create", "--email", "x@example.org");
        var token = await RunAsync("token", "--sub", "someone", "--role", "client");
        var help = await RunAsync("--help");
        var coldLoad = await RunAsync("load", "--warm-up", "-1", "--seconds", "1");
        var endlessLoad = await RunAsync("load", "--seconds", "NaN");
        var nobodyLoad = await RunAsync("load", "--in-flight", "0");
        var keylessLoad = await RunAsync("load", "--seconds", "-1", "--data-dir", Path.Combine(_data, "no-key-here"));

        Assert.Equal(0, created.Code);
        Assert.StartsWith("coaches/", created.Out.Trim(), StringComparison.Ordinal);
        Assert.Equal(created.Out, again.Out); // the same request id is the same coach
        Assert.Equal(0, json.Code);
        var listed = JsonDocument.Parse(json.Out).RootElement.EnumerateArray().Single(c => c.GetProperty("name").GetString() == created.Out.Trim());
        Assert.Equal(["cv", "interviews"], listed.GetProperty("specialties").EnumerateArray().Select(s => s.GetString()));
        Assert.Contains("Asia/Tokyo", table.Out, StringComparison.Ordinal);
        Assert.DoesNotContain('\u001b', table.Out + table.Err); // no colours or cursor codes without a terminal
        Assert.Equal(2, refused.Code);
        Assert.Contains("INVALID_ARGUMENT", refused.Err, StringComparison.Ordinal);
        Assert.Contains("Mars/Olympus", refused.Err, StringComparison.Ordinal);
        Assert.Equal(64, unknown.Code);
        Assert.Equal(64, missing.Code);
        Assert.Contains("--display-name", missing.Err, StringComparison.Ordinal);
        Assert.Equal(0, token.Code);
        Assert.Equal(3, token.Out.Trim().Split('.').Length);
        Assert.Equal(0, help.Code);
        Assert.All(new[] { "token", "coaches", "load", "backup", "restore" }, c => Assert.Contains(c, help.Out, StringComparison.Ordinal));
        Assert.Equal(64, coldLoad.Code);
        Assert.Contains("--warm-up", coldLoad.Err, StringComparison.Ordinal);
        Assert.Equal((64, 64), (endlessLoad.Code, nobodyLoad.Code));
        Assert.Contains("--seconds", endlessLoad.Err, StringComparison.Ordinal);
        Assert.Contains("--in-flight", nobodyLoad.Err, StringComparison.Ordinal);
        Assert.Equal(64, keylessLoad.Code); // the command line is judged before the data directory is read
        Assert.Contains("--seconds", keylessLoad.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Backup_WhileTheServerRuns_IsAVerifiedCopy_RestoreRefusesWhileItRuns_AndRestoresOnceItStopped()
    {
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(0, (await RunAsync("coaches", "create", "--display-name", $"Kept {i}", "--email", $"k{i}@example.org", "--time-zone", "UTC")).Code);
        }

        var file = Path.Combine(_data, "..", $"{Guid.NewGuid():N}.backup");
        var backup = await RunAsync("backup", "--to", file);
        var twice = await RunAsync("backup", "--to", file);
        Assert.Equal(0, (await RunAsync("coaches", "create", "--display-name", "After the backup", "--email", "late@example.org", "--time-zone", "UTC")).Code);
        var busy = await RunAsync("restore", "--from", file);
        var database = Path.Combine(_data, "coaching.db");

        Assert.Equal(0, backup.Code);
        Assert.Contains("integrity ok; coaches 3", backup.Out, StringComparison.Ordinal);
        Assert.Equal(3, Coaches(file));
        Assert.Equal(1, twice.Code); // never overwrites
        Assert.Equal(3, busy.Code);
        Assert.Contains("server is running", busy.Err, StringComparison.Ordinal);
        Assert.Equal(4, Coaches(database)); // untouched

        await Server.DisposeAsync();
        _server = null;
        var restored = await RunAsync("restore", "--from", file);
        Assert.Equal(0, restored.Code);
        Assert.Equal(3, Coaches(database));

        _server = await ServerProcess.StartAsync(_data);
        var after = await RunAsync("coaches", "list", "--output", "json");
        Assert.Equal(["Kept 0", "Kept 1", "Kept 2"], JsonDocument.Parse(after.Out).RootElement.EnumerateArray()
            .Select(c => c.GetProperty("displayName").GetString()).Order());
    }

    [Fact]
    public async Task Migrate_RefusesWhileAServerRuns_SaysWhenMongoIsUnreachable_AndChecksItsArguments()
    {
        var created = await RunAsync("coaches", "create", "--display-name", "Moving Coach", "--email", "move@example.org", "--time-zone", "UTC");
        var busy = await RunAsync("migrate", "--to", "mongodb://127.0.0.1:1/coaching?serverSelectionTimeoutMS=300");
        await Server.DisposeAsync();
        _server = null;
        var unreachable = await RunAsync("migrate", "--to", "mongodb://127.0.0.1:1/coaching?serverSelectionTimeoutMS=300");
        var malformed = await RunAsync("migrate", "--to", "postgres://somewhere");
        var help = await RunAsync("migrate", "--help");

        Assert.Equal(0, created.Code);
        Assert.Equal(3, busy.Code);
        Assert.Contains("A server is running", busy.Err, StringComparison.Ordinal);
        Assert.Equal(1, unreachable.Code);
        Assert.Contains("MongoDB at 127.0.0.1:1 is not reachable", unreachable.Err, StringComparison.Ordinal);
        Assert.Contains("Nothing was written", unreachable.Err, StringComparison.Ordinal);
        Assert.Equal(64, malformed.Code);
        Assert.Contains("not a MongoDB connection string", malformed.Err, StringComparison.Ordinal);
        Assert.Contains("resumable", help.Out, StringComparison.Ordinal);
        Assert.Equal(1, Coaches(Path.Combine(_data, "coaching.db"))); // the source is only read
    }

    [Fact]
    public async Task Schedules_Bookings_Invites_Feeds_AndExports_ThroughTheCli()
    {
        var coach = (await RunAsync("coaches", "create", "--display-name", "Export Coach", "--email", "export@example.org", "--time-zone", "UTC")).Out.Trim();
        var hours = Path.Combine(_data, "hours.yaml");
        await File.WriteAllTextAsync(hours, string.Join('\n', new[] { "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday" }
            .Select(d => $"{d}: [\"00:00-12:00\", \"12:00-24:00\"]")));
        var set = await RunAsync("schedule", "set", coach, "--file", hours);
        var shown = await RunAsync("schedule", "show", coach, "--output", "json");

        using var channel = Grpc.Net.Client.GrpcChannel.ForAddress(Server.Address);
        var offeringName = (await RunAsync("offerings", "create", coach, "--title", "CV review", "--minutes", "30")).Out.Trim();
        var offerings = JsonDocument.Parse((await RunAsync("offerings", "list", coach, "--output", "json")).Out).RootElement;
        Assert.Equal((offeringName, "CV review", "1800s"), (offerings[0].GetProperty("name").GetString(), offerings[0].GetProperty("title").GetString(),
            offerings[0].GetProperty("duration").GetString()));
        var start = DateTime.UtcNow.Date.AddDays(2).AddHours(10);
        var agenda = "=SUM(A1), \"quoted\" and, commas";
        var booking = await new Coaching.Contracts.V1.BookingService.BookingServiceClient(channel).CreateBookingAsync(new Coaching.Contracts.V1.CreateBookingRequest
        {
            Booking = new Coaching.Contracts.V1.Booking { Offering = offeringName, StartTime = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTime(start), Agenda = agenda },
            RequestId = "cli-booking",
        }, ServerProcess.Headers(Server.Token("cli-client", "client")));

        var listed = await RunAsync("bookings", "list", "--coach", coach, "--output", "json");
        var from = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);
        var until = DateTime.UtcNow.AddDays(7).ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);
        var csvFile = Path.Combine(_data, "bookings.csv");
        var csv = await RunAsync("export", "bookings", "--from", from, "--to", until, "--format", "csv", "--file", csvFile);
        var json = await RunAsync("export", "bookings", "--from", from, "--to", until, "--format", "json");
        var ics = await RunAsync("export", "bookings", "--from", from, "--to", until, "--format", "ics");
        var inviteFile = Path.Combine(_data, "invite.ics");
        var saved = await RunAsync("invites", "save", booking.Name, "--to", inviteFile);
        var cancelled = await RunAsync("bookings", "cancel", booking.Name, "--reason", "plans changed");
        var rotated = await RunAsync("feeds", "rotate", "users/cli-client/feed", "--token", Server.Token("cli-client", "client"));

        Assert.Equal((0, 0), (set.Code, shown.Code));
        Assert.Equal(14, JsonDocument.Parse(shown.Out).RootElement.GetProperty("windows").GetArrayLength());
        Assert.Contains(booking.Name, JsonDocument.Parse(listed.Out).RootElement.EnumerateArray().Select(b => b.GetProperty("name").GetString()));
        Assert.Equal(0, csv.Code);
        // Read back by a CSV parser the CLI does not share (the framework's TextFieldParser).
        using (var parser = new Microsoft.VisualBasic.FileIO.TextFieldParser(csvFile) { HasFieldsEnclosedInQuotes = true })
        {
            parser.SetDelimiters(",");
            var header = parser.ReadFields()!;
            var row = parser.ReadFields()!;
            Assert.Equal("name", header[0]);
            Assert.Equal(booking.Name, row[Array.IndexOf(header, "name")]);
            Assert.Equal($"'{agenda}", row[Array.IndexOf(header, "agenda")]); // a formula-looking cell is defused with a quote mark
            Assert.True(parser.EndOfData);
        }

        Assert.Equal([booking.Name], JsonDocument.Parse(json.Out).RootElement.EnumerateArray().Select(b => b.GetProperty("name").GetString()));
        Assert.Contains($"UID:booking-{booking.Name.Split('/')[1]}@coaching", ics.Out, StringComparison.Ordinal);
        Assert.Contains("1 bookings exported", ics.Err, StringComparison.Ordinal);
        Assert.Equal(0, saved.Code);
        var invites = await new Coaching.Contracts.V1.CalendarService.CalendarServiceClient(channel).ListInvitesAsync(
            new Coaching.Contracts.V1.ListInvitesRequest { Parent = booking.Name }, ServerProcess.Headers(Server.Token("cli-admin", "admin")));
        Assert.Equal(invites.Invites[0].Content.ToByteArray(), await File.ReadAllBytesAsync(inviteFile)); // byte for byte
        Assert.Contains("Cancelled", cancelled.Out, StringComparison.Ordinal);
        Assert.Equal(0, rotated.Code);
        Assert.StartsWith("http", rotated.Out.Trim(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ImportCoaches_ChecksEveryRowFirst_HasADryRun_AndIsSafeToRunAgain()
    {
        var good = Path.Combine(_data, "coaches.csv");
        var rows = Enumerable.Range(0, 25).Select(i => $"\"Coach {i}, PhD\",coach{i}@example.org,{(i % 2 == 0 ? "Europe/Paris" : "America/Chicago")},cv;interviews,\"Bio with \"\"quotes\"\"\"");
        await File.WriteAllLinesAsync(good, ["display_name,email,time_zone,specialties,bio", .. rows]);
        var bad = Path.Combine(_data, "bad.csv");
        await File.WriteAllLinesAsync(bad, ["display_name,email,time_zone,specialties,bio", "Fine,fine@example.org,UTC,,", ",nobody,Mars/Base,,",
            "Twin,fine@example.org,UTC,,"]);

        var countBefore = JsonDocument.Parse((await RunAsync("coaches", "list", "--output", "json")).Out).RootElement.GetArrayLength();
        var refused = await RunAsync("import", "coaches", bad);
        var dry = await RunAsync("import", "coaches", good, "--dry-run");
        var countAfterChecks = JsonDocument.Parse((await RunAsync("coaches", "list", "--output", "json")).Out).RootElement.GetArrayLength();
        var first = await RunAsync("import", "coaches", good, "--output", "json");
        var second = await RunAsync("import", "coaches", good, "--output", "json");
        var listed = JsonDocument.Parse((await RunAsync("coaches", "list", "--output", "json")).Out).RootElement;

        Assert.Equal(64, refused.Code);
        Assert.Contains("row 3: display_name is required", refused.Err, StringComparison.Ordinal);
        Assert.Contains("row 3: time_zone 'Mars/Base'", refused.Err, StringComparison.Ordinal);
        Assert.Contains("row 4: email fine@example.org is already on row 2", refused.Err, StringComparison.Ordinal);
        Assert.Equal(0, dry.Code);
        Assert.Contains("25 rows are valid", dry.Out, StringComparison.Ordinal);
        Assert.Equal(countBefore, countAfterChecks); // nothing from the refused file or the dry run
        Assert.DoesNotContain(listed.EnumerateArray(), c => c.GetProperty("email").GetString() == "fine@example.org");
        Assert.Equal(0, first.Code);
        Assert.All(JsonDocument.Parse(first.Out).RootElement.EnumerateArray(), o => Assert.Equal("created", o.GetProperty("result").GetString()));
        Assert.Equal(0, second.Code);
        Assert.All(JsonDocument.Parse(second.Out).RootElement.EnumerateArray(), o => Assert.Equal("unchanged", o.GetProperty("result").GetString()));
        Assert.Equal(countBefore + 25, listed.GetArrayLength());
        var paris = listed.EnumerateArray().Single(c => c.GetProperty("email").GetString() == "coach0@example.org");
        Assert.Equal(("Coach 0, PhD", "Europe/Paris", "Bio with \"quotes\""), (paris.GetProperty("displayName").GetString(),
            paris.GetProperty("timeZone").GetString(), paris.GetProperty("bio").GetString()));
    }

    [Fact]
    public async Task Overrides_Courses_Cohorts_AndEnrolments_ListAndChange_ThroughTheCli()
    {
        var coach = (await RunAsync("coaches", "create", "--display-name", "Away Coach", "--email", "away@example.org", "--time-zone", "Europe/Berlin")).Out.Trim();
        var added = await RunAsync("overrides", "add", coach, "--from", "2027-01-04", "--to", "2027-01-08", "--reason", "holiday");
        var listed = await RunAsync("overrides", "list", coach, "--output", "json");
        var table = await RunAsync("overrides", "list", coach);
        var deleted = await RunAsync("overrides", "delete", added.Out.Trim());
        var after = await RunAsync("overrides", "list", coach, "--output", "json");
        var bad = await RunAsync("overrides", "add", coach, "--from", "not-a-date");
        var courses = await RunAsync("courses", "list", "--output", "json");
        var cohorts = await RunAsync("cohorts", "list", "courses/-", "--output", "json");
        var enrolments = await RunAsync("enrolments", "list", "courses/-/cohorts/-", "--output", "json", "--token", Server.Token("cli-learner", "client"));

        Assert.Equal(0, added.Code);
        var only = JsonDocument.Parse(listed.Out).RootElement.EnumerateArray().Single();
        Assert.Equal((added.Out.Trim(), "holiday", 2027, 8), (only.GetProperty("name").GetString(), only.GetProperty("reason").GetString(),
            only.GetProperty("startDate").GetProperty("year").GetInt32(), only.GetProperty("endDate").GetProperty("day").GetInt32()));
        Assert.Contains("2027-01-04", table.Out, StringComparison.Ordinal);
        Assert.Equal(0, deleted.Code);
        Assert.Equal(0, JsonDocument.Parse(after.Out).RootElement.GetArrayLength());
        Assert.Equal(64, bad.Code);
        Assert.Equal((0, JsonValueKind.Array), (courses.Code, JsonDocument.Parse(courses.Out).RootElement.ValueKind));
        Assert.Equal((0, JsonValueKind.Array), (cohorts.Code, JsonDocument.Parse(cohorts.Out).RootElement.ValueKind));
        Assert.True(enrolments.Code == 0, enrolments.Err);
        Assert.Equal(JsonValueKind.Array, JsonDocument.Parse(enrolments.Out).RootElement.ValueKind);
    }

    [Fact]
    public async Task Courses_Cohorts_AndEnrolments_AreCreatedAndChanged_ThroughTheCli_WithLocalSessionTimesInTheCohortsZone()
    {
        var coach = (await RunAsync("coaches", "create", "--display-name", "Course Coach", "--email", "course@example.org", "--time-zone", "Europe/London")).Out.Trim();
        var course = await RunAsync("courses", "create", "--title", "CV development", "--sessions", "2", "--outcome", "A CV", "--outcome", "A plan", "--request-id", "cv-1");
        var again = await RunAsync("courses", "create", "--title", "CV development", "--sessions", "2", "--outcome", "A CV", "--outcome", "A plan", "--request-id", "cv-1");
        var file = Path.Combine(_data, "cohort.yaml");
        await File.WriteAllTextAsync(file, $"""
            display_name: January evenings
            time_zone: Europe/London
            coaches: [{coach}]
            capacity: 1
            state: open
            enrolment_opens: 2026-01-01T00:00Z
            enrolment_closes: 2030-01-01T00:00Z
            sessions:
              - start: 2031-01-13T18:00
                minutes: 90
                title: Your story
              - start: 2031-07-14T18:00
                minutes: 90
                title: Your CV
            """);
        var gap = Path.Combine(_data, "gap.yaml");
        await File.WriteAllTextAsync(gap, File.ReadAllText(file).Replace("2031-07-14T18:00", "2031-03-30T01:30", StringComparison.Ordinal));
        var cohort = await RunAsync("cohorts", "create", course.Out.Trim(), "--file", file, "--output", "json");
        var refused = await RunAsync("cohorts", "create", course.Out.Trim(), "--file", gap);
        var name = JsonDocument.Parse(cohort.Out).RootElement.GetProperty("name").GetString()!;
        var ann = await RunAsync("enrolments", "add", name, "--client", "users/cli-ann");
        var bob = await RunAsync("enrolments", "add", name, "--client", "users/cli-bob", "--output", "json");
        var withdrawn = await RunAsync("enrolments", "withdraw", ann.Out.Split(':')[0], "--reason", "moved");
        var listed = await RunAsync("enrolments", "list", name, "--output", "json");
        var raised = await RunAsync("cohorts", "update", name, "--capacity", "5", "--state", "closed");
        var nothing = await RunAsync("cohorts", "update", name);

        Assert.Equal((0, course.Out), (again.Code, again.Out));
        Assert.True(cohort.Code == 0, cohort.Err);
        var sessions = JsonDocument.Parse(cohort.Out).RootElement.GetProperty("sessions").EnumerateArray().Select(s => s.GetProperty("startTime").GetString()).ToList();
        Assert.Equal(["2031-01-13T18:00:00Z", "2031-07-14T17:00:00Z"], sessions); // London winter (GMT) and summer (BST)
        Assert.Equal(64, refused.Code);
        Assert.Contains("session 2", refused.Err, StringComparison.Ordinal);
        Assert.Contains("does not exist in Europe/London", refused.Err, StringComparison.Ordinal);
        Assert.Contains(": Enrolled", ann.Out, StringComparison.Ordinal);
        Assert.Equal("ENROLMENT_STATE_WAITLISTED", JsonDocument.Parse(bob.Out).RootElement.GetProperty("state").GetString());
        Assert.Contains(": Withdrawn", withdrawn.Out, StringComparison.Ordinal);
        var states = JsonDocument.Parse(listed.Out).RootElement.EnumerateArray().ToDictionary(e => e.GetProperty("client").GetString()!, e => e.GetProperty("state").GetString());
        Assert.Equal("ENROLMENT_STATE_ENROLLED", states["users/cli-bob"]); // promoted from the waitlist
        Assert.Equal(0, raised.Code);
        Assert.Contains("Closed, 1/5 enrolled, 0 waiting", raised.Out, StringComparison.Ordinal);
        Assert.Equal(64, nothing.Code);
    }

    [Fact]
    public async Task ImportOfferingsAndSchedules_ByCoachEmail_CheckedFirst_AndSafeToRunAgain()
    {
        var coach = (await RunAsync("coaches", "create", "--display-name", "Imported Hours", "--email", "hours@example.org", "--time-zone", "Asia/Kolkata")).Out.Trim();
        var offerings = Path.Combine(_data, "offerings.csv");
        await File.WriteAllLinesAsync(offerings, ["coach,title,minutes,description,requires_confirmation",
            "hours@example.org,CV review,30,\"A look at your CV, line by line\",false", $"{coach},Mock interview,60,,true"]);
        var schedules = Path.Combine(_data, "schedules.csv");
        await File.WriteAllLinesAsync(schedules, ["coach,day,start,end", "hours@example.org,monday,09:00,12:00", "hours@example.org,monday,13:00,17:30",
            "hours@example.org,friday,10:00,14:00"]);
        var wrong = Path.Combine(_data, "wrong.csv");
        await File.WriteAllLinesAsync(wrong, ["coach,day,start,end", "nobody@example.org,monday,09:00,12:00", "hours@example.org,caturday,09:00,12:00",
            "hours@example.org,monday,12:00,09:00"]);

        var refused = await RunAsync("import", "schedules", wrong);
        var first = await RunAsync("import", "offerings", offerings, "--output", "json");
        var again = await RunAsync("import", "offerings", offerings, "--output", "json");
        var hours = await RunAsync("import", "schedules", schedules, "--output", "json");
        var hoursAgain = await RunAsync("import", "schedules", schedules, "--output", "json");
        var listed = JsonDocument.Parse((await RunAsync("offerings", "list", coach, "--output", "json")).Out).RootElement;
        var shown = JsonDocument.Parse((await RunAsync("schedule", "show", coach, "--output", "json")).Out).RootElement;

        Assert.Equal(64, refused.Code);
        Assert.Contains("row 2: coach 'nobody@example.org'", refused.Err, StringComparison.Ordinal);
        Assert.Contains("row 3:", refused.Err, StringComparison.Ordinal);
        Assert.Contains("row 4:", refused.Err, StringComparison.Ordinal);
        Assert.Equal(["created", "created"], JsonDocument.Parse(first.Out).RootElement.EnumerateArray().Select(o => o.GetProperty("result").GetString()));
        Assert.Equal(["unchanged", "unchanged"], JsonDocument.Parse(again.Out).RootElement.EnumerateArray().Select(o => o.GetProperty("result").GetString()));
        Assert.Equal(["CV review", "Mock interview"], listed.EnumerateArray().Select(o => o.GetProperty("title").GetString()).Order());
        Assert.True(listed.EnumerateArray().Single(o => o.GetProperty("title").GetString() == "Mock interview").GetProperty("requiresConfirmation").GetBoolean());
        Assert.Equal("created", JsonDocument.Parse(hours.Out).RootElement[0].GetProperty("result").GetString());
        Assert.Equal("unchanged", JsonDocument.Parse(hoursAgain.Out).RootElement[0].GetProperty("result").GetString());
        Assert.Equal(3, shown.GetProperty("windows").GetArrayLength());
    }
}
