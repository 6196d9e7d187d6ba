using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Coaching.Contracts.V1;
using Grpc.Net.Client;
using NodaTime;
using NodaTime.Text;

namespace Coaching.Server.Tests.Web;

/// <summary>
/// The booking page in a real browser: Debian's Chromium, headless, driven by playwright-core (npm) from
/// tools/web/booking-page-check.mjs. The test seeds a coach through gRPC, lets the browser do everything a client does, then
/// checks what the page showed against an independent rendering (NodaTime) and what the store holds. Screenshots of every
/// step are kept in artifacts/booking-page.
/// </summary>
public sealed class BookingPageTests : IAsyncLifetime, IDisposable
{
    private const string Specialty = "cv-writing";
    private const string CoachName = "Page Coach";
    private const string BrowserZone = "America/New_York";
    private const string CoachZone = "Europe/Paris";

    private static readonly string Repo = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", ".."));
    private readonly string _data = Path.Combine(Path.GetTempPath(), "coaching-page", Guid.NewGuid().ToString("N"));
    private readonly int _otherPort = Outbox.SmtpSink.FreePort();
    private HttpListener? _other;
    private ServerProcess? _server;

    private static string? SkipReason =>
        !File.Exists("/usr/bin/chromium") ? "Debian's chromium is not installed (tools/test.sh installs it)"
        : !Directory.Exists(Path.Combine(Repo, "tools", "node_modules", "playwright-core")) ? "playwright-core is not installed (npm ci --prefix tools)"
        : null;

