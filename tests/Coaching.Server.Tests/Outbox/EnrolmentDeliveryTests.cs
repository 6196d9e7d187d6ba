using Coaching.Contracts.V1;
using Coaching.Domain.Outbox;
using Coaching.Server.Tests.Courses;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.DependencyInjection;

namespace Coaching.Server.Tests.Outbox;

/// <summary>Enrolments reach people by e-mail too (pickup folder, read by Python), and readiness reports the queue.</summary>
[Collection(UsesServer.Name)]
public sealed class EnrolmentDeliveryTests(ServerFixture server) : ServerTest(server)
{
    private async Task<List<Domain.Outbox.Delivery>> SettledAsync(string resource, int count)
    {
        var outbox = server.Factory.Services.GetRequiredService<IOutboxStore>();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var all = (await outbox.ListDeliveriesAsync(new DeliveryQuery(null, Domain.Outbox.DeliveryChannel.Email, resource, null, 50), default)).ToList();
            if (all.Count >= count && all.All(d => d.State != Domain.Outbox.DeliveryState.Pending))
            {
                return all;
            }

            Assert.True(DateTime.UtcNow < deadline, $"{all.Count} of {count} e-mails settled for {resource}");
            await Task.Delay(50);
        }
    }

    [SkippableFact]
    public async Task EnrolledThenWithdrawn_ClientGetsRequestThenCancel_ForEverySession_PromotedPersonGetsARequest()
    {
        Skip.If(SmtpSink.SkipReason is not null, SmtpSink.SkipReason);
        var s = await CohortScenario.CreateAsync(server, capacity: 1);
        var seated = await s.EnrolAsync("en-ann");
        var waiting = await s.EnrolAsync("en-bob");
        await s.AsClient("en-ann").WithdrawEnrolmentAsync(new WithdrawEnrolmentRequest { Name = seated.Name });

        var ann = await SettledAsync(seated.Name, 4);
        var bob = await SettledAsync(waiting.Name, 2);
        var folder = Path.Combine(server.DataDirectory, "mail");
        var annMail = SmtpSink.Parse(ann.Where(d => d.Role == Domain.Outbox.Delivery.Attendee).OrderBy(d => d.Position).Select(d => Path.Combine(folder, $"{d.Id}.eml")));
        var bobMail = SmtpSink.Parse(bob.Where(d => d.Role == Domain.Outbox.Delivery.Attendee).Select(d => Path.Combine(folder, $"{d.Id}.eml")));

        Assert.Equal(["REQUEST", "CANCEL"], annMail.Select(m => m.GetProperty("calendars")[0].GetProperty("method").GetString()));
        Assert.All(annMail, m => Assert.Equal("en-ann@example.org", m.GetProperty("to")[0].GetString()));
        var sessions = s.Cohort.Sessions.Count;
        Assert.All(annMail, m => Assert.Equal(sessions, m.GetProperty("calendars")[0].GetProperty("events").GetArrayLength()));
        Assert.Equal([0, 1], annMail.Select(m => m.GetProperty("calendars")[0].GetProperty("events")[0].GetProperty("sequence").GetInt32()));
        var promoted = Assert.Single(bobMail);
        Assert.Equal(("REQUEST", "en-bob@example.org"), (promoted.GetProperty("calendars")[0].GetProperty("method").GetString(), promoted.GetProperty("to")[0].GetString()));
    }

    [Fact]
    public async Task Readiness_ReportsTheQueue()
    {
        var health = server.Factory.Services.GetRequiredService<HealthCheckService>();

        var report = await health.CheckHealthAsync(r => r.Name == "outbox");

        var entry = report.Entries["outbox"];
        Assert.Equal(HealthStatus.Healthy, entry.Status);
        Assert.True(entry.Data.ContainsKey("pending") && entry.Data.ContainsKey("oldest_pending_age_s") && entry.Data.ContainsKey("dead"));
    }
}
