using System.Text.Json;
using CsCheck;
using Coaching.Domain.Calendar;

namespace Coaching.Calendar.Tests;

/// <summary>
/// Emitted messages read by parsers nobody here wrote: ical.js (npm, Thunderbird's parser), Python's icalendar
/// (Debian python3-icalendar) and the khal calendar app. The test command installs all three; where one is missing
/// the test says so and skips.
/// </summary>
public sealed class InteropTests : IDisposable
{
    private readonly string _work = Path.Combine(Path.GetTempPath(), "coaching-interop", Guid.NewGuid().ToString("N"));
    private readonly IcalWriter _writer = new();

    public InteropTests() => Directory.CreateDirectory(_work);

    public void Dispose() => Directory.Delete(_work, recursive: true);

    public static TheoryData<string> Parsers => ["ical.js", "python-icalendar", "python-vobject"];

    [SkippableTheory]
    [MemberData(nameof(Parsers))]
    public void Request_IsUnderstoodAsMeant(string parser)
    {
        var parsed = Parse(parser, _writer.WriteInvite(InviteMethod.Request, Samples.Session()));

        Assert.Equal("REQUEST", parsed.GetProperty("method").GetString());
        Assert.Equal(IcalWriter.ProductId, parsed.GetProperty("prodid").GetString());
        var e = parsed.GetProperty("events")[0];
        Assert.Equal(Samples.Session().Uid, e.GetProperty("uid").GetString());
        Assert.Equal(0, e.GetProperty("sequence").GetInt32());
        Assert.Equal("CONFIRMED", e.GetProperty("status").GetString());
        Assert.Equal("2026-12-07T09:00:00Z", e.GetProperty("start").GetString());
        Assert.Equal("2026-12-07T09:45:00Z", e.GetProperty("end").GetString());
        Assert.Equal("ada@example.org", e.GetProperty("organizer").GetString());
        Assert.Equal("Ada Lovelace", e.GetProperty("organizer_cn").GetString());
        Assert.Equal(Samples.Session().Description, e.GetProperty("description").GetString());
        var attendee = e.GetProperty("attendees")[0];
        Assert.Equal("ann@example.org", attendee.GetProperty("email").GetString());
        Assert.Equal("Ann Client", attendee.GetProperty("cn").GetString());
        Assert.Equal("ACCEPTED", attendee.GetProperty("partstat").GetString());
        Assert.Equal("FALSE", attendee.GetProperty("rsvp").GetString());
    }

    [SkippableTheory]
    [MemberData(nameof(Parsers))]
    public void Cancel_IsUnderstoodAsMeant(string parser)
    {
        var parsed = Parse(parser, _writer.WriteInvite(InviteMethod.Cancel, Samples.Session(1, SessionStatus.Cancelled)));

        Assert.Equal("CANCEL", parsed.GetProperty("method").GetString());
        var e = parsed.GetProperty("events")[0];
        Assert.Equal(Samples.Session().Uid, e.GetProperty("uid").GetString());
        Assert.Equal(1, e.GetProperty("sequence").GetInt32());
        Assert.Equal("CANCELLED", e.GetProperty("status").GetString());
    }

    [SkippableTheory]
    [MemberData(nameof(Parsers))]
    public void EventInvite_CarriesItsJoinLinkAsLocation_AndAMultiLineDescription(string parser)
    {
        var entry = Samples.Session(2) with
        {
            Summary = "Getting started in a PMO role",
            Description = "What a PMO does, and how to get in.\n\nJoin: https://meet.example.org/pmo-start?pwd=a;b,c",
            Location = "https://meet.example.org/pmo-start?pwd=a;b,c",
        };
        var parsed = Parse(parser, _writer.WriteInvite(InviteMethod.Request, [entry]));

        var e = parsed.GetProperty("events")[0];
        Assert.Equal(entry.Location, e.GetProperty("location").GetString());
        Assert.Equal(entry.Description, e.GetProperty("description").GetString());
        Assert.Equal(entry.Summary, e.GetProperty("summary").GetString());
        Assert.Equal(2, e.GetProperty("sequence").GetInt32());
    }

