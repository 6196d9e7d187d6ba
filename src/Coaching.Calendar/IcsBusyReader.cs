using System.Globalization;
using System.Text;
using Coaching.Domain.ExternalCalendars;
using Ical.Net.CalendarComponents;
using Ical.Net.DataTypes;
using Ical.Net.Evaluation;
using NodaTime;
using Duration = NodaTime.Duration;
using Period = Ical.Net.DataTypes.Period;
using NodaTime.Text;
using NodaTime.TimeZones;
using IcalCalendar = Ical.Net.Calendar;

namespace Coaching.Calendar;

/// <summary>
/// Busy time from iCalendar text. Recurrences (RRULE, RDATE, EXDATE, RECURRENCE-ID overrides) are expanded by Ical.Net in each
/// event's own wall-clock time, as RFC 5545 defines them, and only then placed on the time line: a TZID naming an IANA zone (or
/// a Windows zone name) follows the TZDB; any other TZID follows the calendar's VTIMEZONE of that name; floating times and
/// all-day events follow the coach's zone; UTC times are taken as they are. A local time a clock change skips is moved forward
/// by the gap, a repeated one is read as the first (RFC 5545 3.3.5). Transparent and cancelled events, and this service's own
/// bookings, cohort sessions and events (by UID), are left out. Only start and end are kept.
/// </summary>
public sealed class IcsBusyReader : IExternalBusyParser
{
    /// <summary>Largest calendar read, in characters.</summary>
    public const int MaxCharacters = 5 * 1024 * 1024;

    /// <summary>Most occurrences expanded from one calendar; beyond it the result says it was truncated.</summary>
    public const int MaxOccurrences = 50_000;

    private const string ZoneProperty = "X-COACHING-ZONE";
    private const string Utc = "utc";
    private const string Coach = "coach";
    private static readonly Duration Margin = Duration.FromDays(2);
    private static readonly string[] Timed = ["DTSTART", "DTEND", "RECURRENCE-ID", "EXDATE", "RDATE"];
    private static readonly LocalDateTimePattern Basic = LocalDateTimePattern.CreateWithInvariantCulture("uuuuMMdd'T'HHmmss");

