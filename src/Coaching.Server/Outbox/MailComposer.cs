using System.Globalization;
using System.Net;
using System.Text;
using Coaching.Domain.Calendar;
using Coaching.Domain.Outbox;
using MimeKit;
using NodaTime;
using NodaTime.Text;

namespace Coaching.Server.Outbox;

/// <summary>
/// Builds the e-mails of an invite (RFC 6047, iMIP), in the shape Google Calendar, Outlook and Apple Mail recognise:
/// <c>multipart/mixed</c> holding a <c>multipart/alternative</c> (plain text, HTML, and the <c>text/calendar; method=…</c> part)
/// and the same calendar as an <c>invite.ics</c> attachment. The attendee receives the invite byte for byte as ListInvites gives it (the
/// channel writes a stored source first); the organizer
/// (who must not be sent a REQUEST for their own event) receives a notification carrying the event as PUBLISH. The Message-ID
/// derives from the delivery, so a retried send is recognisably the same message. Names and titles only ever reach headers
/// through MimeKit's encoders (RFC 2047) after control characters are removed, so they cannot inject headers.
/// </summary>
public static class MailComposer
{
    private static readonly LocalDateTimePattern Day = LocalDateTimePattern.Create("dddd d MMMM uuuu", CultureInfo.InvariantCulture);
    private static readonly LocalTimePattern Clock = LocalTimePattern.Create("HH:mm", CultureInfo.InvariantCulture);

    /// <summary>The e-mail of <paramref name="delivery"/> (an attendee's or organizer's) for <paramref name="entry"/>'s invite.</summary>
    /// <exception cref="InvalidOperationException">When the entry carries no invite.</exception>
    public static MimeMessage Compose(Delivery delivery, OutboxEntry entry, MailboxAddress sender)
    {
        var mail = entry.Mail ?? throw new InvalidOperationException($"Entry {entry.Id} has no invite to e-mail.");
        var toOrganizer = delivery.Role == Delivery.Organizer;
        var method = toOrganizer ? "PUBLISH" : mail.Method == InviteMethod.Cancel ? "CANCEL" : "REQUEST";
        var calendar = toOrganizer ? Published(mail.Invite) : mail.Invite;
        var title = Clean(mail.Title);
        var organizer = Clean(mail.OrganizerName);
        var attendee = Clean(mail.AttendeeName);
        var when = Describe(mail);

        var message = new MimeMessage
        {
            MessageId = $"{delivery.Id}@coaching",
            Date = entry.Time.ToDateTimeOffset(),
            Subject = Subject(mail, toOrganizer, title, when.Local),
        };
        message.From.Add(new MailboxAddress(toOrganizer ? sender.Name : $"{organizer} via {sender.Name}".Trim(), sender.Address));
        message.To.Add(new MailboxAddress(toOrganizer ? organizer : attendee, delivery.Recipient));
        if (!toOrganizer && DeliveryPlanner.IsDeliverable(mail.OrganizerEmail))
        {
            // Accept/Decline replies go to the coach, who organizes the session.
            message.ReplyTo.Add(new MailboxAddress(organizer, mail.OrganizerEmail));
        }

        message.Headers.Add("X-Coaching-Event", entry.Resource);
        var lines = Lines(mail, toOrganizer, title, organizer, attendee, when);
        var alternative = new MultipartAlternative
        {
            new TextPart("plain") { Text = string.Join("\r\n", lines) + "\r\n" },
            new TextPart("html") { Text = Html(lines) },
            CalendarPart(calendar, method, attachment: false),
        };
        message.Body = new Multipart("mixed") { alternative, CalendarPart(calendar, method, attachment: true) };
        return message;
    }

    /// <summary>The session's time in the coach's zone and in UTC, as the readable parts say it.</summary>
    public static (string Local, string Utc) Describe(MailOrder mail)
    {
        var zone = DateTimeZoneProviders.Tzdb.GetZoneOrNull(mail.TimeZoneId) ?? DateTimeZone.Utc;
        var start = mail.Start.InZone(zone);
        var end = mail.End.InZone(zone);
        var local = $"{Day.Format(start.LocalDateTime)}, {Clock.Format(start.TimeOfDay)}–{Clock.Format(end.TimeOfDay)} ({zone.Id}, UTC{start.Offset})";
        var utcStart = mail.Start.InUtc();
        var utc = $"{Day.Format(utcStart.LocalDateTime)}, {Clock.Format(utcStart.TimeOfDay)}–{Clock.Format(mail.End.InUtc().TimeOfDay)} UTC";
        return (local, utc);
    }

