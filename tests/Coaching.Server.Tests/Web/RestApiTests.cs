using System.Net;
using System.Text.Json;
using Coaching.Contracts.V1;
using Coaching.Server.Hosting;
using Google.Protobuf.Reflection;

namespace Coaching.Server.Tests.Web;

/// <summary>Every RPC over REST/JSON against a real server process: routes, identity, errors, and a booking's whole life.</summary>
public sealed class RestApiTests(WebServer web) : IClassFixture<WebServer>
{
    // Independent of the server's own list: every file of the contract, as generated.
    private static readonly IReadOnlyList<MethodDescriptor> Rpcs =
    [
        .. new[]
        {
            AvailabilityReflection.Descriptor, BookingReflection.Descriptor, CalendarReflection.Descriptor, CoachReflection.Descriptor,
            CourseReflection.Descriptor, DeliveryReflection.Descriptor, CommonReflection.Descriptor, EventReflection.Descriptor,
        }.SelectMany(f => f.Services).SelectMany(s => s.Methods),
    ];

    private async Task<JsonElement> DocumentAsync()
    {
        var (status, body) = await web.CallAsync(HttpMethod.Get, WebSurface.OpenApiPath, null);
        Assert.Equal(200, status);
        return body!.Value;
    }

    private static IEnumerable<(string Path, string Verb, string OperationId)> Operations(JsonElement document) =>
        document.GetProperty("paths").EnumerateObject().SelectMany(p => p.Value.EnumerateObject()
            .Select(o => (p.Name, o.Name, o.Value.GetProperty("operationId").GetString()!)));

    private static string Fill(string path) => System.Text.RegularExpressions.Regex.Replace(path, @"\{[a-z_]+\}", "x");

    [Fact]
    public async Task EveryRpc_HasARoute_AndEveryRoute_IsServed_AnsweringAStatusNeverAMissingRoute()
    {
        var document = await DocumentAsync();
        var operations = Operations(document).ToList();
        var admin = web.Process.Token("rest-admin", "admin");

        Assert.Equal(64, Rpcs.Count);
        foreach (var rpc in Rpcs)
        {
            Assert.Contains(operations, o => o.OperationId == $"{rpc.Service.Name}_{rpc.Name}");
        }

        foreach (var (path, verb, id) in operations.Where(o => o.OperationId != "DeliveryService_WatchEvents"))
        {
            var method = new HttpMethod(verb.ToUpperInvariant());
            var body = verb is "post" or "patch" ? "{}" : null;
            var (anonymous, refusal) = await web.CallAsync(method, Fill(path), null, body);
            var (status, answer) = await web.CallAsync(method, Fill(path), admin, body);

            Assert.True(anonymous == 401 && refusal?.GetProperty("code").GetInt32() == 16, $"{id} without a token: {anonymous} {refusal}");
            // Served: a JSON answer (a resource, or a google.rpc.Status naming the problem), never the bare 404/405 of no route.
            Assert.True(answer is not null, $"{id} {verb} {path}: {status} with no body");
            Assert.True(status < 500, $"{id}: {status} {answer}");
            if (status >= 400)
            {
                Assert.True(answer!.Value.TryGetProperty("code", out _) && answer.Value.GetProperty("message").GetString()!.Length > 0, $"{id}: {answer}");
            }
        }

        Assert.Empty(web.Process.ErrorLines());
    }

