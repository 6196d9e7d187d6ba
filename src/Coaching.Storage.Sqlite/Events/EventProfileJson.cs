using System.Text.Json;
using System.Text.Json.Serialization;
using Coaching.Domain.Events;
using NodaTime;

namespace Coaching.Storage.Sqlite.Events;

/// <summary>An event's profile as its cohort's <c>event</c> column holds it: JSON, times in Unix milliseconds.</summary>
internal static class EventProfileJson
{
    public static string? Write(EventProfile? p) => p is null
        ? null
        : JsonSerializer.Serialize(new EventProfileRow(p.Id, (int)p.Kind, p.Title, p.Description, [.. p.Topics], p.JoinLink, (int)p.Visibility, p.Unlimited,
            p.RecordingLink, p.HeldTime?.ToUnixTimeMilliseconds(), p.Start.ToUnixTimeMilliseconds(), p.CreateTime.ToUnixTimeMilliseconds(),
            p.UpdateTime.ToUnixTimeMilliseconds(), p.Version), EventProfileJsonContext.Default.EventProfileRow);

    public static EventProfile Read(string json)
    {
        var r = JsonSerializer.Deserialize(json, EventProfileJsonContext.Default.EventProfileRow)
            ?? throw new JsonException("An event profile column held JSON null.");
        return new EventProfile
        {
            Id = r.Id, Kind = (EventKind)r.Kind, Title = r.Title, Description = r.Description, Topics = r.Topics, JoinLink = r.JoinLink,
            Visibility = (EventVisibility)r.Visibility, Unlimited = r.Unlimited, RecordingLink = r.RecordingLink,
            HeldTime = r.HeldTime is { } held ? Instant.FromUnixTimeMilliseconds(held) : null, Start = Instant.FromUnixTimeMilliseconds(r.Start),
            CreateTime = Instant.FromUnixTimeMilliseconds(r.CreateTime), UpdateTime = Instant.FromUnixTimeMilliseconds(r.UpdateTime), Version = r.Version,
        };
    }
}

/// <summary>The stored shape of a profile (see <see cref="EventProfileJson"/>).</summary>
internal sealed record EventProfileRow(string Id, int Kind, string Title, string Description, List<string> Topics, string JoinLink, int Visibility,
    bool Unlimited, string RecordingLink, long? HeldTime, long Start, long CreateTime, long UpdateTime, long Version);

/// <summary>Compile-time JSON for <see cref="EventProfileRow"/>.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(EventProfileRow))]
internal sealed partial class EventProfileJsonContext : JsonSerializerContext;
