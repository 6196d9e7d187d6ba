using System.Net;
using System.Text;
using Coaching.Domain.Calendar;
using Coaching.Domain.Outbox;
using Coaching.Server.Outbox;
using MimeKit;
using NodaTime;

namespace Coaching.Server.Tests.Outbox;

/// <summary>The e-mail composer and the webhook address rules, checked directly; the messages are read back by Python's email package.</summary>
public sealed class MailComposerTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "coaching-mime", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    private static readonly byte[] Invite = Encoding.UTF8.GetBytes(
        "BEGIN:VCALENDAR\r\nPRODID:-//x//y//EN\r\nVERSION:2.0\r\nMETHOD:REQUEST\r\nBEGIN:VEVENT\r\nUID:u1@coaching\r\nSEQUENCE:0\r\n" +
        "DTSTAMP:20261201T090000Z\r\nDTSTART:20261201T100000Z\r\nDTEND:20261201T103000Z\r\nSUMMARY:METHOD:REQUEST in a summary\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n");

    private string Write(MimeMessage message)
    {
        Directory.CreateDirectory(_folder);
        var path = Path.Combine(_folder, $"{Guid.NewGuid():N}.eml");
        message.WriteTo(path);
        return path;
    }

    private static (Delivery Delivery, OutboxEntry Entry) Case(string role, string title, string attendeeName, string organizerName)
    {
        var at = Instant.FromUtc(2026, 12, 1, 9, 0);
        var mail = new MailOrder(InviteMethod.Request, "u1@coaching", 0, Invite, attendeeName, "ann@example.org", organizerName, "coach@example.org", title,
            at + Duration.FromHours(1), at + Duration.FromMinutes(90), "Asia/Kolkata");
        var entry = new OutboxEntry("e1", "booking.created", "bookings/b1", [], [], mail, at);
        var recipient = role == Delivery.Attendee ? "ann@example.org" : "coach@example.org";
        return (new Delivery($"e1-{role[0]}", 1, "e1", entry.Type, entry.Resource, DeliveryChannel.Email, recipient, role, DeliveryState.Pending, 0, string.Empty, at, at), entry);
    }

    [SkippableFact]
    public void NamesAndTitles_CannotInjectHeaders_AndNonAsciiIsEncoded_AsPythonReadsIt()
    {
        Skip.If(SmtpSink.SkipReason is not null, SmtpSink.SkipReason);
        var (delivery, entry) = Case(Delivery.Attendee, "CV review\r\nBcc: victim@example.org\r\nX-Evil: 1", "Zoë\r\nBcc: x@example.org", "Łukasz \"the coach\" <x>");
        var parsed = SmtpSink.Parse([Write(MailComposer.Compose(delivery, entry, MailboxAddress.Parse("Coaching <desk@example.org>")))]).Single();

        var headers = parsed.GetProperty("header_names").EnumerateArray().Select(h => h.GetString()!.ToLowerInvariant()).ToList();
        Assert.DoesNotContain("bcc", headers);
        Assert.DoesNotContain("x-evil", headers);
        Assert.Empty(parsed.GetProperty("defects").EnumerateArray());
        Assert.StartsWith("Invitation: CV reviewBcc: victim@example.org", parsed.GetProperty("subject").GetString(), StringComparison.Ordinal);
        Assert.Equal("ZoëBcc: x@example.org", parsed.GetProperty("to_name").GetString());
        Assert.Equal(["ann@example.org"], parsed.GetProperty("to").EnumerateArray().Select(e => e.GetString()));
        // The quotes and angle brackets of the name stay inside the quoted display name; the address is the sender's.
        Assert.StartsWith("\"Łukasz \\\"the coach\\\" <x> via Coaching\" <desk@example.org>", parsed.GetProperty("from").GetString(), StringComparison.Ordinal);
        Assert.Equal("desk@example.org", parsed.GetProperty("from_address").GetString());
        Assert.Equal("<e1-a@coaching>", parsed.GetProperty("message_id").GetString());
        // 10:00 UTC is 15:30 in Kolkata; both are said.
        var plain = parsed.GetProperty("plain").GetString()!;
        Assert.Contains("Tuesday 1 December 2026, 15:30–16:00 (Asia/Kolkata, UTC+05:30)", plain, StringComparison.Ordinal);
        Assert.Contains("Tuesday 1 December 2026, 10:00–10:30 UTC", plain, StringComparison.Ordinal);
        Assert.DoesNotContain("<x>", parsed.GetProperty("html").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void TheOrganizersCopy_IsTheSameEventWithMethodPublish_AndOnlyTheMethodLineChanges()
    {
        var published = Encoding.UTF8.GetString(MailComposer.Published(Invite));

        Assert.Equal(Encoding.UTF8.GetString(Invite).Replace("\r\nMETHOD:REQUEST\r\n", "\r\nMETHOD:PUBLISH\r\n", StringComparison.Ordinal), published);
        Assert.Contains("SUMMARY:METHOD:REQUEST in a summary", published, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => MailComposer.Published(Encoding.UTF8.GetBytes("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")));
    }

    [Theory]
    [InlineData("127.0.0.1", true)]
    [InlineData("127.255.0.9", true)]
    [InlineData("10.1.2.3", true)]
    [InlineData("172.16.0.1", true)]
    [InlineData("172.31.255.255", true)]
    [InlineData("172.32.0.1", false)]
    [InlineData("192.168.1.1", true)]
    [InlineData("169.254.169.254", true)]
    [InlineData("100.64.0.1", true)]
    [InlineData("0.0.0.0", true)]
    [InlineData("224.0.0.1", true)]
    [InlineData("8.8.8.8", false)]
    [InlineData("93.184.216.34", false)]
    [InlineData("::1", true)]
    [InlineData("::", true)]
    [InlineData("fe80::1", true)]
    [InlineData("fd00::1", true)]
    [InlineData("::ffff:127.0.0.1", true)]
    [InlineData("::ffff:10.0.0.1", true)]
    [InlineData("2606:4700:4700::1111", false)]
    public void PrivateAddresses_AreRecognised(string address, bool isPrivate) =>
        Assert.Equal(isPrivate, WebhookChannel.IsPrivate(IPAddress.Parse(address)));

    [Fact]
    public void RetryDelays_GrowExponentially_WithJitter_UpToTheCap_ThenTheDeliveryIsDead()
    {
        var policy = new RetryPolicy(5, Duration.FromSeconds(10), Duration.FromMinutes(1));

        Assert.Equal([5, 10, 20, 30, 30], Enumerable.Range(1, 5).Select(n => policy.DelayAfter(n, 0).TotalSeconds));
        Assert.Equal([10, 20, 40, 60, 60], Enumerable.Range(1, 5).Select(n => Math.Round(policy.DelayAfter(n, 0.999999).TotalSeconds)));
        Assert.False(policy.IsExhausted(4));
        Assert.True(policy.IsExhausted(5));
    }
}