    [SkippableTheory]
    [MemberData(nameof(Parsers))]
    public void HostileText_ReachesTheParserIntact(string parser)
    {
        var entry = Samples.Hostile();
        var parsed = Parse(parser, _writer.WriteInvite(InviteMethod.Request, entry));

        var e = parsed.GetProperty("events")[0];
        Assert.Equal(entry.Summary.Replace("\r\n", "\n", StringComparison.Ordinal), e.GetProperty("summary").GetString());
        Assert.Equal(entry.Description, e.GetProperty("description").GetString());
        Assert.Equal("ada@example.org", e.GetProperty("organizer").GetString());
        Assert.Equal(1, e.GetProperty("attendees").GetArrayLength());
        Assert.Equal("ann@example.org", e.GetProperty("attendees")[0].GetProperty("email").GetString());
    }

    [SkippableTheory]
    [MemberData(nameof(Parsers))]
    public void ArbitraryUnicode_EveryTextPropertyAndCommonName_RoundTripsExactly(string parser)
    {
        // Each sample is one invite of 60 events, so a handful of parser runs covers thousands of strings. Python
        // icalendar 4.0.3 (Debian's) unescapes TEXT twice, so it cannot read a backslash back whatever the writer
        // does (RFC 5545's "\\\\" for one backslash reads as nothing or one too few); its leg gets text without
        // backslashes, and the two other readers check backslashes.
        var text = (int pieces) => parser == "python-icalendar" ? UnicodeText.Text(pieces).Select(t => t.Replace("\\", "/", StringComparison.Ordinal)) : UnicodeText.Text(pieces);
        var texts = Gen.Select(text(80), text(30), UnicodeText.Text(15), UnicodeText.Text(15)).Array[60];
        texts.Sample(batch =>
        {
            var entries = batch.Select((t, i) => Samples.Session() with
            {
                Uid = $"booking-{i}@coaching", Description = t.Item1, Summary = "S" + t.Item2, OrganizerName = t.Item3, AttendeeName = t.Item4,
            }).ToList();

            var events = Parse(parser, _writer.WriteInvite(InviteMethod.Request, entries)).GetProperty("events");

            Assert.Equal(entries.Count, events.GetArrayLength());
            for (var i = 0; i < entries.Count; i++)
            {
                var e = events[i];
                Assert.Equal(UnicodeText.AsRead(entries[i].Summary), e.GetProperty("summary").GetString());
                Assert.Equal(UnicodeText.AsRead(entries[i].Description), e.GetProperty("description").GetString());
                Assert.Equal(IcalWriter.ParameterSafe(entries[i].OrganizerName), e.GetProperty("organizer_cn").GetString());
                Assert.Equal(IcalWriter.ParameterSafe(entries[i].AttendeeName), e.GetProperty("attendees")[0].GetProperty("cn").GetString());
            }
        }, iter: 4, threads: 1);
    }

    [SkippableTheory]
    [MemberData(nameof(Parsers))]
    public void Feed_IsUnderstoodAsMeant(string parser)
    {
        var bytes = _writer.WriteFeed("Coaching sessions", [Samples.Session(), Samples.Session(2, SessionStatus.Cancelled, 14) with { Uid = "booking-2@coaching" }]);

        var parsed = Parse(parser, bytes);

        Assert.Equal("PUBLISH", parsed.GetProperty("method").GetString());
        Assert.Equal("Coaching sessions", parsed.GetProperty("calname").GetString());
        var events = parsed.GetProperty("events");
        Assert.Equal(2, events.GetArrayLength());
        Assert.Equal("CANCELLED", events[1].GetProperty("status").GetString());
        Assert.Equal("2026-12-07T14:00:00Z", events[1].GetProperty("start").GetString());
    }

