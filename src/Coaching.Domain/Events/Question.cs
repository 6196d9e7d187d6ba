using Coaching.Domain.Common;
using NodaTime;

namespace Coaching.Domain.Events;

/// <summary>Where a question stands with the hosts.</summary>
public enum QuestionState
{
    /// <summary>Waiting for an answer.</summary>
    Open = 1,

    /// <summary>Answered in the session.</summary>
    Answered = 2,

    /// <summary>Hidden by a host: only hosts see it.</summary>
    Hidden = 3,

    /// <summary>A duplicate, merged into another question (its votes went there).</summary>
    Merged = 4,
}

/// <summary>A question a registrant sent to an event's hosts, before or during it.</summary>
public sealed record Question
{
    /// <summary>Longest question.</summary>
    public const int MaxText = 2000;

    /// <summary>Identifier (a ULID).</summary>
    public required string Id { get; init; }

    /// <summary>The event.</summary>
    public required string EventId { get; init; }

    /// <summary>Who asked (a user id).</summary>
    public required string AuthorId { get; init; }

    /// <summary>The text, 1..2000 characters.</summary>
    public required string Text { get; init; }

    /// <summary>Hidden from other attendees (hosts still see who asked).</summary>
    public required bool Anonymous { get; init; }

    /// <summary>Open, answered, hidden or merged.</summary>
    public required QuestionState State { get; init; }

    /// <summary>The question it was merged into; empty unless merged.</summary>
    public required string MergedInto { get; init; }

    /// <summary>Votes, one per registrant.</summary>
    public required int Votes { get; init; }

    /// <summary>Creation time.</summary>
    public required Instant CreateTime { get; init; }

    /// <summary>Last change.</summary>
    public required Instant UpdateTime { get; init; }

    /// <summary>Optimistic-concurrency version, from 1.</summary>
    public required long Version { get; init; }

    /// <summary><c>events/{event}/questions/{question}</c>.</summary>
    public string Name => NameOf(EventId, Id);

    /// <summary>The ETag of <see cref="Version"/>.</summary>
    public string Etag => Etags.Of(Version);

    /// <summary><c>events/{event}/questions/{question}</c>.</summary>
    public static string NameOf(string eventId, string questionId) => $"{ScheduledEvent.NameOf(eventId)}/questions/{questionId}";
}

/// <summary>A question as one viewer sees it: whether they voted for it.</summary>
public sealed record QuestionView(Question Question, bool ViewerVoted);

/// <summary>A position in hosts' order: most votes first, then oldest, then id.</summary>
public readonly record struct QuestionCursor(int Votes, Instant Created, string Id)
{
    /// <summary>The cursor as page-token text.</summary>
    public string Format() => $"{Votes}|{Created.ToUnixTimeMilliseconds()}|{Id}";

    /// <summary>Parses <see cref="Format"/>'s output; null when malformed.</summary>
    public static QuestionCursor? Parse(string text)
    {
        var parts = text.Split('|');
        return parts.Length == 3 && int.TryParse(parts[0], System.Globalization.CultureInfo.InvariantCulture, out var votes)
            && long.TryParse(parts[1], System.Globalization.CultureInfo.InvariantCulture, out var ms) && parts[2].Length > 0
            ? new QuestionCursor(votes, Instant.FromUnixTimeMilliseconds(ms), parts[2])
            : null;
    }

    /// <summary>The cursor of <paramref name="q"/>.</summary>
    public static QuestionCursor Of(Question q) => new(q.Votes, q.CreateTime, q.Id);
}

/// <summary>What a vote did.</summary>
public enum VoteOutcome
{
    /// <summary>Counted now.</summary>
    Counted,

    /// <summary>This voter's vote was already counted (a retry or a second tap).</summary>
    AlreadyCounted,

    /// <summary>No such question.</summary>
    Missing,
}

/// <summary>
/// Persistence of questions and votes. One vote per voter and question is the store's to keep (a primary key / an array the
/// update adds to only when the voter is absent), and the count moves in the same atomic write as the vote.
/// </summary>
public interface IQuestionStore
{
    /// <summary>Inserts a question with the entry announcing it; a request key used before returns the original.</summary>
    Task<CreateResult<Question>> CreateAsync(Question question, IdempotencyKey key, Outbox.OutboxEntry announced, CancellationToken cancellationToken);

    /// <summary>The question, or null.</summary>
    Task<Question?> GetAsync(string eventId, string questionId, CancellationToken cancellationToken);

    /// <summary>An event's questions in hosts' order after the cursor, each with whether <paramref name="viewer"/> voted for it.</summary>
    Task<IReadOnlyList<QuestionView>> ListAsync(string eventId, string viewer, QuestionCursor? after, int limit, CancellationToken cancellationToken);

    /// <summary>Stores a changed question if its version is still <paramref name="expectedVersion"/>; false when it moved or is gone.</summary>
    Task<bool> UpdateAsync(Question changed, long expectedVersion, Outbox.OutboxEntry announced, CancellationToken cancellationToken);

    /// <summary>Deletes a question and its votes; false when it was not there.</summary>
    Task<bool> DeleteAsync(string eventId, string questionId, Outbox.OutboxEntry announced, CancellationToken cancellationToken);

    /// <summary>Counts <paramref name="voter"/>'s vote once; the entry <paramref name="announce"/> makes of the counted question goes with it.</summary>
    Task<(VoteOutcome Outcome, Question? Question)> VoteAsync(string eventId, string questionId, string voter, Func<Question, Outbox.OutboxEntry> announce,
        CancellationToken cancellationToken);

    /// <summary>Adds the voters of <paramref name="fromId"/> to <paramref name="intoId"/> (each counted once), for a merge.</summary>
    Task MergeVotesAsync(string eventId, string fromId, string intoId, CancellationToken cancellationToken);
}
