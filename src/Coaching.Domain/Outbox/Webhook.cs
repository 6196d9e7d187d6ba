using NodaTime;

namespace Coaching.Domain.Outbox;

/// <summary>A registered webhook endpoint. The secret signs every call (Standard Webhooks); it is shown once, at creation.</summary>
public sealed record Webhook(string Id, string Url, IReadOnlyList<string> EventTypes, bool Active, string Secret, Instant CreateTime)
{
    /// <summary><c>webhooks/{id}</c>.</summary>
    public string Name => $"webhooks/{Id}";

    /// <summary>Whether it receives events of <paramref name="type"/>.</summary>
    public bool Wants(string type) => Active && (EventTypes.Count == 0 || EventTypes.Contains(type, StringComparer.Ordinal));
}
