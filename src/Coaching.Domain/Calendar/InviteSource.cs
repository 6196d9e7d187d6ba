using System.Text.Json;
using System.Text.Json.Serialization;
using NodaTime;

namespace Coaching.Domain.Calendar;

/// <summary>
/// The stored form of a booking's invite: what it says (its method and session entries), from which its iCalendar text is
/// written when it is read or e-mailed, not on the booking's own path (writing it with Ical.Net was a quarter of a booking's
/// CPU). Writing is deterministic, so every reading and every e-mail of one invite carries the same bytes. Content that is
/// already iCalendar text (invites stored before this form, and cohort and event invites) is returned as it is.
/// </summary>
public static class InviteSource
{
    private static ReadOnlySpan<byte> Marker => "COACHING-INVITE-SOURCE/1\n"u8;

    /// <summary>The stored form of an invite of <paramref name="method"/> for <paramref name="entries"/>.</summary>
    public static byte[] Encode(InviteMethod method, IReadOnlyList<SessionEntry> entries)
    {
        var row = new SourceRow((int)method, [.. entries.Select(EntryRow.From)]);
        var json = JsonSerializer.SerializeToUtf8Bytes(row, InviteSourceJsonContext.Default.SourceRow);
        return [.. Marker, .. json];
    }

    /// <summary>The iCalendar text of stored invite content: written from its source, or the content itself when it is text already.</summary>
    public static byte[] Render(byte[] stored, ICalendarWriter writer)
    {
        if (!stored.AsSpan().StartsWith(Marker))
        {
            return stored;
        }

        var row = JsonSerializer.Deserialize(stored.AsSpan(Marker.Length), InviteSourceJsonContext.Default.SourceRow)
            ?? throw new InvalidOperationException("An invite source holds no entries.");
        return writer.WriteInvite((InviteMethod)row.Method, [.. row.Entries.Select(e => e.ToEntry())]);
    }

    /// <summary>The invite with its content as iCalendar text (see <see cref="Render"/>).</summary>
    public static Invite Rendered(Invite invite, ICalendarWriter writer) => invite with { Content = Render(invite.Content, writer) };

    internal sealed record SourceRow(int Method, EntryRow[] Entries);

    // Instants as Unix ticks: exact, so DTSTAMP and the times come out as they would have on the booking's path.
    internal sealed record EntryRow(string Uid, int Sequence, long Start, long End, string Summary, string Description, string OrganizerName,
        string OrganizerEmail, string AttendeeName, string AttendeeEmail, int Status, long Stamp, string Location)
    {
        public static EntryRow From(SessionEntry e) => new(e.Uid, e.Sequence, e.Start.ToUnixTimeTicks(), e.End.ToUnixTimeTicks(), e.Summary,
            e.Description, e.OrganizerName, e.OrganizerEmail, e.AttendeeName, e.AttendeeEmail, (int)e.Status, e.Stamp.ToUnixTimeTicks(), e.Location);

        public SessionEntry ToEntry() => new(Uid, Sequence, Instant.FromUnixTimeTicks(Start), Instant.FromUnixTimeTicks(End), Summary, Description,
            OrganizerName, OrganizerEmail, AttendeeName, AttendeeEmail, (SessionStatus)Status, Instant.FromUnixTimeTicks(Stamp))
        {
            Location = Location,
        };
    }
}

/// <summary>Compile-time JSON for invite sources: no reflection on the booking path.</summary>
[JsonSerializable(typeof(InviteSource.SourceRow))]
internal sealed partial class InviteSourceJsonContext : JsonSerializerContext;
