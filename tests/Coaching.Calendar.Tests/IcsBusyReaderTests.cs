using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Coaching.Domain.ExternalCalendars;
using CsCheck;
using NodaTime;
using NodaTime.Text;

namespace Coaching.Calendar.Tests;

/// <summary>
/// Busy time from external calendars: recurrence, zones (IANA, Windows names, a calendar's own VTIMEZONE), all-day and floating
/// times, what does not count, hostile input; and, as a property, equality with an independent expansion (Python's
/// recurring_ical_events on icalendar) for random recurring events.
/// </summary>
public sealed class IcsBusyReaderTests
{
    private static readonly DateTimeZone London = DateTimeZoneProviders.Tzdb["Europe/London"];
    private static readonly DateTimeZone Kolkata = DateTimeZoneProviders.Tzdb["Asia/Kolkata"];
    private static readonly Interval Spring = new(Instant.FromUtc(2027, 3, 1, 0, 0), Instant.FromUtc(2027, 5, 1, 0, 0));
    private readonly IcsBusyReader _reader = new();

    private static string Calendar(params string[] events) =>
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n" + string.Concat(events.Select(e => $"BEGIN:VEVENT\r\n{e.Trim().Replace("\n", "\r\n", StringComparison.Ordinal)}\r\nEND:VEVENT\r\n"))
        + "END:VCALENDAR\r\n";

    private static string Utc(Interval i) =>
        $"{InstantPattern.General.Format(i.Start)}/{InstantPattern.General.Format(i.End)}";

    [Fact]
    public void Weekly_InLondon_AcrossTheClockChange_WithAnExceptionAndAMovedOccurrence()
    {
        var ics = Calendar("""
            UID:weekly@example.org
            DTSTART;TZID=Europe/London:20270315T090000
            DTEND;TZID=Europe/London:20270315T100000
            RRULE:FREQ=WEEKLY;COUNT=4
            EXDATE;TZID=Europe/London:20270322T090000
            SUMMARY:Team meeting
            """, """
            UID:weekly@example.org
            RECURRENCE-ID;TZID=Europe/London:20270405T090000
            DTSTART;TZID=Europe/London:20270405T140000
            DTEND;TZID=Europe/London:20270405T150000
            """);

        var busy = _reader.Parse(ics, Kolkata, Spring);

        // 15 March GMT (09:00Z); 22 March excluded; 29 March BST (08:00Z); 5 April moved to 14:00 BST (13:00Z).
        Assert.Equal(["2027-03-15T09:00:00Z/2027-03-15T10:00:00Z", "2027-03-29T08:00:00Z/2027-03-29T09:00:00Z", "2027-04-05T13:00:00Z/2027-04-05T14:00:00Z"],
            busy.Busy.Select(Utc));
        Assert.Equal(2, busy.Events);
        Assert.Empty(busy.Problems);
    }

    [Fact]
    public void AllDayAndFloating_FollowTheCoachsZone_UtcStaysUtc()
    {
        var ics = Calendar("""
            UID:holiday@example.org
            DTSTART;VALUE=DATE:20270310
            DTEND;VALUE=DATE:20270311
            """, """
            UID:floating@example.org
            DTSTART:20270312T090000
            DTEND:20270312T093000
            """, """
            UID:utc@example.org
            DTSTART:20270313T090000Z
            DTEND:20270313T093000Z
            """);

        var busy = _reader.Parse(ics, Kolkata, Spring);

        Assert.Equal(["2027-03-09T18:30:00Z/2027-03-10T18:30:00Z", "2027-03-12T03:30:00Z/2027-03-12T04:00:00Z", "2027-03-13T09:00:00Z/2027-03-13T09:30:00Z"],
            busy.Busy.Select(Utc));
    }

    [Fact]
    public void TransparentCancelledAndTheServicesOwnEntries_DoNotCount_NorDoesACancelledOccurrence()
    {
        var ics = Calendar("""
            UID:free@example.org
            DTSTART:20270310T090000Z
            DTEND:20270310T100000Z
            TRANSP:TRANSPARENT
            """, """
            UID:off@example.org
            DTSTART:20270311T090000Z
            DTEND:20270311T100000Z
            STATUS:CANCELLED
            """, """
            UID:booking-01kbz4m7e0m4k3v6qz2c1f9r8a@coaching
            DTSTART:20270312T090000Z
            DTEND:20270312T100000Z
            """, """
            UID:daily@example.org
            DTSTART:20270315T120000Z
            DTEND:20270315T130000Z
            RRULE:FREQ=DAILY;COUNT=3
            """, """
            UID:daily@example.org
            RECURRENCE-ID:20270316T120000Z
            DTSTART:20270316T120000Z
            DTEND:20270316T130000Z
            STATUS:CANCELLED
            """);

        var busy = _reader.Parse(ics, London, Spring);

        Assert.Equal(["2027-03-15T12:00:00Z/2027-03-15T13:00:00Z", "2027-03-17T12:00:00Z/2027-03-17T13:00:00Z"], busy.Busy.Select(Utc));
    }