    public async Task InitializeAsync()
    {
        if (SkipReason is not null)
        {
            return;
        }

        // A page on another origin, for the CORS calls.
        _other = new HttpListener { Prefixes = { $"http://127.0.0.1:{_otherPort}/" } };
        _other.Start();
        _ = Task.Run(async () =>
        {
            while (_other.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await _other.GetContextAsync();
                }
                catch (HttpListenerException)
                {
                    return;
                }

                var page = "<!doctype html><html lang=\"en\"><title>Another app</title><link rel=\"icon\" href=\"data:,\"><h1>Another app</h1></html>"u8.ToArray();
                context.Response.ContentType = "text/html";
                await context.Response.OutputStream.WriteAsync(page);
                context.Response.Close();
            }
        });
        _server = await ServerProcess.StartAsync(_data, "Warning", $"Coaching:Web:AllowedOrigins:0=http://127.0.0.1:{_otherPort}");
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        Dispose();
    }

    public void Dispose() => ((IDisposable?)_other)?.Dispose();

    [SkippableFact]
    public async Task AClient_BooksAndCancels_InTheBrowser_SeeingTimesInTheirZoneAndTheCoachs()
    {
        Skip.If(SkipReason is not null, SkipReason);
        var server = _server!;
        using var channel = GrpcChannel.ForAddress(server.Address);
        var admin = ServerProcess.Headers(server.Token("page-admin", "admin"));
        var coaches = new CoachService.CoachServiceClient(channel);
        await coaches.CreateCoachAsync(new CreateCoachRequest
        {
            Coach = new Coach { DisplayName = "Other Coach", Email = "other@example.org", TimeZone = "UTC", Specialties = { "interviews" } },
        }, admin);
        var coach = await coaches.CreateCoachAsync(new CreateCoachRequest
        {
            Coach = new Coach { DisplayName = CoachName, Email = "page.coach@example.org", TimeZone = CoachZone, Specialties = { Specialty } },
        }, admin);
        var asCoach = ServerProcess.Headers(server.Token("page-coach", "coach", coach.Name.Split('/')[1]));
        await coaches.CreateOfferingAsync(new CreateOfferingRequest
        {
            Parent = coach.Name, Offering = new Offering { Title = "CV review", Duration = Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(TimeSpan.FromMinutes(30)) },
        }, asCoach);
        await new AvailabilityService.AvailabilityServiceClient(channel).UpdateWeeklyScheduleAsync(new UpdateWeeklyScheduleRequest
        {
            WeeklySchedule = new WeeklySchedule
            {
                Name = $"{coach.Name}/weeklySchedule",
                Windows = { Enumerable.Range(1, 7).Select(d => new WeeklyWindow { Weekday = (Weekday)d, StartTime = new TimeOfDay { Hours = 9 }, EndTime = new TimeOfDay { Hours = 17 } }) },
            },
        }, asCoach);

        var shots = Path.Combine(Repo, "artifacts", "booking-page");
        var seen = await RunBrowserAsync(server.FeedsAddress, shots);

        Assert.True(seen.TryGetProperty("failure", out var failure) is false, failure.ToString());
        Assert.Empty(seen.GetProperty("consoleErrors").EnumerateArray());
        Assert.Empty(seen.GetProperty("unlabelled").EnumerateArray());
        Assert.Equal(BrowserZone, seen.GetProperty("viewerZone").GetString());
        Assert.Equal(1, seen.GetProperty("coachesShown").GetInt32()); // only the coach with the chosen specialty

        // The first slot as the page showed it, against NodaTime's rendering of the same instant in both zones.
        var start = InstantPattern.ExtendedIso.Parse(seen.GetProperty("slot").GetProperty("start").GetString()!).Value;
        string Local(string zone) => LocalTimePattern.CreateWithInvariantCulture("HH:mm").Format(start.InZone(DateTimeZoneProviders.Tzdb[zone]).TimeOfDay);
        var text = seen.GetProperty("slot").GetProperty("text").GetString()!;
        Assert.StartsWith(Local(BrowserZone), text, StringComparison.Ordinal);
        Assert.Contains($"{Local(CoachZone)} coach", text, StringComparison.Ordinal);
        Assert.Contains($"for the coach, {CoachZone}", seen.GetProperty("slot").GetProperty("label").GetString(), StringComparison.Ordinal);
        var coachLocal = start.InZone(DateTimeZoneProviders.Tzdb[CoachZone]).TimeOfDay;
        Assert.InRange(coachLocal, new LocalTime(9, 0), new LocalTime(16, 30));

        Assert.Matches("(pending|confirmed)", seen.GetProperty("bookingItem").GetString());
        Assert.Contains("cancelled", seen.GetProperty("cancelledItem").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("BEGIN:VCALENDAR", seen.GetProperty("invite").GetString(), StringComparison.Ordinal);
        Assert.Contains("METHOD:REQUEST", seen.GetProperty("invite").GetString(), StringComparison.Ordinal);
        var booking = await new BookingService.BookingServiceClient(channel).GetBookingAsync(
            new GetBookingRequest { Name = seen.GetProperty("bookingName").GetString() }, admin);
        Assert.Equal((BookingState.Cancelled, "users/page-client", "My CV, from the browser"), (booking.State, booking.Client, booking.Agenda));
        Assert.Equal(start.ToUnixTimeSeconds(), booking.StartTime.Seconds);
        using var http = new HttpClient();
        var feed = new Uri(seen.GetProperty("feed").GetString()!);
        using var calendar = await http.GetAsync(new Uri(new Uri(server.FeedsAddress), feed.PathAndQuery));
        Assert.Equal("text/calendar", calendar.Content.Headers.ContentType?.MediaType);

        var cors = seen.GetProperty("cors");
        Assert.Equal($"http://127.0.0.1:{_otherPort}", cors.GetProperty("origin").GetString());
        Assert.Equal(200, cors.GetProperty("restStatus").GetInt32());
        Assert.Contains(CoachName, cors.GetProperty("restCoaches").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal(200, cors.GetProperty("grpcStatus").GetInt32());
        Assert.Contains(CoachName, cors.GetProperty("grpcMessage").GetString(), StringComparison.Ordinal);
        Assert.Matches(@"grpc-status: ?0\r\n", cors.GetProperty("grpcTrailers").GetString());

        var files = seen.GetProperty("steps").EnumerateArray().Select(s => s.GetString()!).ToList();
        Assert.Equal(7, files.Count);
        Assert.All(files, f => Assert.True(new FileInfo(f).Length > 1000, f));
        Assert.Empty(server.ErrorLines());
    }

    private async Task<JsonElement> RunBrowserAsync(string web, string shots)
    {
        if (Directory.Exists(shots))
        {
            Directory.Delete(shots, recursive: true);
        }

        var start = new ProcessStartInfo("node", [Path.Combine(Repo, "tools", "web", "booking-page-check.mjs")])
        {
            WorkingDirectory = Path.Combine(Repo, "tools"),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment =
            {
                ["WEB"] = web, ["OTHER"] = $"http://127.0.0.1:{_otherPort}", ["SHOTS"] = shots, ["SPECIALTY"] = Specialty, ["COACH"] = CoachName,
                ["TZ_ID"] = BrowserZone,
            },
        };
        using var node = Process.Start(start)!;
        var output = node.StandardOutput.ReadToEndAsync();
        var errors = node.StandardError.ReadToEndAsync();
        if (!node.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            node.Kill(entireProcessTree: true);
            Assert.Fail($"The browser run did not finish in 2 minutes: {await errors}");
        }

        var text = (await output).Trim();
        Assert.True(text.Length > 0, await errors);
        return JsonDocument.Parse(text.Split('\n')[^1]).RootElement.Clone();
    }
}