    [SkippableFact]
    public void Khal_ImportsAtLocalTime_AndAppliesLaterMessagesAsUpdates()
    {
        Skip.If(!File.Exists("/usr/bin/khal"), "khal is not installed (Debian package khal; tools/test.sh installs it).");
        var calendarDir = Path.Combine(_work, "calendar");
        Directory.CreateDirectory(calendarDir);
        var config = Path.Combine(_work, "khal.conf");
        File.WriteAllText(config, $"""
            [calendars]
            [[coaching]]
            path = {calendarDir}
            type = calendar

            [sqlite]
            path = {Path.Combine(_work, "khal.db")}

            [locale]
            timeformat = %H:%M
            dateformat = %Y-%m-%d
            longdateformat = %Y-%m-%d
            datetimeformat = %Y-%m-%d %H:%M
            longdatetimeformat = %Y-%m-%d %H:%M
            local_timezone = Asia/Kathmandu
            default_timezone = Asia/Kathmandu
            """);

        string Import(byte[] message)
        {
            var file = Path.Combine(_work, $"{Guid.NewGuid():N}.ics");
            File.WriteAllBytes(file, message);
            Peers.Run("/usr/bin/khal", "-c", config, "import", "--batch", "-a", "coaching", file);
            return Peers.Run("/usr/bin/khal", "-c", config, "list", "--format", "{start-time}-{end-time}|{uid}|{status}", "2026-12-07", "2d");
        }

        var request = Import(_writer.WriteInvite(InviteMethod.Request, Samples.Session()));
        var moved = Import(_writer.WriteInvite(InviteMethod.Request, Samples.Session(1, startHour: 11)));
        var cancelled = Import(_writer.WriteInvite(InviteMethod.Cancel, Samples.Session(2, SessionStatus.Cancelled, 11)));

        // 09:00Z is 14:45 in Kathmandu (+05:45).
        Assert.Contains($"14:45-15:30|{Samples.Session().Uid}|CONFIRMED", request, StringComparison.Ordinal);
        Assert.Contains($"16:45-17:30|{Samples.Session().Uid}|CONFIRMED", moved, StringComparison.Ordinal);
        Assert.DoesNotContain("14:45", moved, StringComparison.Ordinal);
        Assert.Contains($"16:45-17:30|{Samples.Session().Uid}|CANCELLED", cancelled, StringComparison.Ordinal);
        Assert.Single(Directory.GetFiles(calendarDir, "*.ics"));
    }

    private JsonElement Parse(string parser, byte[] message)
    {
        var file = Path.Combine(_work, $"{Guid.NewGuid():N}.ics");
        File.WriteAllBytes(file, message);
        string output;
        if (parser == "ical.js")
        {
            var module = Path.Combine(Peers.Repo, "tools", "node_modules", "ical.js");
            Skip.If(!Directory.Exists(module), "ical.js is not installed (npm ci --prefix tools; tools/test.sh does it).");
            output = Peers.Run("node", Path.Combine(Peers.Repo, "tools", "ical-check", "check.mjs"), file);
        }
        else if (parser == "python-vobject")
        {
            Skip.If(!File.Exists("/usr/bin/python3") || Peers.Run("/usr/bin/python3", "-c", "import vobject; print('ok')").Trim() != "ok",
                "python-vobject is not installed (Debian python3-vobject; tools/test.sh installs it).");
            output = Peers.Run("/usr/bin/python3", Path.Combine(Peers.Repo, "tools", "ical-check", "check_vobject.py"), file);
        }
        else
        {
            Skip.If(!File.Exists("/usr/bin/python3") || Peers.Run("/usr/bin/python3", "-c", "import icalendar; print('ok')").Trim() != "ok",
                "Python icalendar is not installed (Debian python3-icalendar; tools/test.sh installs it).");
            output = Peers.Run("/usr/bin/python3", Path.Combine(Peers.Repo, "tools", "ical-check", "check.py"), file);
        }

        return JsonDocument.Parse(output).RootElement.Clone();
    }
}