    [Fact]
    public void AZoneDefinedOnlyByTheCalendarsVtimezone_IsFollowed_AsIsAWindowsZoneName()
    {
        // "Eastern" names no IANA zone: its VTIMEZONE (the US rules since 2007) decides; the same wall times in New York agree.
        var ics = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n" + """
            BEGIN:VTIMEZONE
            TZID:Eastern
            BEGIN:STANDARD
            DTSTART:20071104T020000
            TZOFFSETFROM:-0400
            TZOFFSETTO:-0500
            RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU
            END:STANDARD
            BEGIN:DAYLIGHT
            DTSTART:20070311T020000
            TZOFFSETFROM:-0500
            TZOFFSETTO:-0400
            RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU
            END:DAYLIGHT
            END:VTIMEZONE
            BEGIN:VEVENT
            UID:eastern@example.org
            DTSTART;TZID=Eastern:20270310T090000
            DTEND;TZID=Eastern:20270310T100000
            RRULE:FREQ=DAILY;COUNT=5
            END:VEVENT
            BEGIN:VEVENT
            UID:windows@example.org
            DTSTART;TZID=W. Europe Standard Time:20270401T090000
            DTEND;TZID=W. Europe Standard Time:20270401T100000
            END:VEVENT
            END:VCALENDAR
            """.Replace("\n", "\r\n", StringComparison.Ordinal);

        var busy = _reader.Parse(ics, London, Spring);

        var newYork = DateTimeZoneProviders.Tzdb["America/New_York"];
        var expected = Enumerable.Range(10, 5).Select(d => new LocalDateTime(2027, 3, d, 9, 0).InZoneStrictly(newYork).ToInstant())
            .Select(s => new Interval(s, s + Duration.FromHours(1))).Select(Utc)
            .Append("2027-04-01T07:00:00Z/2027-04-01T08:00:00Z") // Berlin in summer time
            .Order(StringComparer.Ordinal);
        Assert.Equal(expected, busy.Busy.Select(Utc).Order(StringComparer.Ordinal));
        Assert.Equal("2027-03-13T14:00:00Z/2027-03-13T15:00:00Z", Utc(busy.Busy[3])); // 09:00 EST, before the 14 March change
        Assert.Equal("2027-03-14T13:00:00Z/2027-03-14T14:00:00Z", Utc(busy.Busy[4])); // 09:00 EDT, after it
    }

    [Fact]
    public void FreeBusyPeriods_CountUnlessFree_WithEndsOrDurations()
    {
        var ics = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VFREEBUSY\r\n"
            + "DTSTART:20270301T000000Z\r\nDTEND:20270401T000000Z\r\n"
            + "FREEBUSY:20270302T090000Z/20270302T100000Z,20270303T090000Z/PT30M\r\n"
            + "FREEBUSY;FBTYPE=BUSY-TENTATIVE:20270304T090000Z/PT1H\r\n"
            + "FREEBUSY;FBTYPE=FREE:20270305T090000Z/PT1H\r\n"
            + "END:VFREEBUSY\r\nEND:VCALENDAR\r\n";

        var busy = _reader.Parse(ics, London, Spring);

        Assert.Equal(["2027-03-02T09:00:00Z/2027-03-02T10:00:00Z", "2027-03-03T09:00:00Z/2027-03-03T09:30:00Z", "2027-03-04T09:00:00Z/2027-03-04T10:00:00Z"],
            busy.Busy.Select(Utc));
    }

    [Fact]
    public void HostileCalendars_AreRefusedOrTruncated_WithAClearError_NeverAHang()
    {
        var huge = "BEGIN:VCALENDAR\r\n" + new string('x', IcsBusyReader.MaxCharacters) + "\r\nEND:VCALENDAR";
        var endless = Calendar("""
            UID:every-second@example.org
            DTSTART:20270301T000000Z
            DTEND:20270301T000001Z
            RRULE:FREQ=SECONDLY
            """);
        var never = Calendar("""
            UID:never@example.org
            DTSTART:20270301T090000Z
            DTEND:20270301T100000Z
            RRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30
            """);

        var tooBig = Assert.Throws<ExternalCalendarException>(() => _reader.Parse(huge, London, Spring));
        var notACalendar = Assert.Throws<ExternalCalendarException>(() => _reader.Parse("<html>login</html>", London, Spring));
        var watch = Stopwatch.StartNew();
        var truncated = _reader.Parse(endless, London, Spring);
        var impossible = RecordOrEmpty(() => _reader.Parse(never, London, Spring));

        Assert.Contains("larger than 5 MB", tooBig.Message, StringComparison.Ordinal);
        Assert.Contains("not an iCalendar file", notACalendar.Message, StringComparison.Ordinal);
        Assert.True(truncated.Truncated);
        Assert.Single(truncated.Busy); // back-to-back seconds merge into one stretch
        Assert.True(watch.Elapsed < TimeSpan.FromMinutes(1), "expansion stops at its limits");
        Assert.True(impossible is null or { Busy.Count: 0 });
    }

    private static ExternalBusy? RecordOrEmpty(Func<ExternalBusy> parse)
    {
        try
        {
            return parse();
        }
        catch (ExternalCalendarException)
        {
            return null;
        }
    }

    private static readonly string[] Zones = ["Europe/London", "America/New_York", "Asia/Kolkata", "Australia/Sydney", "America/Sao_Paulo", "UTC"];

    [SkippableFact]
    public void RandomRecurringEvents_GiveTheSameBusyTimeAsAnIndependentExpansion()
    {
        Skip.If(!File.Exists("/usr/bin/python3") || !PythonHas("recurring_ical_events"),
            "python3-recurring-ical-events is not installed (Debian package; tools/test.sh installs it).");
        var window = new Interval(Instant.FromUtc(2027, 1, 1, 0, 0), Instant.FromUtc(2027, 12, 31, 0, 0));
        var gen =
            from zone in Gen.Int[0, Zones.Length - 1].Select(i => Zones[i])
            from month in Gen.Int[1, 12]
            from day in Gen.Int[1, 28]
            from hour in Gen.Int[7, 19]
            from minutes in Gen.Int[0, 3].Select(i => new[] { 30, 45, 60, 90 }[i])
            from freq in Gen.Int[0, 2].Select(i => new[] { "DAILY", "WEEKLY", "MONTHLY" }[i])
            from interval in Gen.Int[1, 3]
            from count in Gen.Int[2, 30]
            from byday in Gen.Int[0, 2].Select(i => new[] { string.Empty, ";BYDAY=MO,WE", ";BYDAY=TU,TH,FR" }[i])
            from skip in Gen.Int[0, 5]
            select (zone, month, day, hour, minutes, freq, interval, count, byday, skip);
        gen.Sample(e =>
        {
            var start = new LocalDateTime(2027, e.month, e.day, e.hour, 0);
            var text = new StringBuilder()
                .Append(CultureInfo.InvariantCulture, $"UID:prop@example.org\nDTSTART;TZID={e.zone}:{Basic(start)}\nDTEND;TZID={e.zone}:{Basic(start.PlusMinutes(e.minutes))}\n")
                .Append(CultureInfo.InvariantCulture, $"RRULE:FREQ={e.freq};INTERVAL={e.interval};COUNT={e.count}{(e.freq == "WEEKLY" ? e.byday : string.Empty)}\n");
            if (e.skip > 0)
            {
                var exdate = e.freq switch
                {
                    "DAILY" => start.PlusDays(e.interval * e.skip),
                    "WEEKLY" => start.PlusWeeks(e.interval * e.skip),
                    _ => start.PlusMonths(e.interval * e.skip),
                };
                text.Append(CultureInfo.InvariantCulture, $"EXDATE;TZID={e.zone}:{Basic(exdate)}\n");
            }

            var ics = Calendar(text.ToString());
            var ours = _reader.Parse(ics, London, window).Busy.Select(Utc).ToList();
            var theirs = Merge(Independent(ics, window)).Select(Utc).ToList();
            Assert.True(theirs.SequenceEqual(ours), $"{ics}\nours:   {string.Join(' ', ours)}\ntheirs: {string.Join(' ', theirs)}");
        }, iter: 60, threads: 1);
    }

    private static string Basic(LocalDateTime t) => LocalDateTimePattern.CreateWithInvariantCulture("uuuuMMdd'T'HHmmss").Format(t);

    private static List<Interval> Merge(IEnumerable<Interval> intervals)
    {
        var merged = new List<Interval>();
        foreach (var i in intervals.OrderBy(i => i.Start))
        {
            if (merged.Count > 0 && i.Start <= merged[^1].End)
            {
                merged[^1] = new Interval(merged[^1].Start, Instant.Max(merged[^1].End, i.End));
            }
            else
            {
                merged.Add(i);
            }
        }

        return merged;
    }

    private static List<Interval> Independent(string ics, Interval window)
    {
        var file = Path.Combine(Path.GetTempPath(), $"busy-{Guid.NewGuid():N}.ics");
        File.WriteAllText(file, ics);
        try
        {
            var output = Peers.Run("/usr/bin/python3", Path.Combine(Peers.Repo, "tools", "ical-check", "busy.py"), file,
                InstantPattern.General.Format(window.Start), InstantPattern.General.Format(window.End));
            return [.. JsonDocument.Parse(output).RootElement.EnumerateArray().Select(p => new Interval(
                InstantPattern.General.Parse(p[0].GetString()!).Value, InstantPattern.General.Parse(p[1].GetString()!).Value))];
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static bool PythonHas(string module)
    {
        try
        {
            return Peers.Run("/usr/bin/python3", "-c", $"import {module}; print('ok')").Trim() == "ok";
        }
        catch (Xunit.Sdk.XunitException)
        {
            return false;
        }
    }
}
