using Coaching.Domain.Calendar;
using Coaching.Domain.Outbox;

namespace Coaching.Domain.Courses;

/// <summary>
/// Messages emitted for enrolments. Each enrolment's messages are numbered (ordinal = SEQUENCE + 1) under a unique key,
/// so two writers can never both append the same SEQUENCE: the loser's append returns false and it re-reads.
/// </summary>
public interface IEnrolmentInviteStore
{
    /// <summary>Appends a message, with its outbox entry in the same atomic write, if no message with its ordinal exists yet.</summary>
    Task<bool> TryAppendAsync(string enrolmentId, string cohortId, Invite invite, string sessionsDigest, OutboxEntry entry, CancellationToken cancellationToken);

    /// <summary>Every message of an enrolment, oldest first.</summary>
    Task<IReadOnlyList<Invite>> ListAsync(string enrolmentId, CancellationToken cancellationToken);

    /// <summary>The latest message of every enrolment of a cohort, in one query.</summary>
    Task<IReadOnlyDictionary<string, LastInvite>> LatestAsync(string cohortId, CancellationToken cancellationToken);

    /// <summary>The latest message of each of the given enrolments, in one query.</summary>
    Task<IReadOnlyDictionary<string, LastInvite>> LatestForAsync(IReadOnlyCollection<string> enrolmentIds, CancellationToken cancellationToken);
}