    /// <summary>
    /// The invite as METHOD:PUBLISH: the same bytes with the METHOD line replaced (a line of its own, never folded, before the
    /// first component), so the organizer's copy carries exactly the attendee's event.
    /// </summary>
    /// <exception cref="InvalidOperationException">When the calendar has no METHOD line (not an iTIP message).</exception>
    public static byte[] Published(byte[] invite)
    {
        var text = System.Text.Encoding.UTF8.GetString(invite);
        var start = text.IndexOf("\r\nMETHOD:", StringComparison.Ordinal);
        var end = start < 0 ? -1 : text.IndexOf("\r\n", start + 2, StringComparison.Ordinal);
        if (end < 0 || text.IndexOf("\r\nBEGIN:", StringComparison.Ordinal) < start)
        {
            throw new InvalidOperationException("The invite has no METHOD line before its components.");
        }

        return System.Text.Encoding.UTF8.GetBytes(string.Concat(text.AsSpan(0, start), "\r\nMETHOD:PUBLISH", text.AsSpan(end)));
    }

    private static string Subject(MailOrder mail, bool toOrganizer, string title, string when) => (toOrganizer, mail.Method) switch
    {
        (false, InviteMethod.Cancel) => $"Cancelled: {title} ({when})",
        (false, _) when mail.Sequence > 0 => $"Updated invitation: {title} ({when})",
        (false, _) => $"Invitation: {title} ({when})",
        (true, InviteMethod.Cancel) => $"Cancelled session: {title} ({when})",
        (true, _) when mail.Sequence > 0 => $"Session changed: {title} ({when})",
        (true, _) => $"New session: {title} ({when})",
    };

    private static List<string> Lines(MailOrder mail, bool toOrganizer, string title, string organizer, string attendee, (string Local, string Utc) when)
    {
        var cancelled = mail.Method == InviteMethod.Cancel;
        var lines = new List<string>
        {
            toOrganizer
                ? cancelled ? $"Your session with {attendee} has been cancelled." : $"Your session with {attendee} is in your calendar."
                : cancelled ? $"Your session with {organizer} has been cancelled." : $"You are invited to a session with {organizer}.",
            string.Empty,
            title,
            $"When: {when.Local}",
            $"      {when.Utc}",
            toOrganizer ? $"With: {attendee}" : $"Coach: {organizer}",
            string.Empty,
            toOrganizer
                ? "The attached event (invite.ics) keeps your calendar in step; it is also in your Coaching feed."
                : cancelled ? "Your calendar removes the event when you open this message." : "Accept or decline in your calendar; replies go to your coach.",
        };
        return lines;
    }

    private static string Html(List<string> lines)
    {
        var html = new StringBuilder("<!DOCTYPE html><html><body>");
        foreach (var line in lines)
        {
            html.Append(line.Length == 0 ? "<br>" : $"<p>{WebUtility.HtmlEncode(line.Trim())}</p>");
        }

        return html.Append("</body></html>").ToString();
    }

    private static MimePart CalendarPart(byte[] calendar, string method, bool attachment)
    {
        var part = attachment
            ? new MimePart("application", "ics") { FileName = "invite.ics", ContentDisposition = new ContentDisposition(ContentDisposition.Attachment) }
            : new MimePart("text", "calendar");
        part.ContentType.Parameters.Add("method", method);
        part.ContentType.Charset = "UTF-8";
        if (attachment)
        {
            part.ContentType.Name = "invite.ics";
        }

        // Base64 keeps the CRLFs and the 75-octet folding of the calendar exactly as written.
        part.ContentTransferEncoding = ContentEncoding.Base64;
        part.Content = new MimeContent(new MemoryStream(calendar, writable: false));
        return part;
    }

    // Control characters (CR, LF, tabs...) never reach a header or a line of text.
    private static string Clean(string text) =>
        string.Concat(text.Where(c => !char.IsControl(c))).Trim() is { Length: > 0 } clean ? clean[..Math.Min(clean.Length, 200)] : "Coaching";
}