    [Fact]
    public async Task ABooking_LivesItsWholeLife_OverRest()
    {
        var admin = web.Process.Token("rest-admin", "admin");
        var (created, coach) = await web.CallAsync(HttpMethod.Post, "/v1/coaches?requestId=rest-coach-1", admin,
            """{"displayName":"Rest Coach","email":"rest.coach@example.org","timeZone":"Europe/Paris","specialties":["cv"]}""");
        Assert.Equal(200, created);
        var coachName = coach!.Value.GetProperty("name").GetString()!;
        var (again, same) = await web.CallAsync(HttpMethod.Post, "/v1/coaches?requestId=rest-coach-1", admin,
            """{"displayName":"Rest Coach","email":"rest.coach@example.org","timeZone":"Europe/Paris","specialties":["cv"]}""");
        Assert.Equal((200, coachName), (again, same!.Value.GetProperty("name").GetString()));

        var coachToken = web.Process.Token("rest-coach", "coach", coachName.Split('/')[1]);
        var (_, offering) = await web.CallAsync(HttpMethod.Post, $"/v1/{coachName}/offerings", coachToken, """{"title":"CV review","duration":"1800s"}""");
        var offeringName = offering!.Value.GetProperty("name").GetString()!;
        var (hours, _) = await web.CallAsync(HttpMethod.Patch, $"/v1/{coachName}/weeklySchedule", coachToken,
            JsonSerializer.Serialize(new { windows = Enumerable.Range(1, 7).Select(d => new { weekday = d, startTime = new { hours = 9 }, endTime = new { hours = 17 } }) }));
        Assert.Equal(200, hours);

        var day = DateTime.UtcNow.Date.AddDays(3);
        var (listed, slots) = await web.CallAsync(HttpMethod.Get,
            $"/v1/{offeringName}:listAvailableSlots?startTime={day:yyyy-MM-dd}T00:00:00Z&endTime={day.AddDays(1):yyyy-MM-dd}T00:00:00Z&viewerTimeZone=America/New_York",
            web.Process.Token("rest-client", "client"));
        Assert.Equal(200, listed);
        var first = slots!.Value.GetProperty("slots")[0];
        // 09:00 in Paris is 08:00 or 07:00 UTC depending on the season; the slot's start is a timestamp the server chose from the hours.
        var start = first.GetProperty("startTime").GetString()!;

        var client = web.Process.Token("rest-client", "client");
        var (booked, booking) = await web.CallAsync(HttpMethod.Post, "/v1/bookings?requestId=rest-booking-1", client,
            $$"""{"offering":"{{offeringName}}","startTime":"{{start}}","agenda":"My CV"}""");
        Assert.Equal(200, booked);
        var bookingName = booking!.Value.GetProperty("name").GetString()!;
        var (twice, clash) = await web.CallAsync(HttpMethod.Post, "/v1/bookings?requestId=rest-booking-2", web.Process.Token("rest-other", "client"),
            $$"""{"offering":"{{offeringName}}","startTime":"{{start}}"}""");
        Assert.Equal(400, twice); // FAILED_PRECONDITION maps to 400; the reason says what failed
        Assert.Contains(clash!.Value.GetProperty("details").EnumerateArray(), d => d.TryGetProperty("reason", out var r) && r.GetString() == "SLOT_UNAVAILABLE");

        var (read, again2) = await web.CallAsync(HttpMethod.Get, $"/v1/{bookingName}", client);
        Assert.Equal((200, start), (read, again2!.Value.GetProperty("startTime").GetString()));
        var (stale, _) = await web.CallAsync(HttpMethod.Post, $"/v1/{bookingName}:cancel", client, """{"etag":"\"999\"","reason":"clash"}""");
        Assert.Equal(409, stale);
        var etag = again2.Value.GetProperty("etag").GetString()!;
        var (cancelled, gone) = await web.CallAsync(HttpMethod.Post, $"/v1/{bookingName}:cancel", client,
            JsonSerializer.Serialize(new { etag, reason = "clash" }));
        Assert.Equal((200, "BOOKING_STATE_CANCELLED"), (cancelled, gone!.Value.GetProperty("state").GetString()));
        var (_, invites) = await web.CallAsync(HttpMethod.Get, $"/v1/{bookingName}/invites", client);
        Assert.Equal(["REQUEST", "CANCEL"], invites!.Value.GetProperty("invites").EnumerateArray().Select(i => i.GetProperty("method").GetString()![(i.GetProperty("method").GetString()!.LastIndexOf('_') + 1)..]));
        var (_, feed) = await web.CallAsync(HttpMethod.Get, "/v1/users/rest-client/feed", client);
        Assert.StartsWith("http", feed!.Value.GetProperty("url").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("POST", "/v1/coaches", """{"displayName":5}""", 400, "coach.display_name")]
    [InlineData("POST", "/v1/coaches", """{"displayName":"A","specialties":"cv"}""", 400, "coach.specialties")]
    [InlineData("POST", "/v1/coaches", """{"displayName":"A",""", 400, "coach")]
    [InlineData("POST", "/v1/coaches", """{"displayName":"","email":"x","timeZone":"Mars/Base"}""", 400, "coach.time_zone")]
    [InlineData("GET", "/v1/coaches?pageSize=abc", null, 400, "page_size")]
    [InlineData("GET", "/v1/bookings?startTime=tomorrow", null, 400, "start_time")]
    [InlineData("GET", "/v1/bookings?states=NOPE", null, 400, "states")]
    [InlineData("PATCH", "/v1/coaches/x?updateMask=bogus", """{"displayName":"B"}""", 400, "update_mask")]
    public async Task BadInput_Is400_NamingTheField_InABadRequestDetail(string verb, string path, string? body, int expected, string field)
    {
        var (status, answer) = await web.CallAsync(new HttpMethod(verb), path, web.Process.Token("rest-admin", "admin"), body);

        Assert.Equal(expected, status);
        Assert.Equal(3, answer!.Value.GetProperty("code").GetInt32());
        var violations = answer.Value.GetProperty("details").EnumerateArray()
            .Where(d => d.GetProperty("@type").GetString()!.EndsWith("BadRequest", StringComparison.Ordinal))
            .SelectMany(d => d.GetProperty("fieldViolations").EnumerateArray()).Select(v => v.GetProperty("field").GetString()).ToList();
        Assert.Contains(field, violations);
    }

    [Fact]
    public async Task StatusCodes_FollowTheGrpcCode_WithTheSameReasons()
    {
        var client = web.Process.Token("rest-someone", "client");
        var (forbidden, denied) = await web.CallAsync(HttpMethod.Post, "/v1/coaches", client,
            """{"displayName":"X","email":"x@example.org","timeZone":"UTC"}""");
        var (missing, notFound) = await web.CallAsync(HttpMethod.Get, "/v1/coaches/nobody", client);
        var (expired, refused) = await web.CallAsync(HttpMethod.Get, "/v1/coaches", DevTokens.Mint(web.Process.DataDirectory, "late", "client",
            expires: DateTime.UtcNow.AddHours(-1)));
        using var big = new HttpRequestMessage(HttpMethod.Post, new Uri(web.Web, "/v1/coaches"))
        {
            Content = new StringContent($$"""{"displayName":"{{new string('a', 1_100_000)}}"}""", System.Text.Encoding.UTF8, "application/json"),
        };
        big.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", client);
        using var tooLarge = await web.Http.SendAsync(big);
        using var tooLargeBody = JsonDocument.Parse(await tooLarge.Content.ReadAsStringAsync());

        Assert.Equal((403, 7), (forbidden, denied!.Value.GetProperty("code").GetInt32()));
        Assert.Equal((404, "RESOURCE_NOT_FOUND"), (missing, notFound!.Value.GetProperty("details")[0].GetProperty("reason").GetString()));
        Assert.Equal((401, "TOKEN_INVALID"), (expired, refused!.Value.GetProperty("details")[0].GetProperty("reason").GetString()));
        Assert.Contains("expired", refused.Value.GetProperty("message").GetString(), StringComparison.Ordinal);
        using var chunked = new HttpRequestMessage(HttpMethod.Post, new Uri(web.Web, "/v1/coaches"))
        {
            Content = new StreamContent(new MemoryStream(System.Text.Encoding.UTF8.GetBytes("{\"displayName\":\"" + new string('a', 1_100_000) + "\"}"))),
        };
        chunked.Content.Headers.ContentType = new("application/json");
        chunked.Headers.TransferEncodingChunked = true;
        chunked.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", client);
        using var tooLong = await web.Http.SendAsync(chunked);
        var tooLongBody = await tooLong.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLarge.StatusCode);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLong.StatusCode);
        Assert.Contains("REQUEST_TOO_LARGE", tooLongBody, StringComparison.Ordinal);
        Assert.Equal("REQUEST_TOO_LARGE", tooLargeBody.RootElement.GetProperty("details")[0].GetProperty("reason").GetString());
        Assert.Empty(web.Process.ErrorLines());
    }

    [Fact]
    public async Task WatchEvents_OverRest_StreamsOneJsonObjectPerEvent_AsChangesHappen()
    {
        var admin = web.Process.Token("rest-admin", "admin");
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(web.Web, "/v1/events:watch?latest=true&eventTypes=availability.changed"));
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", admin);
        using var response = await web.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());

        var (_, coach) = await web.CallAsync(HttpMethod.Post, "/v1/coaches", admin, """{"displayName":"Watched","email":"watched@example.org","timeZone":"Asia/Kolkata"}""");
        var name = coach!.Value.GetProperty("name").GetString()!;
        await web.CallAsync(HttpMethod.Patch, $"/v1/{name}/weeklySchedule", admin, """{"windows":[{"weekday":"WEEKDAY_MONDAY","startTime":{"hours":9},"endTime":{"hours":12}}]}""");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var text = new System.Text.StringBuilder();
        JsonElement? seen = null;
        while (seen is null)
        {
            var buffer = new char[4096];
            var read = await reader.ReadAsync(buffer, timeout.Token);
            Assert.True(read > 0, "the stream ended");
            text.Append(buffer, 0, read);
            // Objects follow one another; take the first complete one that names our coach.
            foreach (var candidate in text.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                try
                {
                    var element = JsonDocument.Parse(candidate).RootElement.Clone();
                    if (element.GetProperty("resource").GetString() == name)
                    {
                        seen = element;
                    }
                }
                catch (JsonException)
                {
                }
            }
        }

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("availability.changed", seen.Value.GetProperty("type").GetString());
        Assert.Equal(JsonValueKind.String, seen.Value.GetProperty("position").ValueKind); // int64 as a string, as the protobuf JSON mapping says
        Assert.Equal("Asia/Kolkata", seen.Value.GetProperty("availability").GetProperty("timeZone").GetString());
    }
}