    /// <inheritdoc />
    public ExternalBusy Parse(string ics, DateTimeZone coachZone, Interval window)
    {
        if (ics.Length > MaxCharacters)
        {
            throw new ExternalCalendarException($"The calendar is larger than {MaxCharacters / 1024 / 1024} MB; it was not read.");
        }

        var lines = Unfold(ics);
        if (lines.FirstOrDefault(l => l.Length > 0) is not { } first || !first.Equals("BEGIN:VCALENDAR", StringComparison.OrdinalIgnoreCase))
        {
            throw new ExternalCalendarException("The response is not an iCalendar file (it does not begin with BEGIN:VCALENDAR).");
        }

        var problems = new List<string>();
        var custom = CustomZones(lines, window);
        var text = Rewrite(lines, custom, problems);
        IcalCalendar calendar;
        try
        {
            calendar = IcalCalendar.Load(text) ?? throw new ExternalCalendarException("The calendar is empty.");
        }
        catch (Exception e) when (e is not ExternalCalendarException and not OutOfMemoryException)
        {
            throw new ExternalCalendarException($"The calendar is malformed: {Line(e.Message)}", e);
        }

        var busy = new List<Interval>();
        var (from, to) = (window.Start - Margin, window.End + Margin);
        var count = 0;
        var truncated = false;
        try
        {
            var options = new EvaluationOptions { MaxUnmatchedIncrementsLimit = 10_000 };
            foreach (var occurrence in calendar.GetOccurrences(new CalDateTime(from.ToDateTimeUtc(), null, true), options))
            {
                if (occurrence.Period.StartTime.Value > to.ToDateTimeUtc())
                {
                    break;
                }

                if (++count > MaxOccurrences)
                {
                    truncated = true;
                    break;
                }

                if (occurrence.Source is CalendarEvent e && Counts(e) && Place(occurrence.Period, ZoneOf(e, custom, coachZone)) is { } interval
                    && interval.Start < window.End && interval.End > window.Start)
                {
                    busy.Add(new Interval(NodaTime.Instant.Max(interval.Start, window.Start), NodaTime.Instant.Min(interval.End, window.End)));
                }
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException and not OperationCanceledException)
        {
            throw new ExternalCalendarException($"A recurrence in the calendar cannot be expanded: {Line(e.Message)}", e);
        }

        busy.AddRange(FreeBusy(lines, window));
        return new ExternalBusy(Merge(busy), calendar.Events.Count, truncated, problems);
    }

    /// <summary>Whether an event blocks time: not transparent, not cancelled, not one this service made itself.</summary>
    private static bool Counts(CalendarEvent e) =>
        !string.Equals(e.Transparency, "TRANSPARENT", StringComparison.OrdinalIgnoreCase)
        && !string.Equals(e.Status, "CANCELLED", StringComparison.OrdinalIgnoreCase)
        && !IsOwn(e.Uid);

    /// <summary>The UIDs this service gives its bookings', enrolments' and cohort sessions' calendar entries.</summary>
    public static bool IsOwn(string? uid) =>
        uid is not null && uid.EndsWith("@coaching", StringComparison.Ordinal)
        && (uid.StartsWith("booking-", StringComparison.Ordinal) || uid.StartsWith("enrolment-", StringComparison.Ordinal) || uid.StartsWith("cohort-", StringComparison.Ordinal));

    private static Interval? Place(Period period, DateTimeZone zone)
    {
        var start = period.StartTime;
        var end = period.EffectiveEndTime ?? start;
        var (s, e) = (ToInstant(start, zone), ToInstant(end, zone));
        return e > s ? new Interval(s, e) : null;
    }

    private static Instant ToInstant(CalDateTime t, DateTimeZone zone)
    {
        if (t.IsUtc)
        {
            return NodaTime.Instant.FromDateTimeUtc(DateTime.SpecifyKind(t.Value, DateTimeKind.Utc));
        }

        var local = LocalDateTime.FromDateTime(t.Value);
        return t.HasTime
            ? local.InZone(zone, Resolvers.LenientResolver).ToInstant()
            : zone.AtStartOfDay(local.Date).ToInstant();
    }

    private static DateTimeZone ZoneOf(CalendarEvent e, Dictionary<string, DateTimeZone> custom, DateTimeZone coachZone)
    {
        var key = e.Properties.Get<string>(ZoneProperty) ?? Coach;
        return key.StartsWith("tz:", StringComparison.Ordinal) ? DateTimeZoneProviders.Tzdb[key[3..]]
            : key.StartsWith("vtz:", StringComparison.Ordinal) ? custom[key[4..]]
            : key == Utc ? DateTimeZone.Utc
            : coachZone;
    }

    // VFREEBUSY components (what a CalDAV free-busy report, or a published free/busy file, says): every FREEBUSY period that is
    // not FBTYPE=FREE, as UTC start/end or start/duration (RFC 5545 3.8.2.6), clipped to the window.
    private static IEnumerable<Interval> FreeBusy(List<string> lines, Interval window)
    {
        var inside = false;
        foreach (var line in lines)
        {
            if (line.Equals("BEGIN:VFREEBUSY", StringComparison.OrdinalIgnoreCase) || line.Equals("END:VFREEBUSY", StringComparison.OrdinalIgnoreCase))
            {
                inside = line[0] is 'B' or 'b';
                continue;
            }

            if (!inside || Split(line) is not { Name: "FREEBUSY" } p
                || p.Parameters.Any(x => x.Equals("FBTYPE=FREE", StringComparison.OrdinalIgnoreCase)))
            {
                continue;
            }

            foreach (var period in p.Value.Split(','))
            {
                var parts = period.Split('/');
                if (parts.Length != 2 || !parts[0].EndsWith('Z') || Basic.Parse(parts[0][..^1]) is not { Success: true } start)
                {
                    continue;
                }

                var from = start.Value.InUtc().ToInstant();
                Instant? to = parts[1].EndsWith('Z') && Basic.Parse(parts[1][..^1]) is { Success: true } end ? end.Value.InUtc().ToInstant()
                    : PeriodPattern.NormalizingIso.Parse(parts[1]) is { Success: true } length && length.Value.Months == 0 && length.Value.Years == 0
                        ? from + length.Value.ToDuration()
                        : null;
                if (to is { } until && until > from && from < window.End && until > window.Start)
                {
                    yield return new Interval(NodaTime.Instant.Max(from, window.Start), NodaTime.Instant.Min(until, window.End));
                }
            }
        }
    }

    private static List<Interval> Merge(List<Interval> busy)
    {
        var merged = new List<Interval>();
        foreach (var i in busy.OrderBy(i => i.Start))
        {
            if (merged.Count > 0 && i.Start <= merged[^1].End)
            {
                merged[^1] = new Interval(merged[^1].Start, NodaTime.Instant.Max(merged[^1].End, i.End));
            }
            else
            {
                merged.Add(i);
            }
        }

        return merged;
    }

    // Rewrites each VEVENT so Ical.Net expands it in its own wall-clock time: TZID parameters go (the event's zone is kept in
    // X-COACHING-ZONE), values given in another zone or in UTC are converted into the event's wall-clock time.
    private static string Rewrite(List<string> lines, Dictionary<string, DateTimeZone> custom, List<string> problems)
    {
        var output = new StringBuilder();
        var block = new List<string>();
        var inEvent = false;
        foreach (var line in lines)
        {
            if (line.Equals("BEGIN:VEVENT", StringComparison.OrdinalIgnoreCase))
            {
                inEvent = true;
                block.Clear();
            }

            if (!inEvent)
            {
                output.Append(line).Append("\r\n");
                continue;
            }

            block.Add(line);
            if (line.Equals("END:VEVENT", StringComparison.OrdinalIgnoreCase))
            {
                inEvent = false;
                foreach (var rewritten in RewriteEvent(block, custom, problems))
                {
                    output.Append(rewritten).Append("\r\n");
                }
            }
        }

        return output.ToString();
    }

    private static IEnumerable<string> RewriteEvent(List<string> block, Dictionary<string, DateTimeZone> custom, List<string> problems)
    {
        var dtstart = block.Select(Split).FirstOrDefault(p => p?.Name == "DTSTART");
        var (key, zone) = dtstart is null ? (Coach, (DateTimeZone?)null) : ZoneKey(dtstart, custom, problems);
        var heads = block.Select(Split).OfType<Property>().Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        var recurring = heads.Contains("RRULE") && !heads.Contains("RECURRENCE-ID");
        foreach (var line in block)
        {
            if (line.Equals("END:VEVENT", StringComparison.OrdinalIgnoreCase))
            {
                yield return $"{ZoneProperty}:{key}";
                yield return line;
                continue;
            }

            var p = Split(line);
            if (p is null || !Timed.Contains(p.Name) || p.Parameters.Any(x => x.Equals("VALUE=DATE", StringComparison.OrdinalIgnoreCase)))
            {
                yield return line;
                if (p?.Name == "DTSTART" && recurring)
                {
                    yield return $"RDATE{string.Concat(p.Parameters.Select(x => ";" + x))}:{p.Value}";
                }

                continue;
            }

            var own = p.Parameters.FirstOrDefault(x => x.StartsWith("TZID=", StringComparison.OrdinalIgnoreCase)) is { } t ? Unquote(t[5..]) : null;
            var ownZone = own is null ? null : Resolve(own, custom);
            var parameters = p.Parameters.Where(x => !x.StartsWith("TZID=", StringComparison.OrdinalIgnoreCase)).ToList();
            var values = p.Value.Split(',').Select(v => string.Join('/', v.Split('/').Select(part => Retime(part, ownZone, key, zone))));
            yield return $"{p.Name}{string.Concat(parameters.Select(x => ";" + x))}:{string.Join(',', values)}";
            if (p.Name == "DTSTART" && recurring)
            {
                // RFC 5545: DTSTART is always the first occurrence, even when the rule would not produce it (as an RDATE it counts
                // once, and an EXDATE still removes it).
                yield return $"RDATE{string.Concat(parameters.Select(x => ";" + x))}:{string.Join(',', values)}";
            }
        }
    }

    // One date-time value into the event's wall-clock time (a duration or a date passes unchanged).
    private static string Retime(string value, DateTimeZone? valueZone, string eventKey, DateTimeZone? eventZone)
    {
        var utc = value.EndsWith('Z');
        var parsed = Basic.Parse(utc ? value[..^1] : value);
        if (!parsed.Success)
        {
            return value;
        }

        Instant? instant = utc ? parsed.Value.InUtc().ToInstant() : valueZone is not null ? parsed.Value.InZone(valueZone, Resolvers.LenientResolver).ToInstant() : null;
        if (instant is null)
        {
            return value; // floating stays floating
        }

        return eventKey == Utc || eventZone is null && eventKey != Coach
            ? Basic.Format(instant.Value.InUtc().LocalDateTime) + "Z"
            : eventZone is null ? value : Basic.Format(instant.Value.InZone(eventZone).LocalDateTime);
    }

    private static (string Key, DateTimeZone? Zone) ZoneKey(Property dtstart, Dictionary<string, DateTimeZone> custom, List<string> problems)
    {
        if (dtstart.Value.EndsWith('Z'))
        {
            return (Utc, DateTimeZone.Utc);
        }

        if (dtstart.Parameters.FirstOrDefault(x => x.StartsWith("TZID=", StringComparison.OrdinalIgnoreCase)) is not { } tz)
        {
            return (Coach, null);
        }

        var tzid = Unquote(tz[5..]);
        if (DateTimeZoneProviders.Tzdb.GetZoneOrNull(tzid) is { } iana)
        {
            return ($"tz:{iana.Id}", iana);
        }

        if (custom.TryGetValue(tzid, out var defined))
        {
            return ($"vtz:{tzid}", defined);
        }

        if (TzdbDateTimeZoneSource.Default.WindowsMapping.PrimaryMapping.TryGetValue(tzid, out var mapped))
        {
            return ($"tz:{mapped}", DateTimeZoneProviders.Tzdb[mapped]);
        }

        problems.Add($"The time zone '{(tzid.Length > 40 ? tzid[..40] : tzid)}' is neither an IANA zone nor defined in the calendar; its times were read in the coach's zone.");
        return (Coach, null);
    }

    private static DateTimeZone? Resolve(string tzid, Dictionary<string, DateTimeZone> custom) =>
        DateTimeZoneProviders.Tzdb.GetZoneOrNull(tzid)
        ?? (custom.TryGetValue(tzid, out var defined) ? defined : null)
        ?? (TzdbDateTimeZoneSource.Default.WindowsMapping.PrimaryMapping.TryGetValue(tzid, out var mapped) ? DateTimeZoneProviders.Tzdb[mapped] : null);

    // The calendar's VTIMEZONEs whose TZID names no IANA zone, each as a zone over the window (with a year either side).
    private static Dictionary<string, DateTimeZone> CustomZones(List<string> lines, Interval window)
    {
        var zones = new Dictionary<string, DateTimeZone>(StringComparer.Ordinal);
        var until = window.End + Duration.FromDays(400);
        string? tzid = null;
        List<string>? observance = null;
        var onsets = new List<(Instant, Offset, Offset)>();
        foreach (var line in lines)
        {
            var upper = line.ToUpperInvariant();
            if (upper == "BEGIN:VTIMEZONE")
            {
                (tzid, onsets) = (null, []);
            }
            else if (upper.StartsWith("TZID:", StringComparison.Ordinal) && observance is null)
            {
                tzid = Unquote(line[5..]);
            }
            else if (upper is "BEGIN:STANDARD" or "BEGIN:DAYLIGHT")
            {
                observance = [];
            }
            else if (upper is "END:STANDARD" or "END:DAYLIGHT" && observance is not null)
            {
                onsets.AddRange(Onsets(observance, until));
                observance = null;
            }
            else if (observance is not null)
            {
                observance.Add(line);
            }
            else if (upper == "END:VTIMEZONE" && tzid is not null && DateTimeZoneProviders.Tzdb.GetZoneOrNull(tzid) is null && onsets.Count > 0)
            {
                zones[tzid] = VTimeZoneZone.Create(tzid, onsets);
            }
        }

        return zones;
    }

    // The onsets of one STANDARD or DAYLIGHT observance: its DTSTART, RRULE and RDATEs, in the wall-clock time it came from.
    private static List<(Instant, Offset, Offset)> Onsets(List<string> observance, Instant until)
    {
        var props = observance.Select(Split).OfType<Property>().ToList();
        if (props.FirstOrDefault(p => p.Name == "DTSTART") is not { } start || ParseOffset(props.FirstOrDefault(p => p.Name == "TZOFFSETFROM")?.Value) is not { } from
            || ParseOffset(props.FirstOrDefault(p => p.Name == "TZOFFSETTO")?.Value) is not { } to)
        {
            return [];
        }

        var text = new StringBuilder("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//coaching//onsets//EN\r\nBEGIN:VEVENT\r\nUID:onset\r\n")
            .Append("DTSTART:").Append(start.Value.TrimEnd('Z')).Append("\r\n");
        foreach (var p in props.Where(p => p.Name is "RRULE" or "RDATE"))
        {
            text.Append(p.Name).Append(':').Append(p.Value).Append("\r\n");
        }

        text.Append("END:VEVENT\r\nEND:VCALENDAR\r\n");
        var limit = (until + Duration.FromSeconds(to.Seconds)).ToDateTimeUtc();
        return IcalCalendar.Load(text.ToString())!.GetOccurrences(null, new EvaluationOptions { MaxUnmatchedIncrementsLimit = 10_000 })
            .Select(o => o.Period.StartTime.Value).TakeWhile(local => local <= limit).Take(1000)
            .Select(local => (LocalDateTime.FromDateTime(local).WithOffset(from).ToInstant(), from, to)).ToList();
    }

    private static Offset? ParseOffset(string? text)
    {
        if (text is null || text.Length is not (5 or 7) || text[0] is not ('+' or '-'))
        {
            return null;
        }

        var sign = text[0] == '-' ? -1 : 1;
        var h = int.Parse(text.AsSpan(1, 2), CultureInfo.InvariantCulture);
        var m = int.Parse(text.AsSpan(3, 2), CultureInfo.InvariantCulture);
        var s = text.Length == 7 ? int.Parse(text.AsSpan(5, 2), CultureInfo.InvariantCulture) : 0;
        return Offset.FromSeconds(sign * (h * 3600 + m * 60 + s));
    }

    private sealed record Property(string Name, List<string> Parameters, string Value);

    // NAME;PARAM=…;PARAM="…:…":VALUE (a colon inside a quoted parameter value does not end the name part).
    private static Property? Split(string line)
    {
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            if (line[i] == '"')
            {
                quoted = !quoted;
            }
            else if (line[i] == ':' && !quoted)
            {
                var head = line[..i].Split(';');
                return new Property(head[0].ToUpperInvariant(), [.. head.Skip(1)], line[(i + 1)..]);
            }
        }

        return null;
    }

    private static string Unquote(string text) => text.Length >= 2 && text[0] == '"' && text[^1] == '"' ? text[1..^1] : text;

    private static string Line(string message) => message.Split('\n')[0].Trim() is var first && first.Length > 200 ? first[..200] : message.Split('\n')[0].Trim();

    // RFC 5545 3.1: a line break followed by a space or tab continues the line.
    private static List<string> Unfold(string ics)
    {
        var lines = new List<string>();
        foreach (var raw in ics.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n'))
        {
            if (raw.Length > 0 && raw[0] is ' ' or '\t' && lines.Count > 0)
            {
                lines[^1] += raw[1..];
            }
            else
            {
                lines.Add(raw.TrimEnd('\r'));
            }
        }

        return lines;
    }
}
