using System.Text.Json;
using Coaching.Contracts.V1;

namespace Coaching.Server.Tests.Outbox;

/// <summary>
/// E-mail invites end to end: a real server process sends through SMTP to a real SMTP server (aiosmtpd), and what arrives is
/// read by independent parsers (Python's email package, python-icalendar), never by the code that wrote it.
/// </summary>
public sealed class EmailDeliveryTests(Xunit.Abstractions.ITestOutputHelper output) : IAsyncLifetime
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "coaching-email", Guid.NewGuid().ToString("N"));
    private readonly List<IAsyncDisposable> _running = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var running in Enumerable.Reverse(_running))
        {
            await running.DisposeAsync();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    private async Task<SmtpSink> SinkAsync(int port = 0, int failFirst = 0, int reject = 0, int delay = 0)
    {
        var sink = await SmtpSink.StartAsync(Path.Combine(_root, $"sink-{Guid.NewGuid():N}"), port, failFirst, reject: reject, delayMilliseconds: delay);
        _running.Add(sink);
        return sink;
    }

    private async Task<ServerProcess> ServerAsync(int smtpPort, string data = "data", params string[] extra)
    {
        var server = await ServerProcess.StartAsync(Path.Combine(_root, data), "Warning",
        [
            "Coaching:Smtp:Host=127.0.0.1", $"Coaching:Smtp:Port={smtpPort}", "Coaching:Smtp:Security=None",
            "Coaching:Smtp:From=Coaching Desk <desk@coaching.example>", "Coaching:Smtp:TimeoutSeconds=5",
            "Coaching:Delivery:RetryBaseSeconds=0.2", "Coaching:Delivery:PollMilliseconds=50", .. extra,
        ]);
        _running.Add(server);
        return server;
    }

    [SkippableFact]
    public async Task ConfirmedThenCancelled_ClientGetsRequestThenCancel_CoachGetsPublish_AsIndependentParsersReadThem()
    {
        Skip.If(SmtpSink.SkipReason is not null, SmtpSink.SkipReason);
        var sink = await SinkAsync();
        var server = await ServerAsync(sink.Port);
        var scenario = await LiveScenario.CreateAsync(server, coachName: "Zoë O'Brien-Łukasz", email: "zoe@example.org");
        var booking = await scenario.BookAsync("carol", 0);
        var first = SmtpSink.Parse(await sink.WaitForAsync(2));
        await scenario.Bookings.CancelBookingAsync(new CancelBookingRequest { Name = booking.Name, Reason = "Ill" }, scenario.Client("carol"));
        var all = SmtpSink.Parse(await sink.WaitForAsync(4));
        var invites = (await new CalendarService.CalendarServiceClient(scenario.Channel).ListInvitesAsync(
            new ListInvitesRequest { Parent = booking.Name }, scenario.Admin)).Invites;

        Assert.Equal(first.Select(m => m.GetProperty("message_id").GetString()), all.Take(2).Select(m => m.GetProperty("message_id").GetString()));
        var uid = $"booking-{booking.Name.Split('/')[1]}@coaching";
        var request = Single(all, "carol@example.org", "REQUEST");
        var cancel = Single(all, "carol@example.org", "CANCEL");
        var published = all.Where(m => To(m) == "zoe@example.org").ToList();

        // The attendee's messages: the stored invites byte for byte, in the iMIP shape, with replies going to the coach.
        foreach (var (message, invite, sequence) in new[] { (request, invites[0], 0), (cancel, invites[1], 1) })
        {
            Assert.Empty(message.GetProperty("defects").EnumerateArray());
            Assert.Equal("desk@coaching.example", message.GetProperty("from_address").GetString());
            Assert.Contains("Zoë O'Brien-Łukasz via Coaching Desk", message.GetProperty("from").GetString(), StringComparison.Ordinal);
            Assert.Equal(["zoe@example.org"], message.GetProperty("reply_to").EnumerateArray().Select(e => e.GetString()));
            Assert.Equal(
                """{"type":"multipart/mixed","parts":[{"type":"multipart/alternative","parts":[{"type":"text/plain","filename":null},{"type":"text/html","filename":null},{"type":"text/calendar","filename":null}]},{"type":"application/ics","filename":"invite.ics"}]}""",
                message.GetProperty("tree").GetRawText().Replace(" ", string.Empty, StringComparison.Ordinal).Replace("\n", string.Empty, StringComparison.Ordinal));
            var calendars = message.GetProperty("calendars").EnumerateArray().ToList();
            Assert.Equal(2, calendars.Count);
            foreach (var calendar in calendars)
            {
                Assert.Equal(invite.Content.ToByteArray(), Convert.FromBase64String(calendar.GetProperty("bytes").GetString()!));
                Assert.Equal(sequence == 0 ? "REQUEST" : "CANCEL", calendar.GetProperty("method_param").GetString()!.ToUpperInvariant());
                Assert.Equal("utf-8", calendar.GetProperty("charset").GetString());
                var vevent = Assert.Single(calendar.GetProperty("events").EnumerateArray());
                Assert.Equal((uid, sequence), (vevent.GetProperty("uid").GetString(), vevent.GetProperty("sequence").GetInt32()));
                Assert.Equal(booking.StartTime.ToDateTimeOffset(), DateTimeOffset.Parse(vevent.GetProperty("start").GetString()!, System.Globalization.CultureInfo.InvariantCulture));
            }

            Assert.Equal("attachment", calendars[1].GetProperty("disposition").GetString());
            var plain = message.GetProperty("plain").GetString()!;
            Assert.Contains("(Europe/London, UTC+", plain, StringComparison.Ordinal);
            Assert.Contains(" UTC", plain, StringComparison.Ordinal);
        }

        Assert.StartsWith("Invitation: CV review", request.GetProperty("subject").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("Cancelled: CV review", cancel.GetProperty("subject").GetString(), StringComparison.Ordinal);
        Assert.Equal("CANCELLED", cancel.GetProperty("calendars")[0].GetProperty("events")[0].GetProperty("status").GetString());

        // The organizer is never sent a REQUEST for their own event: a notification with the same event as PUBLISH.
        Assert.Equal(2, published.Count);
        foreach (var message in published)
        {
            Assert.Empty(message.GetProperty("reply_to").EnumerateArray());
            Assert.Equal("Zoë O'Brien-Łukasz", message.GetProperty("to_name").GetString());
            foreach (var calendar in message.GetProperty("calendars").EnumerateArray())
            {
                Assert.Equal(("PUBLISH", "PUBLISH"), (calendar.GetProperty("method_param").GetString()!.ToUpperInvariant(), calendar.GetProperty("method").GetString()));
                Assert.Equal(uid, calendar.GetProperty("events")[0].GetProperty("uid").GetString());
            }
        }

        // Every message has its own stable Message-ID, derived from its delivery, as ListDeliveries shows.
        var deliveries = await scenario.AllDeliveriesAsync(booking.Name);
        Assert.Equal(4, deliveries.Count(d => d.Channel == DeliveryChannel.Email && d.State == DeliveryState.Delivered));
        Assert.Equal(
            deliveries.Where(d => d.Channel == DeliveryChannel.Email).Select(d => $"<{d.Name.Split('/')[1]}@coaching>").Order(),
            all.Select(m => m.GetProperty("message_id").GetString()).Order());
        Assert.Empty(server.ErrorLines());
    }

    [SkippableTheory]
    [InlineData("StartTls")]
    [InlineData("SslOnConnect")]
    public async Task TlsWithAuth_ToAServerWithItsOwnCertificate_Delivers_AndAWrongPasswordNeverSends(string security)
    {
        Skip.If(SmtpSink.SkipReason is not null, SmtpSink.SkipReason);
        Skip.If(!File.Exists("/usr/bin/openssl"), "openssl is needed to make the test certificate");
        Directory.CreateDirectory(_root);
        var cert = Path.Combine(_root, "smtp-cert.pem");
        var key = Path.Combine(_root, "smtp-key.pem");
        using (var openssl = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("/usr/bin/openssl",
            ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=127.0.0.1",
                "-addext", "subjectAltName=IP:127.0.0.1"]) { RedirectStandardError = true })!)
        {
            await openssl.WaitForExitAsync();
            Assert.Equal(0, openssl.ExitCode);
        }

        var sink = await SmtpSink.StartAsync(Path.Combine(_root, "tls-sink"), tlsCertificate: cert, tlsKey: key, auth: "desk:s3cret",
            implicitTls: security == "SslOnConnect");
        _running.Add(sink);
        var server = await ServerAsync(sink.Port, "tls", $"Coaching:Smtp:Security={security}", "Coaching:Smtp:UserName=desk", "Coaching:Smtp:Password=s3cret",
            $"Coaching:Smtp:TrustedCertificateFile={cert}");
        var wrong = await ServerAsync(sink.Port, "tls-wrong", $"Coaching:Smtp:Security={security}", "Coaching:Smtp:UserName=desk",
            "Coaching:Smtp:Password=nope", $"Coaching:Smtp:TrustedCertificateFile={cert}");
        var scenario = await LiveScenario.CreateAsync(server);
        var refused = await LiveScenario.CreateAsync(wrong);
        await scenario.BookAsync("tls-ann", 0);
        await refused.BookAsync("tls-bob", 0);

        var arrived = SmtpSink.Parse(await sink.WaitForAsync(2));
        var failing = await refused.WaitForDeliveriesAsync(all => all.Count(d => d.Channel == DeliveryChannel.Email && d.Attempts >= 1) == 2);

        Assert.Equal(["grace@example.org", "tls-ann@example.org"], arrived.Select(To).Order());
        // The server refuses the password (535) and drops the session; the delivery waits for a retry, nothing was sent.
        Assert.All(failing.Where(d => d.Channel == DeliveryChannel.Email), d => Assert.Equal(DeliveryState.Pending, d.State));
        Assert.DoesNotContain(SmtpSink.Parse(sink.Messages()), m => To(m) == "tls-bob@example.org");
    }

    [SkippableFact]
    public async Task SmtpDownAtFirst_ThenUp_EveryMessageArrivesAfterRetries()
    {
        Skip.If(SmtpSink.SkipReason is not null, SmtpSink.SkipReason);
        var port = SmtpSink.FreePort();
        var server = await ServerAsync(port);
        var scenario = await LiveScenario.CreateAsync(server);
        for (var i = 0; i < 5; i++)
        {
            await scenario.BookAsync($"client-{i}", i);
        }

        var failing = await scenario.WaitForDeliveriesAsync(all => all.Count(d => d.Channel == DeliveryChannel.Email && d.Attempts >= 2) == 10);
        Assert.All(failing.Where(d => d.Channel == DeliveryChannel.Email), d =>
        {
            Assert.Equal(DeliveryState.Pending, d.State);
            Assert.Contains("unreachable", d.LastError, StringComparison.Ordinal);
        });

        var sink = await SinkAsync(port);
        var arrived = SmtpSink.Parse(await sink.WaitForAsync(10));
        var delivered = await scenario.WaitForDeliveriesAsync(all => all.Count(d => d.State == DeliveryState.Delivered) == 10);

        Assert.Equal(10, arrived.Select(m => m.GetProperty("message_id").GetString()).Distinct().Count());
        Assert.Equal(Enumerable.Range(0, 5).Select(i => $"client-{i}@example.org").Order(),
            arrived.Select(To).Where(t => t != "grace@example.org").Order());
        Assert.All(delivered, d => Assert.True(d.Attempts >= 3, $"{d.Name} was delivered after {d.Attempts} attempts"));
    }

    [SkippableFact]
    public async Task Smtp4xx_IsRetriedUntilAccepted()
    {
        Skip.If(SmtpSink.SkipReason is not null, SmtpSink.SkipReason);
        var sink = await SinkAsync(failFirst: 3);
        var server = await ServerAsync(sink.Port);
        var scenario = await LiveScenario.CreateAsync(server);
        await scenario.BookAsync("dave", 0);

        var arrived = await sink.WaitForAsync(2);
        var deliveries = await scenario.WaitForDeliveriesAsync(all => all.Count(d => d.State == DeliveryState.Delivered) == 2);

        Assert.Equal(2, arrived.Count);
        Assert.Equal(5, deliveries.Sum(d => d.Attempts)); // three 451s, then both accepted
        Assert.Contains(deliveries, d => d.Attempts > 1 && d.LastError.Length == 0);
    }

    [SkippableFact]
    public async Task Smtp5xx_IsDeadWithTheServersReply_AndRetryDeliveryPutsItBack()
    {
        Skip.If(SmtpSink.SkipReason is not null, SmtpSink.SkipReason);
        var sink = await SinkAsync(reject: 550);
        var server = await ServerAsync(sink.Port);
        var scenario = await LiveScenario.CreateAsync(server);
        await scenario.BookAsync("erin", 0);

        var dead = await scenario.WaitForDeliveriesAsync(all => all.Count(d => d.State == DeliveryState.Dead) == 2);
        Assert.All(dead, d =>
        {
            Assert.Equal(1, d.Attempts);
            Assert.Contains("SMTP 550", d.LastError, StringComparison.Ordinal);
            Assert.Contains("mailbox unavailable", d.LastError, StringComparison.Ordinal);
        });
        Assert.Empty(sink.Messages());
        var listed = await scenario.Deliveries.ListDeliveriesAsync(new ListDeliveriesRequest { State = DeliveryState.Dead }, scenario.Admin);
        Assert.Equal(2, listed.Deliveries.Count);

        var retried = await scenario.Deliveries.RetryDeliveryAsync(new RetryDeliveryRequest { Name = dead[0].Name }, scenario.Admin);
        Assert.Equal((DeliveryState.Pending, 0), (retried.State, retried.Attempts));
        var again = await scenario.WaitForDeliveriesAsync(all => all.Single(d => d.Name == dead[0].Name) is { State: DeliveryState.Dead, Attempts: 1 });
        Assert.Equal(2, again.Count(d => d.State == DeliveryState.Dead));
        var error = await Assert.ThrowsAsync<Grpc.Core.RpcException>(async () =>
            await scenario.Deliveries.RetryDeliveryAsync(new RetryDeliveryRequest { Name = "deliveries/nope" }, scenario.Admin));
        Assert.Equal(Grpc.Core.StatusCode.NotFound, error.StatusCode);
    }

    [SkippableFact]
    public async Task ServerKilledDuringABurstOf200_EveryMessageArrives_DuplicatesOnlyWithTheSameMessageId()
    {
        Skip.If(SmtpSink.SkipReason is not null, SmtpSink.SkipReason);
        // A slow mail server (150 ms per message), so the burst is still going out when the server dies.
        var sink = await SinkAsync(delay: 150);
        var settings = new[] { "Coaching:Delivery:LeaseSeconds=2" };
        var server = await ServerAsync(sink.Port, "data", settings);
        var scenario = await LiveScenario.CreateAsync(server);
        var bookings = new List<Booking>();
        for (var i = 0; i < 100; i++)
        {
            bookings.Add(await scenario.BookAsync($"burst-{i}", i));
        }

        await sink.WaitForAsync(20);
        server.Kill();
        var before = sink.Messages().Count;
        var restarted = await ServerAsync(sink.Port, "data", settings);
        var settled = await new LiveScenario(restarted, Grpc.Net.Client.GrpcChannel.ForAddress(restarted.Address), scenario.Coach, scenario.Offering)
            .WaitForDeliveriesAsync(all => all.Count(d => d.State == DeliveryState.Delivered) == 200, seconds: 120);
        // Every delivery is recorded as made only after its message was accepted, so every message is in the sink by now.
        var arrived = SmtpSink.Parse(sink.Messages());

        var ids = arrived.Select(m => m.GetProperty("message_id").GetString()!).ToList();
        var expected = settled.Select(d => $"<{d.Name.Split('/')[1]}@coaching>").ToHashSet();
        Assert.Equal(200, ids.Distinct().Count());
        Assert.True(ids.All(expected.Contains), "every message is one of the 200 deliveries");
        Assert.True(before < 200, $"the kill came before every message was out ({before} were)");
        // A duplicate (sent, then killed before it was recorded) is the same message: same Message-ID, same bytes of invite.
        foreach (var group in arrived.GroupBy(m => m.GetProperty("message_id").GetString()).Where(g => g.Count() > 1))
        {
            Assert.Single(group.Select(m => m.GetProperty("calendars")[0].GetProperty("bytes").GetString()).Distinct());
        }

        output.WriteLine($"messages={arrived.Count} distinct={ids.Distinct().Count()} duplicates={arrived.Count - ids.Distinct().Count()} before_kill={before}");
    }

    private static JsonElement Single(IEnumerable<JsonElement> messages, string to, string method) =>
        Assert.Single(messages, m => To(m) == to && m.GetProperty("calendars")[0].GetProperty("method").GetString() == method);

    private static string To(JsonElement message) => message.GetProperty("to")[0].GetString()!;
}
