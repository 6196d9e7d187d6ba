using System.Text.Json;
using System.Text.Json.Serialization;
using Coaching.Domain.Calendar;
using Coaching.Domain.Outbox;
using Microsoft.Data.Sqlite;
using NodaTime;

namespace Coaching.Storage.Sqlite.Outbox;

/// <summary>Writing and reading outbox entries; writes run inside the transaction of the change that records them.</summary>
internal static class OutboxRows
{
    public const string Columns = "position, id, type, resource, audience, payload, mail, create_time";

    /// <summary>Appends <paramref name="entry"/> to the log, in the caller's transaction (nothing when null).</summary>
    public static async Task AppendAsync(SqliteConnection connection, SqliteTransaction transaction, OutboxEntry? entry, CancellationToken ct)
    {
        if (entry is null)
        {
            return;
        }

        using var insert = connection.Command(
            "INSERT INTO outbox (id, type, resource, audience, payload, mail, create_time) VALUES ($id, $type, $resource, $audience, $payload, $mail, $time)",
            transaction)
            .With("$id", entry.Id).With("$type", entry.Type).With("$resource", entry.Resource)
            .With("$audience", JsonSerializer.Serialize([.. entry.Audience], OutboxJsonContext.Default.StringArray))
            .With("$payload", entry.Payload)
            .With("$mail", entry.Mail is { } mail ? JsonSerializer.Serialize(MailRow.From(mail), OutboxJsonContext.Default.MailRow) : null)
            .With("$time", entry.Time);
        await insert.ExecuteNonQueryAsync(ct);
    }

    public static LoggedEntry Read(SqliteDataReader r) => new(r.GetInt64(0), new OutboxEntry(
        r.GetString(1),
        r.GetString(2),
        r.GetString(3),
        JsonSerializer.Deserialize(r.GetString(4), OutboxJsonContext.Default.StringArray)!,
        (byte[])r.GetValue(5),
        r.IsDBNull(6) ? null : JsonSerializer.Deserialize(r.GetString(6), OutboxJsonContext.Default.MailRow)!.ToDomain(),
        r.GetInstant(7)));
}

/// <summary>An invite to e-mail as the <c>mail</c> column's JSON holds it (times in Unix milliseconds).</summary>
internal sealed record MailRow(
    int Method, string Uid, int Sequence, byte[] Invite, string AttendeeName, string AttendeeEmail,
    string OrganizerName, string OrganizerEmail, string Title, long Start, long End, string TimeZoneId)
{
    public static MailRow From(MailOrder m) => new((int)m.Method, m.Uid, m.Sequence, m.Invite, m.AttendeeName, m.AttendeeEmail,
        m.OrganizerName, m.OrganizerEmail, m.Title, m.Start.ToUnixTimeMilliseconds(), m.End.ToUnixTimeMilliseconds(), m.TimeZoneId);

    public MailOrder ToDomain() => new((InviteMethod)Method, Uid, Sequence, Invite, AttendeeName, AttendeeEmail, OrganizerName,
        OrganizerEmail, Title, Instant.FromUnixTimeMilliseconds(Start), Instant.FromUnixTimeMilliseconds(End), TimeZoneId);
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(MailRow))]
[JsonSerializable(typeof(string[]))]
internal sealed partial class OutboxJsonContext : JsonSerializerContext;
